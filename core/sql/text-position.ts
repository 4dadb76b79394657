// Conversions between the three ways positions in SQL text are counted: JavaScript string
// indices (UTF-16 units), UTF-8 byte offsets (libpg-query's stmt_location / node locations)
// and character offsets (PostgreSQL's error `position`, libpg-query's cursorPosition: one per
// code point). Invariant: everything leaving core/sql is a string index or a 1-based
// line/column, where column counts UTF-16 units like VS Code and LSP do (the same as
// characters except for symbols outside the Basic Multilingual Plane).

/** 1-based line and column of a string index. */
export interface LineColumn {
  line: number;
  column: number;
}

/**
 * Index of the first character of every line (`\n`, `\r\n` and a lone `\r` end a line).
 * @example lineStarts('a\nbc\r\nd') // [0, 2, 6]
 */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) starts.push(i + 1);
    else if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    }
  }
  return starts;
}

/**
 * Line and column (both 1-based) of `index` in text; pass precomputed `starts` when mapping
 * many positions in one text.
 * @example lineColumnAt('select 1;\nselect x', 17) // { line: 2, column: 8 }
 */
export function lineColumnAt(text: string, index: number, starts: number[] = lineStarts(text)): LineColumn {
  const i = Math.max(0, Math.min(index, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= i) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: i - (starts[lo] ?? 0) + 1 };
}

/** True when every character is ASCII, so bytes, characters and indices coincide. */
export function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * String indices for ascending UTF-8 byte offsets, in one pass over the text. An offset in the
 * middle of a character maps to that character's index; offsets past the end map to text.length.
 * @example byteOffsetsToIndices('é;x', [0, 2, 3]) // [0, 1, 2]
 */
export function byteOffsetsToIndices(text: string, offsets: readonly number[]): number[] {
  if (isAscii(text)) return offsets.map((o) => Math.max(0, Math.min(o, text.length)));
  const out: number[] = [];
  let index = 0;
  let bytes = 0;
  for (const target of offsets) {
    if (target < bytes) {
      // not ascending: restart (rare; callers pass sorted offsets)
      index = 0;
      bytes = 0;
    }
    while (index < text.length) {
      const cp = text.codePointAt(index) ?? 0;
      const len = utf8Length(cp);
      if (bytes + len > target) break;
      bytes += len;
      index += cp > 0xffff ? 2 : 1;
    }
    out.push(index);
  }
  return out;
}

/** @example byteOffsetToIndex('é;x', 2) === 1 */
export function byteOffsetToIndex(text: string, byteOffset: number): number {
  return byteOffsetsToIndices(text, [byteOffset])[0] ?? 0;
}

/**
 * String index of the character at 0-based code point offset `offset` (PostgreSQL's error
 * positions are 1-based code point offsets: pass `position - 1`).
 * @example codePointOffsetToIndex('😀x', 1) === 2
 */
export function codePointOffsetToIndex(text: string, offset: number): number {
  if (offset <= 0) return 0;
  let index = 0;
  for (let n = 0; n < offset && index < text.length; n++) {
    const cp = text.codePointAt(index) ?? 0;
    index += cp > 0xffff ? 2 : 1;
  }
  return index;
}
