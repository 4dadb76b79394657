// The BUILT language server (dist/server.js, as the VSIX ships it) over stdio: it parses with
// the bundled libpg-query, publishes diagnostics with the document version on open (at once) and
// after edits (debounced), finds migrations through pglc.toml before any status arrives, and on
// `pglc/migrationStatus` asks the client to refresh its lenses and answers with status lenses.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CodeLens, DocumentSymbol, Hover, MarkupContent } from 'vscode-languageserver';
import { EditorCommands, MigrationStatusNotification, type MigrationStatusParams } from '../../protocol/index';
import { startLspSession } from '../fixtures/server/lsp-session';

function tempProject(): { root: string; migrations: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'pglc-server-protocol-'));
  const migrations = join(root, 'sql/migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(root, 'pglc.toml'), '[project]\nmigrations = "sql/migrations"\n');
  return { root, migrations, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

test('the built server: diagnostics on open and after edits, migrations from pglc.toml, status lenses', async () => {
  const project = tempProject();
  const session = startLspSession();
  try {
    const init = await session.initialize({ diagnosticsDebounceMs: 0, timeZone: 'UTC' }, { workspace: { codeLens: { refreshSupport: true } } }, project.root);
    assert.equal(init.serverInfo?.name, 'Postgres Lifecycle Language Server');
    assert.ok(init.capabilities.codeLensProvider && init.capabilities.documentSymbolProvider && init.capabilities.hoverProvider && init.capabilities.foldingRangeProvider && init.capabilities.completionProvider);

    // a migration (found through pglc.toml: no status yet) with an error in each section
    const file = join(project.migrations, '0001_create_users.sql');
    const uri = pathToFileURL(file).href;
    const text = '-- Up\nCREATE TABLE users (id int,);\n\n-- Down\nDROP TABLE users;\n-- Down\n';
    session.open(uri, text);
    const first = await session.diagnostics(uri, 1);
    assert.deepEqual(first.diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [
      ['syntax-error', 1, 27, 28],
      ['duplicate-marker', 5, 0, 7],
    ]);

    // fix both problems in two incremental edits
    session.change(uri, 2, [{ range: { start: { line: 1, character: 26 }, end: { line: 1, character: 27 } }, text: '' }]);
    session.change(uri, 3, [{ range: { start: { line: 5, character: 0 }, end: { line: 6, character: 0 } }, text: '' }]);
    assert.equal((await session.diagnostics(uri, 2)).diagnostics.length, 1);
    assert.deepEqual((await session.diagnostics(uri, 3)).diagnostics, []);

    const symbols = (await session.connection.sendRequest('textDocument/documentSymbol', { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['Up', ['CREATE TABLE users']], ['Down', ['DROP TABLE users']]]);
    const hover = (await session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } })) as Hover;
    assert.match((hover.contents as MarkupContent).value, /Runs inside the migration's transaction/);

    // no status yet: no lenses; after the status notification: refresh request, then lenses
    assert.deepEqual(await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
    const status: MigrationStatusParams = {
      root: project.root,
      migrationDirs: [project.migrations],
      status: {
        environment: 'local', database: 'shop', table: '_pglc_migrations',
        rows: [{ version: '0001', name: 'create_users', state: 'pending', file: 'sql/migrations/0001_create_users.sql', hasDown: true, noTransaction: false }],
        counts: { applied: 0, pending: 1, modified: 0, missing: 0, 'out-of-order': 0 },
      },
    };
    await session.connection.sendNotification(MigrationStatusNotification, status);
    await waitFor(() => session.requests.get('workspace/codeLens/refresh') === 1, 'the codeLens refresh request');
    const lenses = (await session.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.deepEqual(lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]), [[0, '▶ Apply', EditorCommands.applyUpTo, ['0001']]]);

    // a plain .sql file outside the migration folder: syntax errors only
    const plain = pathToFileURL(join(project.root, 'report.sql')).href;
    session.open(plain, '-- Down\n-- Down\nselect 1 frm t;\n');
    assert.deepEqual((await session.diagnostics(plain, 1)).diagnostics.map((d) => d.code), ['syntax-error']);

    session.close(uri);
    await waitFor(() => session.published.some((p) => p.uri === uri && p.version === undefined && p.diagnostics.length === 0), 'diagnostics cleared on close');
  } finally {
    await session.dispose();
    project.cleanup();
  }
});

test('after edits, diagnostics wait for the debounce and only the last version is published', async () => {
  const session = startLspSession();
  try {
    await session.initialize({ diagnosticsDebounceMs: 150 });
    const uri = 'file:///nowhere/debounce.sql';
    const opened = performance.now();
    session.open(uri, 'select 1;');
    await session.diagnostics(uri, 1);
    const openMs = performance.now() - opened;
    const edited = performance.now();
    session.change(uri, 2, [{ text: 'select 2 frm x;' }]);
    session.change(uri, 3, [{ text: 'select 3 frm x;' }]);
    const last = await session.diagnostics(uri, 3);
    const editMs = performance.now() - edited;
    assert.equal(last.diagnostics.length, 1);
    assert.ok(editMs >= 145, `published ${editMs.toFixed(0)} ms after the edit, before the 150 ms debounce`);
    assert.ok(openMs < editMs, 'the first diagnostics on open are not debounced');
    assert.equal(session.published.filter((p) => p.version === 2).length, 0, 'version 2 was superseded within the debounce');
  } finally {
    await session.dispose();
  }
});

async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}
