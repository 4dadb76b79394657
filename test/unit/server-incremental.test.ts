// The incremental model update (server/incremental-model.ts) against the full analysis: random
// edits — quotes, dollar quotes, comments, parentheses, semicolons, BEGIN ATOMIC, markers,
// directives, meta-commands, line breaks — applied one after another to every fixture file and
// to generated migrations; after each edit the derived model must equal a model built from
// scratch, and many edits must indeed be derived (or the test proves nothing).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { loadSqlParser } from '../../core/sql/parse';
import { buildDocumentModel, type DocumentModel } from '../../server/document-model';
import { updateDocumentModel } from '../../server/incremental-model';
import { classifyMigrationDocument, type MigrationDocumentInfo } from '../../server/migration-document';
import { createModelCache } from '../../server/model-cache';
import { loadCases, PROJECT_ROOT } from '../fixtures/server/harness';

/** SERVER_INCREMENTAL_RUNS / _EDITS widen the search (the defaults keep `npm test` quick). */
const RUNS = Number(process.env.SERVER_INCREMENTAL_RUNS ?? 6);
const EDITS = Number(process.env.SERVER_INCREMENTAL_EDITS ?? 40);
const SEED = Number(process.env.SERVER_INCREMENTAL_SEED ?? 0);

const SNIPPETS = [
  'x', 'a b', ';', ';;', "'", '"', '$$', '$body$', '(', ')', '/*', '*/', '--', '-- note', '\n', '\r\n', ' ', '\n\n',
  'select 1;', 'selec 2;', 'create index concurrently i on t (a);', 'BEGIN;', 'COMMIT;', 'begin atomic select 1; end;',
  'create function f() returns int language sql begin atomic select 1; end;', '\\i other.sql\n', "E'\\'", 'copy t from stdin;',
  '\n-- Down\n', '\n-- Up\n', '\n-- pglc:no-transaction\n', '\n-- migrate:down\n', 'vacuum t;', '😀', 'é',
];

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function edit(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const r = rnd();
  if (r < 0.35 && text.length > 0) {
    const len = 1 + Math.floor(rnd() * 12);
    return text.slice(0, at) + text.slice(at + len);
  }
  const snippet = SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] ?? 'x';
  if (r < 0.5 && text.length > 0) {
    const len = 1 + Math.floor(rnd() * 6);
    return text.slice(0, at) + snippet + text.slice(at + len);
  }
  return text.slice(0, at) + snippet + text.slice(at);
}

function generated(n: number): string {
  const lines = ['-- Up'];
  for (let i = 0; i < n; i++) {
    lines.push(`CREATE TABLE g_${i} (`, '  id int PRIMARY KEY,', `  name text DEFAULT 'v;${i}'`, ');', `CREATE INDEX g_${i}_idx ON g_${i} (name);`, '');
    if (i % 7 === 3) lines.push(`CREATE FUNCTION f_${i}() RETURNS int LANGUAGE sql AS $$ SELECT ${i}; $$;`, `/* block ${i} */`);
  }
  lines.push('-- Down', ...Array.from({ length: n }, (_, i) => `DROP TABLE g_${i};`), '');
  return lines.join('\n');
}

test('incremental updates equal a full analysis after every random edit', async (t) => {
  await loadSqlParser();
  const subjects: { name: string; text: string; path: string; dirs: string[] }[] = (await loadCases()).map((c) => ({
    name: c.name, text: c.text, path: c.path, dirs: [`${PROJECT_ROOT}/pglc/migrations`, `${PROJECT_ROOT}/db/migrations`, `${PROJECT_ROOT}/supabase/migrations`, `${PROJECT_ROOT}/migrations`],
  }));
  subjects.push({ name: 'generated', text: generated(40), path: `${PROJECT_ROOT}/pglc/migrations/0099_gen.sql`, dirs: [`${PROJECT_ROOT}/pglc/migrations`] });
  subjects.push({ name: 'generated-plain', text: generated(30).replace(/^-- (Up|Down)$/gm, ''), path: `${PROJECT_ROOT}/scratch/gen.sql`, dirs: [] });

  let derived = 0;
  let total = 0;
  for (const [n, subject] of subjects.entries()) {
    for (let run = 0; run < RUNS; run++) {
      const rnd = random(SEED + 1000 * n + run);
      const classify = (t: string): MigrationDocumentInfo | undefined => classifyMigrationDocument(subject.path, t, subject.dirs);
      let text = subject.text;
      let model: DocumentModel = buildDocumentModel(text, 1, classify(text));
      for (let version = 2; version < EDITS; version++) {
        const next = edit(text, rnd);
        const migration = classify(next);
        const full = buildDocumentModel(next, version, migration);
        const same = model.migration?.format === migration?.format && model.migration?.role === migration?.role;
        const incremental = same ? updateDocumentModel(model, next, version) : undefined;
        total++;
        if (incremental) {
          derived++;
          assert.deepEqual(incremental, full, `${subject.name} run ${run} version ${version}: ${JSON.stringify(next)}`);
        }
        text = next;
        model = incremental ?? full;
      }
    }
  }
  assert.ok(derived / total > 0.4, `only ${derived} of ${total} edits were derived incrementally`);
  t.diagnostic(`${derived} of ${total} edits derived incrementally`);
});

test('the model cache derives typing in a big migration, and rebuilds when a marker appears', async () => {
  await loadSqlParser();
  const cache = createModelCache();
  const text = generated(200);
  const doc = TextDocument.create('file:///p/pglc/migrations/0001_big.sql', 'sql', 1, text);
  const info = (): MigrationDocumentInfo => ({ format: 'pglc', version: '0001', role: 'sections' });
  cache.get(doc, 0, info);
  const at = doc.positionAt(text.indexOf("'v;100'"));
  TextDocument.update(doc, [{ range: { start: at, end: at }, text: 'x' }], 2);
  const typed = cache.get(doc, 0, info);
  assert.deepEqual(cache.stats(), { full: 1, incremental: 1 });
  assert.deepEqual(typed, buildDocumentModel(doc.getText(), 2, info()));

  TextDocument.update(doc, [{ range: { start: at, end: at }, text: '\n-- Down\n' }], 3);
  const marked = cache.get(doc, 0, info);
  assert.deepEqual(cache.stats(), { full: 2, incremental: 1 });
  assert.equal(marked.sections.filter((s) => s.kind === 'down').length, 2);
});
