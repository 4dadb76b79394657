// The language server process (started by the client over IPC, or over stdio by bench/lsp):
// wiring only. Handlers are plain functions `(model, document, params) → result` in their own
// modules; this file routes LSP messages to them, debounces diagnostics and keeps the latest
// `pglc/migrationStatus` and `pglc/lintFacts`; schema lint diagnostics join the syntax ones for
// migration files.
// Invariants: the server never imports `vscode` and never connects to a database (status comes
// from the client); with the stdio transport stdout is the protocol, so nothing here writes to
// the console; diagnostics are published with the version they were computed for.

import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { CodeLensRefreshRequest, createConnection, ProposedFeatures, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSqlParser } from '../core/sql/parse';
import { LintFactsNotification, MigrationStatusNotification, type LintFactsParams, type MigrationStatusParams } from '../protocol/index';
import { computeCodeActions } from './code-actions';
import { computeCodeLenses } from './code-lens';
import { computeCompletions } from './completion';
import { createDebouncer, type Debouncer } from './debounce';
import { computeDiagnostics } from './diagnostics';
import type { DocumentModel } from './document-model';
import { computeDocumentSymbols } from './document-symbols';
import { computeFoldingRanges } from './folding-ranges';
import { computeHover } from './hover';
import { createLintContexts, loadSchemaFromDisk } from './lint-context';
import { computeLintDiagnostics } from './lint-diagnostics';
import { forgetLint } from './lint-runs';
import { computeSchemaDefinition, computeSchemaHover } from './schema-navigation';
import { initializeResult, serverOptions, type ServerOptions } from './initialize';
import { classifyMigrationDocument } from './migration-document';
import { createMigrationFolders, loadMigrationDirsFromConfig } from './migration-folders';
import { createModelCache } from './model-cache';
import { SERVER_STATS_REQUEST, type ServerStats } from './server-stats';
import { parseCacheSize } from './statement-parse';

// Memory (bench/lsp: 500 open migrations stay under 150 MB only with both). PostgreSQL's parser is
// a 1 MB WebAssembly module: V8's optimizing tier would add ~35 MB of compiled code for no
// measurable gain on statement-sized inputs, so keep the baseline compiler (set before
// loadSqlParser() compiles the module). And a young generation that never grows: analysis
// allocates in short bursts, and a grown new space is ~60 MB of mostly empty heap kept resident.
// Unknown flags (a future V8) are only reported on stderr.
setFlagsFromString('--liftoff-only');
setFlagsFromString('--semi-space-growth-factor=1');

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const folders = createMigrationFolders(loadMigrationDirsFromConfig(process.env));
const models = createModelCache();
const lint = createLintContexts(loadSchemaFromDisk(process.env));
let options: ServerOptions = serverOptions({ capabilities: {} } as Parameters<typeof serverOptions>[0]);
let debouncer: Debouncer = createDebouncer(options.diagnosticsDebounceMs);
let status: MigrationStatusParams | undefined;
/** The version whose diagnostics were last scheduled at once (on open), so the change event that follows is not a second run. */
const immediate = new Map<string, number>();

function pathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The model of the current version of `uri` (reads pglc.toml the first time a project is seen). */
async function modelOf(uri: string): Promise<{ model: DocumentModel; document: TextDocument; path?: string } | undefined> {
  const path = pathOf(uri);
  const dirs = path ? await folders.dirsFor(path) : [];
  const document = documents.get(uri);
  if (!document) return undefined;
  const model = models.get(document, folders.generation(), () => (path ? classifyMigrationDocument(path, document.getText(), dirs) : undefined));
  return path ? { model, document, path } : { model, document };
}

async function publishDiagnostics(uri: string): Promise<void> {
  const m = await modelOf(uri);
  if (!m) return;
  let diagnostics = computeDiagnostics(m.model, m.document);
  if (m.path && m.model.migration) {
    const inputs = await lint.inputsFor(m.path, m.model.migration);
    // the document may have changed while the project's schema was read: the next run publishes
    if (documents.get(uri)?.version !== m.model.version) return;
    if (inputs) {
      const offset = (d: { range: { start: { line: number; character: number } } }) => m.document.offsetAt(d.range.start);
      diagnostics = [...diagnostics, ...computeLintDiagnostics(m.model, m.document, m.path, inputs)].sort((a, b) => offset(a) - offset(b));
    }
  }
  await connection.sendDiagnostics({ uri, version: m.model.version, diagnostics });
}

function publishLater(uri: string): void {
  debouncer.schedule(uri, () => void publishDiagnostics(uri).catch(logError));
}

function logError(e: unknown): void {
  connection.console.error(`pglc language server: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
}

function republishAll(): void {
  for (const d of documents.all()) {
    debouncer.cancel(d.uri);
    void publishDiagnostics(d.uri).catch(logError);
  }
}

connection.onInitialize(async (params) => {
  options = serverOptions(params);
  debouncer = createDebouncer(options.diagnosticsDebounceMs);
  // Every handler parses synchronously: load the WebAssembly parser before the first document.
  await loadSqlParser();
  return initializeResult(params);
});

documents.onDidOpen((e) => {
  immediate.set(e.document.uri, e.document.version);
  debouncer.cancel(e.document.uri);
  void publishDiagnostics(e.document.uri).catch(logError);
});
documents.onDidChangeContent((e) => {
  if (immediate.get(e.document.uri) === e.document.version) return;
  immediate.delete(e.document.uri);
  publishLater(e.document.uri);
});
documents.onDidClose((e) => {
  debouncer.cancel(e.document.uri);
  immediate.delete(e.document.uri);
  models.delete(e.document.uri);
  const path = pathOf(e.document.uri);
  if (path) forgetLint(path);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

connection.onNotification(MigrationStatusNotification, (params: MigrationStatusParams) => {
  status = params;
  folders.setStatus(params);
  // migrations the environment has not applied yet create tables that will be new there
  lint.setStatus(params);
  republishAll();
  if (options.codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(logError);
});

connection.onNotification(LintFactsNotification, (params: LintFactsParams) => {
  lint.setFacts(params);
  republishAll();
});

connection.onDidChangeWatchedFiles((e) => {
  const config = e.changes.some((c) => /(^|\/)pglc\.toml$/.test(c.uri));
  // a migration saved, created or deleted changes the schema later migrations are linted on
  if (config || e.changes.some((c) => /\.sql$/i.test(c.uri))) lint.invalidate();
  if (!config) {
    republishAll();
    return;
  }
  folders.configChanged();
  republishAll();
  if (options.codeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(logError);
});

connection.onCodeLens(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  if (!m?.path) return [];
  return computeCodeLenses(m.model, m.document, { path: m.path, ...(status ? { status } : {}), ...(options.timeZone ? { timeZone: options.timeZone } : {}) });
});
connection.onDocumentSymbol(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  return m ? computeDocumentSymbols(m.model, m.document) : [];
});
connection.onFoldingRanges(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  return m ? computeFoldingRanges(m.model, m.document) : [];
});
connection.onHover(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  if (!m) return null;
  const statement = computeHover(m.model, m.document, p.position);
  const inputs = m.path && m.model.migration ? await lint.inputsFor(m.path, m.model.migration) : undefined;
  const table = inputs && m.path ? computeSchemaHover(m.model, m.document, m.path, inputs, p.position) : null;
  if (!table || !statement) return table ?? statement;
  // the table under the cursor first, then what the statement does
  const text = (h: typeof table) => (typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '');
  return { contents: { kind: 'markdown', value: `${text(table)}\n\n---\n\n${text(statement)}` }, ...(table.range ? { range: table.range } : {}) };
});
connection.onDefinition(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  if (!m?.path || !m.model.migration) return null;
  const inputs = await lint.inputsFor(m.path, m.model.migration);
  return inputs ? computeSchemaDefinition(m.model, m.document, m.path, inputs, p.position) : null;
});
connection.onCompletion(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  if (!m?.path || !m.model.migration) return [];
  const inputs = await lint.inputsFor(m.path, m.model.migration);
  return inputs ? computeCompletions(m.model, m.document, m.path, inputs, p.position) : [];
});
connection.onCodeAction(async (p) => {
  const m = await modelOf(p.textDocument.uri);
  if (!m?.path || !m.model.migration) return [];
  const inputs = await lint.inputsFor(m.path, m.model.migration);
  return inputs ? computeCodeActions(m.model, m.document, m.path, inputs, p.range) : [];
});
connection.onRequest(SERVER_STATS_REQUEST, (): ServerStats => {
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  const { full, incremental } = models.stats();
  return { memory: { rss, heapUsed, heapTotal, external, arrayBuffers }, models: models.size(), fullAnalyses: full, incrementalAnalyses: incremental, parsedStatements: parseCacheSize() };
});
connection.onShutdown(() => debouncer.dispose());

documents.listen(connection);
connection.listen();
