// Splits SQL text into statements without a parser, the way psql does: on semicolons outside
// quotes, comments and parentheses, keeping `CREATE FUNCTION … BEGIN ATOMIC … END` bodies
// whole (psql's heuristic), and giving each psql meta-command (`\i`, `\set`, …) its own item.
// Used where a parse is impossible (syntax errors, newer syntax than libpg-query knows) and by
// the language server. Invariant: for SQL the server accepts, the statements and their
// boundaries are the ones the server's parser sees (test/unit/sql-split-statements.test.ts
// checks them against libpg-query); empty statements (`;;`) produce no item.

import { isCodeToken, scanSql, type SqlToken } from './lexer';
import { lineColumnAt, lineStarts } from './text-position';

export interface SqlStatementSpan {
  /** sql.slice(start, end): from the first token to the end of the last one, without the `;`. */
  text: string;
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
  /** A psql meta-command line, which only psql can execute. */
  meta?: true;
  /** The statement ends inside an unterminated quote, dollar quote or comment. */
  unterminated?: true;
}

/**
 * @example splitStatements("select 1; select ';'").map((s) => s.text) // ['select 1', "select ';'"]
 */
export function splitStatements(sql: string, tokens: SqlToken[] = scanSql(sql)): SqlStatementSpan[] {
  const starts = lineStarts(sql);
  const out: SqlStatementSpan[] = [];
  let current: SqlToken[] = [];
  let parenDepth = 0;
  let beginDepth = 0;
  // psql's BEGIN ATOMIC heuristic: the first letters of the statement's leading words when they
  // are create / or / replace / function / procedure (psqlscan.l, "identifiers").
  let words: string[] = [];
  let wordCount = 0;

  const emit = (toks: SqlToken[], meta = false): void => {
    const first = toks[0];
    const last = toks[toks.length - 1];
    if (!first || !last) return;
    const pos = lineColumnAt(sql, first.start, starts);
    const span: SqlStatementSpan = { text: sql.slice(first.start, last.end), start: first.start, end: last.end, line: pos.line, column: pos.column };
    if (meta) span.meta = true;
    if (toks.some((t) => t.unterminated)) span.unterminated = true;
    out.push(span);
  };
  const reset = (): void => {
    current = [];
    parenDepth = 0;
    beginDepth = 0;
    words = [];
    wordCount = 0;
  };

  for (const t of tokens) {
    if (!isCodeToken(t)) {
      // an unterminated comment is the server's syntax error: keep it so it gets sent
      if (t.unterminated) current.push(t);
      continue;
    }
    switch (t.kind) {
      case 'meta':
        emit(current);
        emit([t], true);
        reset();
        continue;
      case 'semicolon':
        if (parenDepth === 0 && beginDepth === 0) {
          emit(current);
          reset();
          continue;
        }
        break;
      case 'open-paren':
        parenDepth++;
        break;
      case 'close-paren':
        if (parenDepth > 0) parenDepth--;
        break;
      case 'word': {
        const w = sql.slice(t.start, t.end).toLowerCase();
        if (['create', 'function', 'procedure', 'or', 'replace'].includes(w) && wordCount < 4) words[wordCount] = w[0] ?? '';
        wordCount++;
        const isRoutine =
          words[0] === 'c' &&
          (words[1] === 'f' || words[1] === 'p' || (words[1] === 'o' && words[2] === 'r' && (words[3] === 'f' || words[3] === 'p')));
        if (isRoutine && parenDepth === 0) {
          if (w === 'begin') beginDepth++;
          else if (w === 'case' && beginDepth >= 1) beginDepth++;
          else if (w === 'end' && beginDepth > 0) beginDepth--;
        }
        break;
      }
      default:
        break;
    }
    current.push(t);
  }
  emit(current);
  return out;
}
