// The text of one statement with its tokens, for turning parse-tree locations (UTF-8 byte
// offsets) into the exact ranges a finding underlines: a column definition, one ALTER TABLE
// command, a DEFAULT expression, a type name. Why tokens: PostgreSQL's parse tree records where
// a node starts but not where it ends; the lexer knows where the clause that starts there ends
// (the next comma or closing parenthesis at the same depth).
// Invariant: every range returned lies within [0, text.length] and starts at a token start; a
// location the tree does not give yields the whole statement, never a range outside it. A tree
// parsed from a longer text (a section parsed at once, document.ts) has its locations counted
// from that text: `byteBase` is where the statement starts there, and index() takes it off.

import { isCodeToken, scanSql, type SqlToken } from '../../sql/lexer';
import { byteOffsetToIndex, isAscii } from '../../sql/text-position';

export interface TextRange {
  start: number;
  end: number;
}

export interface StatementSource {
  readonly text: string;
  /** Code tokens (no comments), in order. */
  readonly tokens: readonly SqlToken[];
  /** Paren/bracket depth before each code token (same index as tokens). */
  readonly depth: readonly number[];
  /** String index of a parse-tree location (bytes); undefined stays undefined. */
  index(location: number | undefined): number | undefined;
  /** Index of the first code token that starts at or after `index`. */
  tokenAt(index: number): number;
  /** The text of a code token, lower-cased when it is a keyword or plain word. */
  word(i: number): string;
  /**
   * The clause that starts at `start` (a string index): up to the last token before the next
   * comma or closing bracket at the starting depth, or before `limit`.
   */
  clause(start: number | undefined, limit?: number): TextRange;
  /** The range of the token at `start` and the `count - 1` tokens after it. */
  tokens_(start: number, count: number): TextRange;
  /** Index just after the last token that ends at or before `limit` (trims blanks and comments). */
  endBefore(limit: number): number;
  /** Whole statement. */
  readonly all: TextRange;
  /**
   * Values derived from this statement that several rules ask for (an ALTER TABLE's commands,
   * the columns it declares), kept here by the functions that make them; read-only once made.
   */
  memo(): Map<string, unknown>;
}

const OPEN = new Set(['(', '[']);
const CLOSE = new Set([')', ']']);

/** One per statement analysed (tens of thousands in a project lint): methods on the prototype, not closures. */
class Source implements StatementSource {
  readonly tokens: readonly SqlToken[];
  readonly depth: readonly number[];
  readonly all: TextRange;
  private readonly ascii: boolean;
  private memoMap: Map<string, unknown> | undefined;

  constructor(
    readonly text: string,
    private readonly byteBase: number,
  ) {
    this.ascii = isAscii(text);
    const tokens = scanSql(text).filter(isCodeToken);
    const depth: number[] = [];
    let d = 0;
    for (const t of tokens) {
      const ch = text.slice(t.start, t.end);
      if (CLOSE.has(ch)) d = Math.max(0, d - 1);
      depth.push(d);
      if (OPEN.has(ch)) d++;
    }
    this.tokens = tokens;
    this.depth = depth;
    this.all = { start: 0, end: text.length };
  }

  index(location: number | undefined): number | undefined {
    if (location === undefined || location < 0) return undefined;
    return this.ascii ? Math.min(location - this.byteBase, this.text.length) : byteOffsetToIndex(this.text, location - this.byteBase);
  }

  tokenAt(index: number): number {
    const tokens = this.tokens;
    let lo = 0;
    let hi = tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((tokens[mid] as SqlToken).start < index) lo = mid + 1;
      else hi = mid;
    }
    // a location inside a token (rare: multi-part names) belongs to that token
    if (lo > 0 && (tokens[lo - 1] as SqlToken).end > index) return lo - 1;
    return lo;
  }

  endBefore(limit: number): number {
    const tokens = this.tokens;
    let i = this.tokenAt(limit) - 1;
    while (i >= 0 && (tokens[i] as SqlToken).end > limit) i--;
    return i >= 0 ? (tokens[i] as SqlToken).end : 0;
  }

  word(i: number): string {
    const t = this.tokens[i];
    if (!t) return '';
    const s = this.text.slice(t.start, t.end);
    return t.kind === 'word' ? s.toLowerCase() : s;
  }

  clause(start: number | undefined, limit?: number): TextRange {
    if (start === undefined) return this.all;
    const { tokens, depth, text } = this;
    const first = this.tokenAt(start);
    const t0 = tokens[first];
    if (!t0) return this.all;
    const base = depth[first] ?? 0;
    let last = first;
    for (let i = first; i < tokens.length; i++) {
      const t = tokens[i] as SqlToken;
      if (limit !== undefined && t.start >= limit) break;
      const ch = text.slice(t.start, t.end);
      const dd = depth[i] ?? 0;
      if (i > first && dd === base && ch === ',') break;
      // a closing bracket shallower than the clause ends it; one at its depth closes its own `(`
      if (dd < base) break;
      last = i;
    }
    return { start: t0.start, end: (tokens[last] as SqlToken).end };
  }

  tokens_(start: number, count: number): TextRange {
    const tokens = this.tokens;
    const first = this.tokenAt(start);
    const a = tokens[first];
    const b = tokens[Math.min(tokens.length - 1, first + Math.max(0, count - 1))];
    return a && b ? { start: a.start, end: b.end } : this.all;
  }

  memo(): Map<string, unknown> {
    return (this.memoMap ??= new Map());
  }
}

/**
 * @example const src = statementSource('alter table t add column a int, add b int');
 *   src.clause(src.index(16)) // { start: 16, end: 30 } — `add column a int` without the comma
 */
export function statementSource(text: string, byteBase = 0): StatementSource {
  return new Source(text, byteBase);
}
