// Mapping server error positions back to file line/column: the server counts characters
// from 1 in the text that was sent; sections start at some line of their file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorIndex, sectionPosition } from '../../core/migrations/error-position';
import type { MigrationSection } from '../../core/migrations/migration-file';
import { splitStatements } from '../../core/sql/split-statements';

function at(sql: string, line: number, err: Parameters<typeof errorIndex>[0], failedIndex?: number, sent?: { text: string; offset: number }) {
  const section: MigrationSection = { sql, offset: 100, line, noTransaction: false };
  const statements = splitStatements(sql);
  const failed = failedIndex === undefined ? undefined : statements[failedIndex];
  return sectionPosition(section, errorIndex(err, sent ?? { text: sql, offset: 0 }, failed));
}

test('server position after multibyte and astral characters', () => {
  const sql = "-- café ☕ 😀\nINSERT INTO t (a) VALUES ('é');\nSELECT bad_col FROM t;\n";
  const position = [...sql].indexOf('b') + 1; // characters, 1-based, as the server counts
  assert.deepEqual(at(sql, 5, { position: String(position) }), { line: 7, column: 8 });
});

test('server position within one statement sent on its own (statement-by-statement mode)', () => {
  const sql = 'CREATE TABLE a (id int);\n  SELECT nope FROM a;\n';
  const stmt = splitStatements(sql)[1];
  assert.ok(stmt);
  assert.deepEqual(at(sql, 2, { position: '8' }, 1, { text: stmt.text, offset: stmt.start }), { line: 3, column: 10 });
});

test('no position: the start of the failed statement', () => {
  const sql = 'SELECT 1;\n\n    INSERT INTO t VALUES (1);\n';
  assert.deepEqual(at(sql, 10, {}, 1), { line: 12, column: 5 });
});

test('no position and no known statement: the first statement of the section', () => {
  assert.deepEqual(at('\n-- c\n  SELECT 1/0;', 1, {}), { line: 3, column: 3 });
});

test('internalPosition inside a function body found in the statement', () => {
  const sql = "CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n  SELECT nope\n$$;";
  const internalQuery = '\n  SELECT nope\n';
  assert.deepEqual(at(sql, 4, { internalPosition: '11', internalQuery }, 0), { line: 5, column: 10 });
});

test('PL/pgSQL line of a DO block', () => {
  const sql = "SELECT 1;\nDO $body$\nDECLARE x int;\nBEGIN\n    RAISE EXCEPTION 'no';\nEND $body$;";
  assert.deepEqual(at(sql, 2, { where: 'PL/pgSQL function inline_code_block line 4 at RAISE' }, 1), { line: 6, column: 5 });
  // body text starting on the same line as $$
  const same = "DO $$ BEGIN RAISE EXCEPTION 'x'; END $$;";
  assert.deepEqual(at(same, 1, { where: 'PL/pgSQL function inline_code_block line 1 at RAISE' }, 0), { line: 1, column: 7 });
});
