// The libpg-query wrapper: statement kinds and string offsets (libpg-query counts UTF-8
// bytes), syntax errors at string offsets (it counts characters), empty input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatements } from '../../core/sql/parse';

test('statement offsets are string indices, also after multibyte and astral characters', async () => {
  const sql = "-- é 日本 😀\nSELECT '😀😀';\n  CREATE INDEX CONCURRENTLY i ON t (a);\nVACUUM t";
  const r = await parseStatements(sql);
  assert.ok(r.ok);
  assert.deepEqual(r.statements.map((s) => [s.kind, s.text, s.line, s.column]), [
    ['SelectStmt', "SELECT '😀😀'", 2, 1],
    ['IndexStmt', 'CREATE INDEX CONCURRENTLY i ON t (a)', 3, 3],
    ['VacuumStmt', 'VACUUM t', 4, 1],
  ]);
  for (const s of r.statements) assert.equal(sql.slice(s.start, s.end), s.text);
  assert.equal(r.statements[1]?.node.concurrent, true);
});

const errors: [string, string, number, number, RegExp][] = [
  ['after ASCII', 'select 1;\nselect x frm y;', 2, 14, /syntax error at or near "y"/],
  ['after accented letters', "select 'ééé' frm y;", 1, 18, /syntax error at or near "y"/],
  ['after an astral character', "select '😀' frm y", 1, 17, /syntax error at or near "y"/],
  ['after CJK on an earlier line', "-- 日本語\nselect 1 frm y", 2, 14, /syntax error at or near "y"/],
  ['an unterminated string points at its quote', "select 1;\nselect 'abc", 2, 8, /unterminated quoted string/],
];

for (const [name, sql, line, column, message] of errors) {
  test(`syntax error position ${name}`, async () => {
    const r = await parseStatements(sql);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.error.message, message);
    assert.deepEqual([r.error.line, r.error.column], [line, column]);
  });
}

test('empty and comment-only text has no statements (libpg-query itself refuses empty input)', async () => {
  for (const sql of ['', '   \n', '-- just a comment\n', '/* x */']) {
    const r = await parseStatements(sql);
    assert.deepEqual(r, { ok: true, statements: [] });
  }
  const r = await parseStatements('/* never closed');
  assert.equal(r.ok, false);
});
