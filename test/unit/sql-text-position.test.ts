// Offset conversions between string indices, UTF-8 bytes and characters, and line/column.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { byteOffsetsToIndices, byteOffsetToIndex, codePointOffsetToIndex, lineColumnAt, lineStarts } from '../../core/sql/text-position';

test('lineStarts treats \\n, \\r\\n and a lone \\r as line ends', () => {
  assert.deepEqual(lineStarts('a\nbc\r\nd\re'), [0, 2, 6, 8]);
  assert.deepEqual(lineStarts(''), [0]);
});

const positions: [string, number, number, number][] = [
  ['select 1;\nselect x', 17, 2, 8],
  ['select 1;\r\nselect x', 18, 2, 8],
  ['x', 0, 1, 1],
  ['ab\n', 3, 2, 1],
  ['é\nüx', 3, 2, 2],
  ['😀\nx', 3, 2, 1],
  ['😀x', 2, 1, 3], // columns count UTF-16 units, like VS Code
];
for (const [text, index, line, column] of positions) {
  test(`lineColumnAt(${JSON.stringify(text)}, ${index})`, () => {
    assert.deepEqual(lineColumnAt(text, index), { line, column });
  });
}

test('byte offsets map to string indices (ASCII fast path, 2-, 3- and 4-byte characters)', () => {
  assert.deepEqual(byteOffsetsToIndices('abc', [0, 2, 3, 10]), [0, 2, 3, 3]);
  const text = 'é日😀x';
  // bytes: é 0-1, 日 2-4, 😀 5-8, x 9
  assert.deepEqual(byteOffsetsToIndices(text, [0, 2, 5, 9, 10]), [0, 1, 2, 4, 5]);
  assert.equal(byteOffsetToIndex(text, 9), 4);
  assert.equal(text.slice(byteOffsetToIndex(text, 9)), 'x');
});

test('character (code point) offsets map to string indices', () => {
  assert.equal(codePointOffsetToIndex('😀x', 1), 2);
  assert.equal(codePointOffsetToIndex('é日x', 2), 2);
  assert.equal(codePointOffsetToIndex('abc', 0), 0);
  assert.equal(codePointOffsetToIndex('abc', 99), 3);
});
