// The lexical statement splitter, data-driven: test/fixtures/migrations/sql/<case>.sql →
// <case>.json (statements with line, column and exact text). For every case PostgreSQL's
// parser accepts, the splitter must find exactly the statements libpg-query finds, at the
// same string offsets.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatements } from '../../core/sql/parse';
import { splitStatements } from '../../core/sql/split-statements';

const dir = join(__dirname, '../fixtures/migrations/sql');

interface Expected {
  parses: boolean;
  statements: { line: number; column: number; text: string; meta?: true; unterminated?: true }[];
}

for (const file of readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
  test(`splitStatements: ${file}`, async () => {
    const sql = readFileSync(join(dir, file), 'utf8');
    const expected = JSON.parse(readFileSync(join(dir, file.replace(/\.sql$/, '.json')), 'utf8')) as Expected;
    const spans = splitStatements(sql);
    assert.deepEqual(
      spans.map((s) => ({ line: s.line, column: s.column, text: s.text, ...(s.meta ? { meta: true } : {}), ...(s.unterminated ? { unterminated: true } : {}) })),
      expected.statements,
    );
    for (const s of spans) assert.equal(sql.slice(s.start, s.end), s.text);

    const parsed = await parseStatements(sql);
    assert.equal(parsed.ok, expected.parses, parsed.ok ? 'parses' : parsed.error.message);
    if (parsed.ok) {
      assert.deepEqual(
        parsed.statements.map((p) => [p.start, p.end, p.line, p.column]),
        spans.map((s) => [s.start, s.end, s.line, s.column]),
        'the lexer and libpg-query agree on statement boundaries',
      );
    }
  });
}

const inline: [string, string, string[]][] = [
  ['empty input', '', []],
  ['only comments and semicolons', '-- x\n;;/* y */;', []],
  ['no trailing semicolon', 'select 1', ['select 1']],
  ['semicolons in a dollar-quoted body with a tag', 'select $a$;$b$;$a$; select 2', ['select $a$;$b$;$a$', 'select 2']],
  ['a parameter is not a dollar quote', 'select $1; select $2', ['select $1', 'select $2']],
  ['an identifier may contain $', 'select x$y from t; select 1', ['select x$y from t', 'select 1']],
  ['E-string escape of the quote', "select E'\\';'; select 1", ["select E'\\';'", 'select 1']],
  ['standard string: backslash is not an escape', "select '\\'; select 1", ["select '\\'", 'select 1']],
  ['a word ending in e before a quote is not an E-string', "select date'x\\'; select 1", ["select date'x\\'", 'select 1']],
  ['CREATE FUNCTION with a body in quotes', "create function f() returns int as 'begin; end' language sql; select 1", ["create function f() returns int as 'begin; end' language sql", 'select 1']],
  ['BEGIN inside parentheses is not a block', 'create function f(begin int) returns int language sql return 1; select 2', ['create function f(begin int) returns int language sql return 1', 'select 2']],
  ['a plain BEGIN transaction is its own statement', 'begin; select 1; commit', ['begin', 'select 1', 'commit']],
];

for (const [name, sql, texts] of inline) {
  test(`splitStatements: ${name}`, async () => {
    assert.deepEqual(splitStatements(sql).map((s) => s.text), texts);
    const parsed = await parseStatements(sql);
    assert.ok(parsed.ok);
    assert.deepEqual(parsed.statements.map((p) => p.text), texts);
  });
}
