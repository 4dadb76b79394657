// The language server's document model and its parts, without an editor: statement labels,
// which documents are migrations, sections that agree with `pglc db migrate` (core), error
// recovery after the first syntax error, per-statement parse caching, the diagnostics debounce,
// initialization options and the migration folders read from pglc.toml.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { InitializeParams } from 'vscode-languageserver';
import { parseMigrationFile } from '../../core/migrations/discover';
import { loadSqlParser, parseStatementsSync } from '../../core/sql/parse';
import { createDebouncer } from '../../server/debounce';
import { buildDocumentModel, statementAt } from '../../server/document-model';
import { DEFAULT_DIAGNOSTICS_DEBOUNCE_MS, serverOptions } from '../../server/initialize';
import { classifyMigrationDocument } from '../../server/migration-document';
import { createMigrationFolders, loadMigrationDirsFromConfig } from '../../server/migration-folders';
import { parseCacheSize } from '../../server/statement-parse';
import { statementLabel } from '../../server/statement-label';
import { loadCases, PROJECT_ROOT } from '../fixtures/server/harness';

const fixtures = join(__dirname, '../fixtures/server');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as T;

test('statement labels from the parse tree', async () => {
  await loadSqlParser();
  for (const [sql, expected] of readJson<[string, string][]>('labels.json')) {
    const r = parseStatementsSync(sql);
    assert.ok(r.ok && r.statements[0], sql);
    const s = r.statements[0];
    assert.equal(statementLabel(s.kind, s.node, s.text), expected, sql);
  }
});

test('statement labels of text the parser rejects come from its leading keywords', () => {
  for (const [sql, expected] of readJson<[string, string][]>('unparsed-labels.json')) {
    assert.equal(statementLabel(undefined, undefined, sql), expected, sql);
  }
  assert.equal(statementLabel(undefined, undefined, `frobnicate ${'x, '.repeat(60)}y`).length, 80);
});

test('which documents are migrations, and in which layout', () => {
  for (const c of readJson<{ path: string; dirs: string[]; text: string; expected: unknown }[]>('classify.json')) {
    const info = classifyMigrationDocument(resolve(PROJECT_ROOT, c.path), c.text, c.dirs.map((d) => resolve(PROJECT_ROOT, d)));
    assert.deepEqual(info ?? null, c.expected, c.path);
  }
});

test('sections of valid fixture migrations are the ones core finds (the editor and pglc db migrate agree)', async () => {
  let compared = 0;
  for (const c of await loadCases()) {
    const m = c.model.migration;
    if (!m || m.role !== 'sections' || c.model.problems.some((p) => p.severity === 'error')) continue;
    const file = parseMigrationFile(c.path, c.text, m.format, PROJECT_ROOT);
    const up = c.model.sections.find((s) => s.kind === 'up');
    const down = c.model.sections.find((s) => s.kind === 'down' && s.hasCode);
    assert.ok(up, c.name);
    assert.equal(up.start, file.up.offset, `${c.name}: Up offset`);
    assert.equal(c.text.slice(up.start, up.end), file.up.sql, `${c.name}: Up text`);
    assert.equal(up.mode === 'no-transaction' && up.declared !== undefined, file.up.noTransaction, `${c.name}: declared no-transaction`);
    assert.equal(down?.start, file.down?.offset, `${c.name}: Down offset`);
    if (down && file.down) assert.equal(c.text.slice(down.start, down.end), file.down.sql);
    compared++;
  }
  assert.ok(compared >= 5, `compared ${compared} fixture migrations`);
});

test('every statement with a syntax error is reported, not only the first', async () => {
  await loadSqlParser();
  const statements = Array.from({ length: 50 }, (_, i) => (i % 5 === 2 ? `selec ${i}` : `select ${i}`));
  const text = `${statements.join(';\n')};\n`;
  const model = buildDocumentModel(text, 1);
  assert.deepEqual(model.syntaxErrors.map((e) => text.slice(e.start, e.end)), Array(10).fill('selec'));
  assert.deepEqual(model.syntaxErrors.map((e) => text.slice(0, e.start).split('\n').length), [3, 8, 13, 18, 23, 28, 33, 38, 43, 48]);
  assert.equal(model.statements.length, 50);
  assert.equal(statementAt(model, text.indexOf('select 4'))?.kind, 'SelectStmt');
});

test('an edit parses only the statement that changed', async () => {
  await loadSqlParser();
  const lines = Array.from({ length: 300 }, (_, i) => `CREATE TABLE cache_probe_${i} (id int, name text);`);
  buildDocumentModel(lines.join('\n'), 1);
  const before = parseCacheSize();
  lines[150] = 'CREATE TABLE cache_probe_150 (id int, name text, extra int);';
  const model = buildDocumentModel(lines.join('\n'), 2);
  assert.equal(parseCacheSize(), before + 1);
  assert.equal(model.statements[150]?.label, 'CREATE TABLE cache_probe_150');
});

test('the debounce runs only the last scheduled work, after the delay; 0 runs at once', async () => {
  const d = createDebouncer(20);
  const ran: string[] = [];
  const started = performance.now();
  await new Promise<void>((done) => {
    d.schedule('a', () => ran.push('first'));
    d.schedule('a', () => {
      ran.push('second');
      done();
    });
  });
  assert.ok(performance.now() - started >= 19, 'ran before the delay');
  assert.deepEqual(ran, ['second']);

  d.schedule('b', () => ran.push('cancelled'));
  d.cancel('b');
  d.schedule('c', () => ran.push('disposed'));
  d.dispose();
  await new Promise<void>((done) => createDebouncer(25).schedule('probe', done));
  assert.deepEqual(ran, ['second']);

  const now: string[] = [];
  createDebouncer(0).schedule('x', () => now.push('now'));
  assert.deepEqual(now, ['now']);
});

test('initialization options: debounce override, time zone, code lens refresh support', () => {
  const base = { processId: null, rootUri: null, capabilities: {} } as InitializeParams;
  assert.deepEqual(serverOptions(base), { diagnosticsDebounceMs: DEFAULT_DIAGNOSTICS_DEBOUNCE_MS, codeLensRefresh: false });
  assert.deepEqual(
    serverOptions({ ...base, initializationOptions: { diagnosticsDebounceMs: 0, timeZone: 'UTC' }, capabilities: { workspace: { codeLens: { refreshSupport: true } } } }),
    { diagnosticsDebounceMs: 0, timeZone: 'UTC', codeLensRefresh: true },
  );
  assert.equal(serverOptions({ ...base, initializationOptions: { diagnosticsDebounceMs: -5 } }).diagnosticsDebounceMs, DEFAULT_DIAGNOSTICS_DEBOUNCE_MS);
});

test('migration folders: from pglc.toml, then from the client status; broken config falls back', async () => {
  const root = mkdtempSync(join(tmpdir(), 'pglc-server-folders-'));
  try {
    mkdirSync(join(root, 'db/changes'), { recursive: true });
    writeFileSync(join(root, 'pglc.toml'), '[project]\nmigrations = ["db/changes", "extra"]\n');
    const folders = createMigrationFolders(loadMigrationDirsFromConfig({}));
    const file = join(root, 'db/changes/0001_a.sql');
    assert.deepEqual(await folders.dirsFor(file), [join(root, 'db/changes'), join(root, 'extra')]);
    assert.deepEqual(await folders.dirsFor(join(tmpdir(), 'elsewhere', 'x.sql')), []);

    const g = folders.generation();
    folders.setStatus({ root, migrationDirs: [join(root, 'from-status')] });
    assert.notEqual(folders.generation(), g);
    assert.deepEqual(await folders.dirsFor(file), [join(root, 'from-status')]);

    const other = mkdtempSync(join(tmpdir(), 'pglc-server-folders-'));
    try {
      writeFileSync(join(other, 'pglc.toml'), '[project]\nmigrations = 42\n');
      assert.deepEqual(await folders.dirsFor(join(other, 'x.sql')), [join(other, 'pglc/migrations')]);
      writeFileSync(join(other, 'pglc.toml'), '[project]\nmigrations = "sql"\n');
      assert.deepEqual(await folders.dirsFor(join(other, 'x.sql')), [join(other, 'pglc/migrations')], 'cached until configChanged');
      folders.configChanged();
      assert.deepEqual(await folders.dirsFor(join(other, 'x.sql')), [join(other, 'sql')]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
