// The active environment's facts in the editor: the client sends `pglc/lintFacts` (table sizes,
// server version from `pglc db lint:facts`), and the language server — which never connects to
// a database — rates lint findings by size, assumes that server's version (before pglc.toml's),
// shows sizes on hover, and treats tables of migrations the environment has not applied (from
// `pglc/migrationStatus`) as new. Handlers first, then the built server over stdio.

import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { before, test } from 'node:test';
import type { Diagnostic, Hover, MarkupContent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSqlParser } from '../../core/sql/parse';
import { LintFactsNotification, MigrationStatusNotification, type LintFacts, type MigrationStatusParams } from '../../protocol/index';
import { buildDocumentModel } from '../../server/document-model';
import { createLintContexts, loadSchemaFromDisk } from '../../server/lint-context';
import { computeLintDiagnostics } from '../../server/lint-diagnostics';
import { classifyMigrationDocument } from '../../server/migration-document';
import { computeSchemaHover } from '../../server/schema-navigation';
import { startLspSession } from '../fixtures/server/lsp-session';

before(loadSqlParser);

const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

const FIRST = '-- Up\ncreate table orders (id bigint primary key, note text);\n-- Down\ndrop table orders;\n';
const SECOND = '-- Up\ncreate table drafts (id bigint primary key, body text);\n-- Down\ndrop table drafts;\n';
const THIRD = "-- Up\nset lock_timeout = '5s';\ncreate index orders_note_idx on orders (note);\ncreate index drafts_body_idx on drafts (body);\nalter table orders add column region text default 'eu';\n-- Down\ndrop index drafts_body_idx;\ndrop index orders_note_idx;\nalter table orders drop column region;\n";

function project(toml = '[project]\nname = "x"\n'): { dir: string; path: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-lint-facts-'));
  mkdirSync(join(dir, 'pglc/migrations'), { recursive: true });
  writeFileSync(join(dir, 'pglc.toml'), toml);
  writeFileSync(join(dir, 'pglc/migrations/0001_orders.sql'), FIRST);
  writeFileSync(join(dir, 'pglc/migrations/0002_drafts.sql'), SECOND);
  writeFileSync(join(dir, 'pglc/migrations/0003_indexes.sql'), THIRD);
  return { dir, path: join(dir, 'pglc/migrations/0003_indexes.sql'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function facts(major: number): LintFacts {
  return {
    environment: 'staging',
    target: 'db.example:5432/shop',
    serverVersion: { major, minor: 4, text: `${major}.4` },
    tables: [{ schema: 'public', name: 'orders', rows: 12_000_000, bytes: 3_300_000_000 }],
    readAt: '2026-12-07T13:05:00.000Z',
  };
}

function status(root: string, pending: string[]): MigrationStatusParams {
  const rows = ['0001', '0002', '0003'].map((version) => ({ version, name: version, state: pending.includes(version) ? ('pending' as const) : ('applied' as const), hasDown: true, noTransaction: false }));
  return { root, migrationDirs: [join(root, 'pglc/migrations')], status: { environment: 'staging', database: 'shop', table: '_pglc_migrations', rows, counts: { applied: 3 - pending.length, pending: pending.length, modified: 0, missing: 0, 'out-of-order': 0 } } };
}

test('facts from the client: findings rated by size, the server version assumed, sizes on hover, unapplied tables new', async (t) => {
  const p = project('[project]\nname = "x"\n[lint]\npostgres_version = 15\n');
  t.after(() => p.cleanup());
  const info = classifyMigrationDocument(p.path, THIRD, [join(p.dir, 'pglc/migrations')]);
  assert.ok(info);
  const document = TextDocument.create(pathToFileURL(p.path).href, 'sql', 1, THIRD);
  const model = buildDocumentModel(THIRD, 1, info);
  const lint = createLintContexts(loadSchemaFromDisk({}));
  const diagnostics = async () => {
    const inputs = await lint.inputsFor(p.path, info);
    assert.ok(inputs);
    return computeLintDiagnostics(model, document, p.path, inputs).filter((d) => d.code === 'require-concurrent-index' || d.code === 'add-column-volatile-default').map((d) => [d.code, document.getText(d.range).split(' ').slice(0, 3).join(' '), messageOf(d).match(/\(\d[^)]*\)/)?.[0] ?? '']);
  };

  // no facts: pglc.toml's version (15), no sizes, every existing table alike
  const offline = await lint.inputsFor(p.path, info);
  assert.equal(offline?.settings.pgVersion, 15);
  assert.equal(offline?.settings.versionSource, 'config');
  assert.deepEqual(await diagnostics(), [
    ['require-concurrent-index', 'create index orders_note_idx', ''],
    ['require-concurrent-index', 'create index drafts_body_idx', ''],
  ]);

  // staging runs PostgreSQL 10: its version wins over pglc.toml's, so the DEFAULT rewrites orders
  lint.setFacts({ root: p.dir, facts: facts(10) });
  const online = await lint.inputsFor(p.path, info);
  assert.equal(online?.settings.pgVersion, 10);
  assert.equal(online?.settings.versionSource, 'server');
  assert.deepEqual(await diagnostics(), [
    ['require-concurrent-index', 'create index orders_note_idx', '(12M rows, 3.1 GB)'],
    ['require-concurrent-index', 'create index drafts_body_idx', ''],
    ['add-column-volatile-default', 'add column region', '(12M rows, 3.1 GB)'],
  ]);
  assert.equal(await lint.inputsFor(p.path, info).then((i) => i?.sizes), online?.sizes, 'the same inputs until something changes: the editor lints the next keystroke from the last run');

  // staging has not applied 0002: drafts will be new (empty) when 0003 runs there
  lint.setStatus(status(p.dir, ['0002', '0003']));
  assert.deepEqual((await diagnostics()).map((d) => d[1]), ['create index orders_note_idx', 'add column region']);

  // hover: the live size, with where and when it was read
  const inputs = await lint.inputsFor(p.path, info);
  assert.ok(inputs);
  const hover = computeSchemaHover(model, document, p.path, inputs, { line: 2, character: 36 });
  assert.match((hover?.contents as MarkupContent).value, /\*\*12M rows, 3\.1 GB\*\* on staging \(estimates read 2026-12-07 13:05 UTC\)/);
  const drafts = computeSchemaHover(model, document, p.path, inputs, { line: 3, character: 36 });
  assert.match((drafts?.contents as MarkupContent).value, /Not on staging/);

  // the client says there are none any more: back to pglc.toml's version and no sizes
  lint.setFacts({ root: p.dir, problem: 'staging: connection refused' });
  assert.equal((await lint.inputsFor(p.path, info))?.settings.pgVersion, 15);
  assert.deepEqual((await diagnostics()).map((d) => d[2]), ['', '']);
});

test('the built server applies pglc/lintFacts and pglc/migrationStatus to its diagnostics', async (t) => {
  const p = project();
  t.after(() => p.cleanup());
  const session = startLspSession();
  t.after(() => session.dispose());
  await session.initialize({ diagnosticsDebounceMs: 0 }, {}, p.dir);
  const uri = pathToFileURL(p.path).href;
  session.open(uri, THIRD);
  const sized = (d: Diagnostic[]) => d.some((x) => /orders \(12M rows, 3\.1 GB\)/.test(messageOf(x)));
  const first = await session.diagnostics(uri, 1);
  assert.ok(!sized(first.diagnostics), 'no sizes before the client sends facts');
  await session.connection.sendNotification(LintFactsNotification, { root: p.dir, facts: facts(17) });
  const withFacts = await session.diagnosticsWhere(uri, (x) => sized(x.diagnostics));
  assert.ok(withFacts.diagnostics.some((d) => /drafts_body_idx/.test(THIRD.split('\n')[d.range.start.line] ?? '') && d.code === 'require-concurrent-index'), 'drafts is an existing table while 0002 counts as applied');
  await session.connection.sendNotification(MigrationStatusNotification, status(p.dir, ['0002', '0003']));
  await session.diagnosticsWhere(uri, (x) => sized(x.diagnostics) && !x.diagnostics.some((d) => d.code === 'require-concurrent-index' && d.range.start.line === 3));
  const hover = (await session.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 36 } })) as Hover;
  assert.match((hover.contents as MarkupContent).value, /12M rows, 3\.1 GB\*\* on staging/);
});
