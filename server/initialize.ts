// The language server's answer to `initialize`: its name and the capabilities it offers.
// Invariant: a plain function of the client's parameters, testable without a running editor;
// a capability is announced here only once a handler for it is wired in server.ts.

import { TextDocumentSyncKind, type InitializeParams, type InitializeResult } from 'vscode-languageserver';

export const SERVER_NAME = 'Postgres Lifecycle Language Server';

export function initializeResult(_params: InitializeParams): InitializeResult {
  return {
    serverInfo: { name: SERVER_NAME },
    capabilities: { textDocumentSync: TextDocumentSyncKind.Incremental },
  };
}
