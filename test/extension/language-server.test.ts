// The language server inside the real VS Code: a migration with a syntax error (and a second
// "-- Down") gets its diagnostics at the right ranges, fixing the text clears them, and the
// outline and hover of a fixture migration come from the server; schema lint findings show with
// their documentation link and related information, and a quick fix removes one.
// The broken migration lives in its own temporary project (pglc.toml + pglc/migrations) outside
// the workspace, so the other suites' Migrations view never sees it; the server finds its
// migration folder by reading that pglc.toml. Waits are on VS Code's events, never on sleeps.

import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { PglcExtensionApi } from '../../client/api';

const EXTENSION_ID = 'postgres-lifecycle.postgres-lifecycle';
const DEADLINE_MS = 20_000;

function pglcDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pglc');
}

function describe_(ds: vscode.Diagnostic[]): string {
  return JSON.stringify(ds.map((d) => [typeof d.code === 'object' ? d.code.value : d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]));
}

/** Resolves with the document's pglc diagnostics once `check` accepts them (on onDidChangeDiagnostics). */
function waitForDiagnostics(uri: vscode.Uri, what: string, check: (ds: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const now = pglcDiagnostics(uri);
  if (check(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}; diagnostics now: ${describe_(pglcDiagnostics(uri))}`));
    }, DEADLINE_MS);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const ds = pglcDiagnostics(uri);
      if (!check(ds)) return;
      clearTimeout(deadline);
      sub.dispose();
      resolve(ds);
    });
  });
}

/** Polls `probe` (a provider command that answers empty until the server is ready) with a deadline. */
async function eventually<T>(what: string, probe: () => Thenable<T | undefined>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const v = await probe();
    if (v !== undefined && ok(v)) return v;
    if (Date.now() > deadline) assert.fail(`timed out after ${DEADLINE_MS} ms waiting for ${what}; last answer: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }
}

describe('language server', () => {
  let project: string;

  before(async () => {
    const ext = vscode.extensions.getExtension<PglcExtensionApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
    await ext.activate();
    const info = await ext.exports.languageServer;
    assert.equal(info?.name, 'Postgres Lifecycle Language Server');
    project = mkdtempSync(join(tmpdir(), 'pglc-ls-ext-'));
    mkdirSync(join(project, 'pglc/migrations'), { recursive: true });
    writeFileSync(join(project, 'pglc.toml'), '[project]\nmigrations = "pglc/migrations"\n');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('reports a syntax error and a second Down marker at their ranges, and clears them when fixed', async () => {
    const file = join(project, 'pglc/migrations/0001_broken.sql');
    writeFileSync(file, '-- Up\nCREATE TABLE t (\n  id int,\n);\n\n-- Down\nDROP TABLE t;\n-- Down\n');
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);

    const ds = await waitForDiagnostics(uri, 'the syntax error and the duplicate marker', (d) => d.length === 2);
    const byCode = new Map(ds.map((d) => [String(d.code), d]));
    const syntax = byCode.get('syntax-error');
    assert.ok(syntax, describe_(ds));
    assert.equal(syntax.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(syntax.message, 'syntax error at or near ")"');
    assert.deepEqual([syntax.range.start.line, syntax.range.start.character, syntax.range.end.line, syntax.range.end.character], [3, 0, 3, 1]);
    const marker = byCode.get('duplicate-marker');
    assert.ok(marker, describe_(ds));
    assert.deepEqual([marker.range.start.line, marker.range.start.character, marker.range.end.character], [7, 0, 7]);

    // fix both: drop the trailing comma, then the second "-- Down"
    const comma = new vscode.WorkspaceEdit();
    comma.delete(uri, new vscode.Range(2, 8, 2, 9));
    assert.ok(await vscode.workspace.applyEdit(comma));
    await waitForDiagnostics(uri, 'the syntax error to go', (d) => d.length === 1 && d[0]?.code === 'duplicate-marker');
    const down = new vscode.WorkspaceEdit();
    down.delete(uri, new vscode.Range(7, 0, 8, 0));
    assert.ok(await vscode.workspace.applyEdit(down));
    await waitForDiagnostics(uri, 'no diagnostics', (d) => d.length === 0);
  });

  it('shows schema lint findings on the schema of earlier migrations, and a quick fix removes one', async () => {
    // a project of its own: the first test leaves an unreadable migration on disk (two Down markers)
    const lintProject = mkdtempSync(join(tmpdir(), 'pglc-ls-lint-'));
    mkdirSync(join(lintProject, 'pglc/migrations'), { recursive: true });
    writeFileSync(join(lintProject, 'pglc.toml'), '[project]\nmigrations = "pglc/migrations"\n');
    writeFileSync(join(lintProject, 'pglc/migrations/0001_orders.sql'), '-- Up\ncreate table orders (id bigint primary key, note text);\n-- Down\ndrop table orders;\n');
    const file = join(lintProject, 'pglc/migrations/0002_orders_note.sql');
    writeFileSync(file, "-- Up\nset lock_timeout = '5s'; set statement_timeout = '5min';\ncreate index orders_note_idx on orders (note);\nalter table orders add column paid boolean not null;\n-- Down\nset lock_timeout = '5s';\nalter table orders drop column paid;\ndrop index orders_note_idx;\n");
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    const codeOf = (d: vscode.Diagnostic) => (typeof d.code === 'object' ? String(d.code.value) : String(d.code));
    const ds = await waitForDiagnostics(uri, 'two lint findings', (d) => d.length === 2);
    assert.deepEqual(ds.map((d) => [codeOf(d), d.severity, d.range.start.line]), [
      ['require-concurrent-index', vscode.DiagnosticSeverity.Warning, 2],
      ['add-required-column', vscode.DiagnosticSeverity.Error, 3],
    ], describe_(ds));
    const index = ds[0]!;
    // the code links to the rule's heading in the docs shipped with the extension
    assert.ok(typeof index.code === 'object', 'the code has a link');
    const target = (index.code as { target: vscode.Uri }).target;
    assert.match(target.path, /\/docs\/lint\.md$/);
    const line = Number(/^L(\d+)$/.exec(target.fragment)?.[1]);
    const docs = await vscode.workspace.openTextDocument(target.with({ fragment: '' }));
    assert.equal(docs.lineAt(line - 1).text, '### require-concurrent-index');
    assert.ok(index.relatedInformation?.[0]?.location.uri.fsPath.endsWith('0001_orders.sql'), 'related information points at the migration that created orders');

    const actions = await eventually(
      'the quick fixes of the CREATE INDEX finding',
      () => vscode.commands.executeCommand<vscode.CodeAction[] | undefined>('vscode.executeCodeActionProvider', uri, index.range, vscode.CodeActionKind.QuickFix.value),
      (a) => a.some((x) => x.isPreferred),
    );
    const preferred = actions.find((a) => a.isPreferred);
    assert.equal(preferred?.title, 'Add CONCURRENTLY (and run this migration outside a transaction)');
    assert.ok(preferred?.edit && (await vscode.workspace.applyEdit(preferred.edit)));
    // outside a transaction now: non-idempotent-ddl asks for statements that can run again
    const left = await waitForDiagnostics(uri, 'the CREATE INDEX finding to go', (d) => d.length > 0 && !d.some((x) => codeOf(x) === 'require-concurrent-index'));
    assert.deepEqual([...new Set(left.map(codeOf))].sort(), ['add-required-column', 'non-idempotent-ddl'], describe_(left));
    assert.match((await vscode.workspace.openTextDocument(uri)).getText(), /^-- pglc:no-transaction\n-- Up\n.*\ncreate index CONCURRENTLY orders_note_idx/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    rmSync(lintProject, { recursive: true, force: true });
  });

  it('gives the outline and hovers of a fixture migration', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const uri = vscode.Uri.joinPath(folder.uri, 'pglc/migrations/0001_create_users.sql');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));

    const symbols = await eventually(
      'the document symbols',
      () => vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', uri),
      (s) => s.length > 0,
    );
    assert.deepEqual(symbols.map((s) => [s.name, s.kind, s.children.map((c) => [c.name, c.kind])]), [
      ['Up', vscode.SymbolKind.Namespace, [['CREATE TABLE users', vscode.SymbolKind.Struct]]],
      ['Down', vscode.SymbolKind.Namespace, [['DROP TABLE users', vscode.SymbolKind.Null]]],
    ]);
    assert.equal(symbols[0]?.range.start.line, 0);

    const hovers = await eventually(
      'a hover on CREATE TABLE',
      () => vscode.commands.executeCommand<vscode.Hover[] | undefined>('vscode.executeHoverProvider', uri, new vscode.Position(1, 3)),
      (h) => h.length > 0,
    );
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /CREATE TABLE users/);
    assert.match(text, /Runs inside the migration's transaction/);
  });
});
