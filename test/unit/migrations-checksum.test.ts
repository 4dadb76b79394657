// Checksum normalization: a Windows checkout, trailing spaces or surrounding blank lines do
// not make an applied migration look modified; real edits do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeForChecksum, sectionChecksum } from '../../core/migrations/checksum';
import { parseMigrationFile } from '../../core/migrations/discover';

const base = 'CREATE TABLE t (\n  id int\n);\n';

const same: [string, string][] = [
  ['CRLF line endings', 'CREATE TABLE t (\r\n  id int\r\n);\r\n'],
  ['old Mac CR line endings', 'CREATE TABLE t (\r  id int\r);\r'],
  ['trailing spaces and tabs', 'CREATE TABLE t (  \n  id int\t\n); \n'],
  ['blank lines before and after', '\n\n  \nCREATE TABLE t (\n  id int\n);\n\n\n'],
  ['no final newline', 'CREATE TABLE t (\n  id int\n);'],
  ['a byte order mark', '\uFEFFCREATE TABLE t (\n  id int\n);\n'],
];

const different: [string, string][] = [
  ['a changed word', 'CREATE TABLE t (\n  id bigint\n);\n'],
  ['changed indentation', 'CREATE TABLE t (\n    id int\n);\n'],
  ['an added comment', '-- note\nCREATE TABLE t (\n  id int\n);\n'],
  ['a blank line inside', 'CREATE TABLE t (\n\n  id int\n);\n'],
  ['a changed string literal', "CREATE TABLE t (\n  id int\n);\nCOMMENT ON TABLE t IS 'x';\n"],
];

for (const [name, text] of same) {
  test(`same checksum: ${name}`, () => {
    assert.equal(sectionChecksum(text), sectionChecksum(base));
  });
}
for (const [name, text] of different) {
  test(`different checksum: ${name}`, () => {
    assert.notEqual(sectionChecksum(text), sectionChecksum(base));
  });
}

test('normalizeForChecksum is the hashed text and the checksum is SHA-256 hex', () => {
  assert.equal(normalizeForChecksum('\r\n  \r\nselect 1;  \r\n  select 2;\t\r\n\r\n'), 'select 1;\n  select 2;');
  assert.equal(sectionChecksum(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('a file checked out with CRLF has the checksums of its LF version (Up and Down)', () => {
  const lf = '-- Up\nCREATE TABLE t (id int);\n\n-- Down\nDROP TABLE t;\n';
  const a = parseMigrationFile('/p/m/0001_t.sql', lf, 'pglc', '/p');
  const b = parseMigrationFile('/p/m/0001_t.sql', lf.replace(/\n/g, '\r\n'), 'pglc', '/p');
  assert.equal(a.checksum, b.checksum);
  assert.equal(a.downChecksum, b.downChecksum);
  assert.notEqual(a.checksum, a.downChecksum);
});

test('normalizeForChecksum equals its line-by-line definition on random text (checksums of applied migrations must not change)', () => {
  // the definition: LF endings, each line without trailing blanks, no blank lines at either end
  const byLines = (sql: string): string => {
    const lines = sql.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n').map((l) => l.replace(/[ \t\f\v]+$/, ''));
    let from = 0;
    let to = lines.length;
    while (from < to && lines[from] === '') from++;
    while (to > from && lines[to - 1] === '') to--;
    return lines.slice(from, to).join('\n');
  };
  const pieces = ['a', 'select 1;', ' ', '\t', '\f', '\v', '\n', '\r', '\r\n', '\u2028', '\u00a0', '\uFEFF', ''];
  let seed = 7;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 5000; i++) {
    const text = Array.from({ length: Math.floor(next() * 12) }, () => pieces[Math.floor(next() * pieces.length)]).join('');
    assert.equal(normalizeForChecksum(text), byLines(text), JSON.stringify(text));
  }
});
