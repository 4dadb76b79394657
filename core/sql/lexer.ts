// A lexical scanner for PostgreSQL SQL text, precise about the things that decide where a
// statement ends: quotes ('', E'', U&'', "", dollar quotes with tags), comments (`--` and
// nested `/* */`) and psql meta-commands. It does not parse; the statement splitter and the
// parser wrapper build on its tokens.
// Invariant: token boundaries agree with PostgreSQL's own scanner (scan.l) for valid SQL, and
// an unterminated quote or comment swallows the rest of the text (as the server would) rather
// than throwing — callers decide what an unterminated token means.

export type SqlTokenKind =
  | 'word' // keyword or unquoted identifier
  | 'quoted-ident' // "Name" or U&"Name"
  | 'string' // '…', E'…', B'…', X'…', N'…', U&'…'
  | 'dollar-string' // $$…$$ or $tag$…$tag$
  | 'number'
  | 'param' // $1
  | 'operator'
  | 'punct' // , [ ] : . and anything unexpected
  | 'semicolon'
  | 'open-paren'
  | 'close-paren'
  | 'line-comment'
  | 'block-comment'
  | 'meta'; // a psql backslash command, to the end of its line

export interface SqlToken {
  kind: SqlTokenKind;
  /** String index of the first character. */
  start: number;
  /** String index just after the last character. */
  end: number;
  /** A quote, dollar quote or block comment that never closes. */
  unterminated?: boolean;
}

const OPERATOR_CHARS = '+-*/<>=~!@#%^&|`?';

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

/** PostgreSQL treats every byte >= 0x80 as an identifier character; so do we, per code unit. */
function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
}

function isIdentCont(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The dollar-quote delimiter starting at i (`$$` or `$tag$`), if any. */
function dollarTag(sql: string, i: number): string | undefined {
  const m = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 128));
  return m?.[0];
}

/**
 * Scans sql into tokens (whitespace dropped, comments kept as tokens).
 * @example scanSql("select 'a;b'; -- c").map((t) => t.kind) // ['word', 'string', 'semicolon', 'line-comment']
 */
export function scanSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const n = sql.length;
  let i = 0;
  const push = (kind: SqlTokenKind, start: number, end: number, unterminated = false): void => {
    tokens.push(unterminated ? { kind, start, end, unterminated } : { kind, start, end });
  };

  while (i < n) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    const start = i;

    if (isSpace(c)) {
      i++;
      continue;
    }
    // -- comment to the end of the line
    if (c === 45 && next === 45) {
      let j = i + 2;
      while (j < n && sql.charCodeAt(j) !== 10 && sql.charCodeAt(j) !== 13) j++;
      push('line-comment', start, j);
      i = j;
      continue;
    }
    // /* nested */ comment
    if (c === 47 && next === 42) {
      let depth = 1;
      let j = i + 2;
      while (j < n && depth > 0) {
        if (sql.charCodeAt(j) === 47 && sql.charCodeAt(j + 1) === 42) {
          depth++;
          j += 2;
        } else if (sql.charCodeAt(j) === 42 && sql.charCodeAt(j + 1) === 47) {
          depth--;
          j += 2;
        } else j++;
      }
      push('block-comment', start, j, depth > 0);
      i = j;
      continue;
    }
    if (c === 39) {
      i = scanQuoted(sql, i + 1, 39, false);
      push('string', start, Math.min(i, n), i > n);
      i = Math.min(i, n);
      continue;
    }
    if (c === 34) {
      i = scanQuoted(sql, i + 1, 34, false);
      push('quoted-ident', start, Math.min(i, n), i > n);
      i = Math.min(i, n);
      continue;
    }
    if (isIdentStart(c)) {
      // String prefixes: E'…' (backslash escapes), B'…', X'…', N'…', U&'…' and U&"…".
      const lower = c | 0x20;
      if (next === 39 && (lower === 101 || lower === 98 || lower === 120 || lower === 110)) {
        i = scanQuoted(sql, i + 2, 39, lower === 101);
        push('string', start, Math.min(i, n), i > n);
        i = Math.min(i, n);
        continue;
      }
      if (lower === 117 && next === 38 && (sql.charCodeAt(i + 2) === 39 || sql.charCodeAt(i + 2) === 34)) {
        const q = sql.charCodeAt(i + 2);
        i = scanQuoted(sql, i + 3, q, false);
        push(q === 39 ? 'string' : 'quoted-ident', start, Math.min(i, n), i > n);
        i = Math.min(i, n);
        continue;
      }
      let j = i + 1;
      while (j < n && isIdentCont(sql.charCodeAt(j))) j++;
      push('word', start, j);
      i = j;
      continue;
    }
    if (c === 36) {
      if (isDigit(next)) {
        let j = i + 1;
        while (j < n && isDigit(sql.charCodeAt(j))) j++;
        push('param', start, j);
        i = j;
        continue;
      }
      const tag = dollarTag(sql, i);
      if (tag) {
        const close = sql.indexOf(tag, i + tag.length);
        const end = close < 0 ? n : close + tag.length;
        push('dollar-string', start, end, close < 0);
        i = end;
        continue;
      }
      push('punct', start, i + 1);
      i++;
      continue;
    }
    if (isDigit(c) || (c === 46 && isDigit(next))) {
      let j = i;
      while (j < n) {
        const d = sql.charCodeAt(j);
        if (isDigit(d) || d === 95 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122)) j++;
        else if (d === 46 && sql.charCodeAt(j + 1) !== 46) j++;
        else break;
      }
      push('number', start, j);
      i = j;
      continue;
    }
    if (c === 59) {
      push('semicolon', start, i + 1);
      i++;
      continue;
    }
    if (c === 40) {
      push('open-paren', start, i + 1);
      i++;
      continue;
    }
    if (c === 41) {
      push('close-paren', start, i + 1);
      i++;
      continue;
    }
    if (c === 92) {
      // psql meta-command: a backslash outside quotes runs to the end of the line.
      let j = i + 1;
      while (j < n && sql.charCodeAt(j) !== 10 && sql.charCodeAt(j) !== 13) j++;
      push('meta', start, j);
      i = j;
      continue;
    }
    if (OPERATOR_CHARS.includes(sql[i] ?? '')) {
      let j = i + 1;
      while (j < n && OPERATOR_CHARS.includes(sql[j] ?? '')) {
        // a comment start ends the operator, as in scan.l
        if ((sql[j] === '-' && sql[j + 1] === '-') || (sql[j] === '/' && sql[j + 1] === '*')) break;
        j++;
      }
      push('operator', start, j);
      i = j;
      continue;
    }
    push('punct', start, i + 1);
    i++;
  }
  return tokens;
}

/**
 * Index just after the closing quote of a quoted token whose body starts at `i`; n + 1 when
 * unterminated. A doubled quote is an escaped quote; with `backslash`, `\x` escapes any x.
 */
function scanQuoted(sql: string, i: number, quote: number, backslash: boolean): number {
  const n = sql.length;
  let j = i;
  while (j < n) {
    const d = sql.charCodeAt(j);
    if (backslash && d === 92) {
      j += 2;
      continue;
    }
    if (d === quote) {
      if (sql.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return n + 1;
}

/** Whether a token carries meaning (not a comment). */
export function isCodeToken(t: SqlToken): boolean {
  return t.kind !== 'line-comment' && t.kind !== 'block-comment';
}
