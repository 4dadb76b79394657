// Parses one statement's text with PostgreSQL's parser and keeps only what the editor needs
// (kind, label, transaction facts, relative offsets), in a bounded cache keyed by the text.
// Why per statement: an edit changes one statement, so a 5,000-line migration re-parses only
// that one (the parse tree of a whole file costs tens of milliseconds), and a syntax error in one
// statement does not hide the errors of the next (libpg-query stops at its first error).
// Invariant: results are plain data with offsets relative to the text parsed; the cache never
// grows past CACHE_LIMIT entries (least recently used evicted first).

import { nonTransactionalStatement, transactionControl } from '../core/migrations/execution-plan';
import { parseStatementsSync, type SqlNode } from '../core/sql/parse';
import { statementLabel } from './statement-label';

export interface StatementFacts {
  /** Offsets relative to the parsed text. */
  start: number;
  end: number;
  /** Parse node kind, e.g. `CreateStmt`. */
  kind: string;
  label: string;
  /** Why PostgreSQL refuses it inside a transaction block, e.g. `CREATE INDEX CONCURRENTLY`. */
  noTransaction?: string;
  transactionControl?: 'open' | 'close';
  /** COPY … FROM STDIN: its rows would come from psql, which pglc does not emulate. */
  copyFromStdin?: true;
}

export type ParsedText =
  | { ok: true; statements: StatementFacts[] }
  | { ok: false; message: string; /** relative to the parsed text */ offset: number };

const CACHE_LIMIT = 20_000;
const cache = new Map<string, ParsedText>();

function facts(kind: string, node: SqlNode, start: number, end: number, text: string): StatementFacts {
  const f: StatementFacts = { start, end, kind, label: statementLabel(kind, node, text) };
  const reason = nonTransactionalStatement(kind, node);
  if (reason) f.noTransaction = reason;
  const control = transactionControl(kind, node);
  if (control) f.transactionControl = control;
  if (kind === 'CopyStmt' && node.is_from === true && !node.filename && !node.is_program) f.copyFromStdin = true;
  return f;
}

/** `unterminated quoted string at or near "'abc;⏎"` quotes the rest of the line: keep messages on one line. */
function oneLine(message: string): string {
  return message.replace(/\s*[\r\n]+\s*/g, ' ').replace(/\s+"$/, '"');
}

/**
 * Parses `text` (one statement, as the lexical splitter cut it) or returns the cached result.
 * Requires loadSqlParser() to have resolved.
 * @example parseStatementText('create index concurrently i on t (a)') // { ok: true, statements: [{ kind: 'IndexStmt', noTransaction: 'CREATE INDEX CONCURRENTLY', … }] }
 */
export function parseStatementText(text: string): ParsedText {
  const hit = cache.get(text);
  if (hit) {
    // refresh its place in the LRU order
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const r = parseStatementsSync(text);
  const result: ParsedText = r.ok
    ? { ok: true, statements: r.statements.map((s) => facts(s.kind, s.node, s.start, s.end, s.text)) }
    : { ok: false, message: oneLine(r.error.message), offset: r.error.offset };
  cache.set(text, result);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return result;
}

/** Number of cached statement texts (for tests and the bench). */
export function parseCacheSize(): number {
  return cache.size;
}
