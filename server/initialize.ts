// The language server's answer to `initialize`: its name and the capabilities it offers, and the
// options the client may pass (initializationOptions). Invariant: plain functions of the
// client's parameters, testable without a running editor; a capability is announced here only
// once a handler for it is wired in server.ts.

import { CodeActionKind, TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver';

export const SERVER_NAME = 'Postgres Lifecycle Language Server';

/** Diagnostics wait this long after the last edit of a document (not on open). */
export const DEFAULT_DIAGNOSTICS_DEBOUNCE_MS = 150;

export interface ServerOptions {
  /** Milliseconds between the last change and the diagnostics; 0 = at once (the bench uses it). */
  diagnosticsDebounceMs: number;
  /** IANA time zone for "applied at" in lenses (default: the server's local zone). */
  timeZone?: string;
  /** The client handles `workspace/codeLens/refresh`. */
  codeLensRefresh: boolean;
}

/**
 * The options from `initializationOptions` (`{ diagnosticsDebounceMs?, timeZone? }`), with
 * defaults for anything missing or malformed.
 * @example serverOptions({ capabilities: {}, initializationOptions: { diagnosticsDebounceMs: 0 } } as InitializeParams).diagnosticsDebounceMs === 0
 */
export function serverOptions(params: InitializeParams): ServerOptions {
  const o = (params.initializationOptions ?? {}) as { diagnosticsDebounceMs?: unknown; timeZone?: unknown };
  const debounce = typeof o.diagnosticsDebounceMs === 'number' && o.diagnosticsDebounceMs >= 0 ? o.diagnosticsDebounceMs : DEFAULT_DIAGNOSTICS_DEBOUNCE_MS;
  const out: ServerOptions = { diagnosticsDebounceMs: debounce, codeLensRefresh: params.capabilities.workspace?.codeLens?.refreshSupport === true };
  if (typeof o.timeZone === 'string' && o.timeZone) out.timeZone = o.timeZone;
  return out;
}

export function initializeResult(_params: InitializeParams): InitializeResult {
  return {
    serverInfo: { name: SERVER_NAME },
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeLensProvider: { resolveProvider: false },
      documentSymbolProvider: { label: 'Postgres Lifecycle' },
      foldingRangeProvider: true,
      hoverProvider: true,
      definitionProvider: true,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      // names complete as they are typed; `.` asks for the columns of a table (or an alias)
      completionProvider: { triggerCharacters: ['.'] },
    },
  };
}
