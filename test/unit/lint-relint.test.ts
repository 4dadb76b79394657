// Linting the next version of a document from the previous run (core/lint/engine/relint.ts)
// against linting it from scratch: random edits — inside values and comments (which change no
// schema, so the rest of the file is kept), inside DDL (the statements that read what changed are
// replayed, the others kept), quotes, semicolons, markers — applied one
// after another to the lint fixtures and to a generated migration; after each edit the findings
// (rule, level, message, range, related locations, fixes) and the schema after the Up section
// must equal lintFile's exactly, and every mode must occur (or the test proves nothing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildLintDocument, type LintDocument } from '../../core/lint/document';
import { lintFile, type LintFileOptions, type LintRun } from '../../core/lint/engine/lint-file';
import { relintFile, type RelintMode } from '../../core/lint/engine/relint';
import type { LintFinding } from '../../core/lint/finding';
import { createSchemaState, OBJECT_MAPS, type SchemaState } from '../../core/lint/schema-state/model';
import { lintSettings } from '../../core/lint/settings';
import { loadSqlParser } from '../../core/sql/parse';
import { buildDocumentModel, type DocumentModel } from '../../server/document-model';
import { updateDocumentModel } from '../../server/incremental-model';
import { LINT_FIXTURES } from '../fixtures/lint/harness';
import { prng } from '../harness/prng';

const EDITS = Number(process.env.LINT_RELINT_EDITS ?? 60);
const SEED = Number(process.env.LINT_RELINT_SEED ?? 7);

/** Edits that change no schema: the rest of the file can be kept. */
const QUIET = ["'v'", '1', '-- note\n', ' ', '\n', 'x'];
/** Edits that change statements, their effects or the file's cut. */
const LOUD = [';', "'", '$$', '(', ')', '/*', '*/', 'create index on orders (note);', 'drop table t_3;', 'alter table t_2 add column z int not null;',
  'begin;', 'commit;', 'set lock_timeout = 0;', '\n-- Down\n', '-- pglc:disable-next-statement require-concurrent-index\n', 'create table q (id int);', 'é', '😀'];

function generated(n: number): string {
  const up = ['-- Up'];
  const down = ['-- Down'];
  for (let i = 0; i < n; i++) {
    up.push(`CREATE TABLE t_${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(80) NOT NULL, created_at timestamp);`);
    up.push(`CREATE INDEX t_${i}_name_idx ON t_${i} (name);`, `INSERT INTO t_${i} (name) VALUES ('a'), ('b');`);
    if (i > 0) up.push(`ALTER TABLE t_${i - 1} ADD COLUMN note_${i} text;`, `ALTER TABLE orders ADD COLUMN c_${i} int NOT NULL;`, `CREATE INDEX ON orders (c_${i});`);
    down.unshift(`DROP TABLE t_${i};`);
  }
  return [...up, ...down, ''].join('\n');
}

function fixtureMigrations(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(LINT_FIXTURES, { withFileTypes: true })) {
    if (!d.isDirectory() || d.name.startsWith('_')) continue;
    for (const f of readdirSync(join(LINT_FIXTURES, d.name))) if (f.endsWith('.sql') && !f.includes('.before.')) out.push(readFileSync(join(LINT_FIXTURES, d.name, f), 'utf8'));
  }
  return out;
}

function edit(text: string, r: () => number, quiet: boolean): string {
  if (quiet) {
    // inside a value or before a line break: a keystroke that changes no schema
    const at = text.indexOf("'a'", Math.floor(r() * text.length));
    const p = at >= 0 ? at + 1 : Math.max(0, text.lastIndexOf('\n', Math.floor(r() * text.length)));
    return text.slice(0, p) + (QUIET[Math.floor(r() * QUIET.length)] as string) + text.slice(p);
  }
  const at = Math.floor(r() * (text.length + 1));
  if (r() < 0.3 && text.length > 0) return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + Math.floor(r() * 10)));
  return text.slice(0, at) + (LOUD[Math.floor(r() * LOUD.length)] as string) + text.slice(at);
}

function stateJson(s: SchemaState): string {
  return JSON.stringify(OBJECT_MAPS.map((m) => [...(s[m] as Map<string, unknown>)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function findingsJson(list: readonly LintFinding[]): unknown {
  return list.map((f) => ({ rule: f.rule, severity: f.severity, message: f.message, start: f.start, end: f.end, impact: f.impact, related: f.related, fixes: f.fixes }));
}

/** Equal JSON, or a failure that shows where they part (the whole state is too long to read). */
function same(actual: string, expected: string, what: string): void {
  if (actual === expected) return;
  let i = 0;
  while (actual[i] === expected[i]) i++;
  assert.fail(`${what} differ at ${i}:\n  got      …${actual.slice(Math.max(0, i - 300), i + 200)}\n  expected …${expected.slice(Math.max(0, i - 300), i + 200)}`);
}

test('linting from the previous run equals linting from scratch after every random edit', async () => {
  await loadSqlParser();
  const info = { format: 'pglc' as const, version: '0002', role: 'sections' as const };
  const orders = readFileSync(join(LINT_FIXTURES, '_schemas/orders.sql'), 'utf8');
  const base = { path: '/p/pglc/migrations/0002_x.sql', migration: { version: '0002', label: '0002_x' }, settings: lintSettings(undefined) };
  const before = lintFile(buildLintDocument(orders, { format: 'pglc', version: '0001', role: 'sections' }), { ...base, path: '/p/pglc/migrations/0001_orders.sql', migration: { version: '0001', label: '0001_orders' }, before: createSchemaState() }).afterUp;
  const options: LintFileOptions = { ...base, before, sizes: new Map([['public.orders', { rows: 12_000_000, bytes: 3e9 }]]) };
  const subjects = [generated(25), fixtureMigrations().slice(0, 40).join('\n'), ...fixtureMigrations().slice(40, 46)];
  const modes: Record<RelintMode, number> = { full: 0, resumed: 0, reused: 0 };
  /** Resumed runs that kept some statements after the edit (the schema differed only where few statements read). */
  let partly = 0;
  for (const [n, subject] of subjects.entries()) {
    const r = prng(SEED * 1000 + n);
    let text = subject;
    // the server's path: each version's model derived from the previous one where it can be
    let model: DocumentModel = buildDocumentModel(text, 1, info);
    let run: LintRun | undefined;
    for (let k = 0; k < EDITS; k++) {
      const useModel = n % 2 === 0;
      const doc: LintDocument = useModel ? (model as LintDocument) : buildLintDocument(text, info);
      const next = relintFile(run, doc, options);
      modes[next.mode]++;
      if (next.mode === 'resumed' && next.replayed < doc.statements.length / 2) partly++;
      const expected = lintFile(buildLintDocument(text, info), options);
      const where = `subject ${n}, edit ${k} (${next.mode}, seed ${SEED})`;
      same(JSON.stringify(findingsJson(next.result.findings)), JSON.stringify(findingsJson(expected.findings)), `${where}: findings`);
      same(stateJson(next.result.afterUp), stateJson(expected.afterUp), `${where}: the schema after the Up section`);
      run = next.run;
      text = edit(text, r, r() < 0.6);
      model = updateDocumentModel(model, text, k + 2) ?? buildDocumentModel(text, k + 2, info);
    }
  }
  const total = modes.full + modes.resumed + modes.reused;
  assert.ok(modes.reused > total / 4, `the rest of the file was kept after quiet edits (${JSON.stringify(modes)})`);
  assert.ok(modes.resumed > total / 20, `edits that change the schema replayed from there (${JSON.stringify(modes)})`);
  assert.ok(partly > modes.resumed / 4, `after a schema change, statements that read nothing it changed were kept (${partly} of ${modes.resumed})`);
});

test('a run is not reused with other options or a differently cut file', async () => {
  await loadSqlParser();
  const info = { format: 'pglc' as const, version: '0002', role: 'sections' as const };
  const text = generated(3);
  const options: LintFileOptions = { path: '/p/m.sql', migration: { version: '0002', label: '0002_m' }, settings: lintSettings(undefined), before: createSchemaState() };
  const first = relintFile(undefined, buildLintDocument(text, info), options);
  const other = relintFile(first.run, buildLintDocument(text, info), { ...options, settings: lintSettings({ assumeInTransaction: false, rules: {}, exclude: [] }) });
  assert.equal(other.mode, 'full', 'other settings: from scratch');
  const cut = relintFile(other.run, buildLintDocument(text.replace('-- Down', '-- nothing'), info), other.run.options);
  assert.equal(cut.mode, 'full', 'a marker removed: from scratch');
});
