// PostgreSQL's own parser (libpg-query, the server's grammar compiled to WebAssembly) behind a
// small API: statements with their node kind and string offsets, or the syntax error with its
// string offset. Invariant: the WebAssembly module is loaded once per process; every offset
// returned is a string index (libpg-query counts UTF-8 bytes for statements and characters for
// errors — converted here, never by callers).

import { loadModule, parseSync } from 'libpg-query';
import { isCodeToken, scanSql, type SqlToken } from './lexer';
import { byteOffsetsToIndices, codePointOffsetToIndex, lineColumnAt, lineStarts } from './text-position';

/** A parse-tree node as libpg-query returns it: `{ IndexStmt: { … } }` unwrapped to its body. */
export type SqlNode = Record<string, unknown>;

export interface ParsedStatement {
  /** The node type, e.g. `CreateStmt`, `IndexStmt`, `TransactionStmt`. */
  kind: string;
  node: SqlNode;
  /** sql.slice(start, end): first token to last token, without surrounding comments or `;`. */
  text: string;
  start: number;
  end: number;
  /** 1-based line and column of `start`. */
  line: number;
  column: number;
}

export interface SqlSyntaxError {
  message: string;
  /** String index the server's parser points at. */
  offset: number;
  line: number;
  column: number;
}

export type ParseResult = { ok: true; statements: ParsedStatement[] } | { ok: false; error: SqlSyntaxError };

let loading: Promise<void> | undefined;
let loaded = false;

/** Loads the parser's WebAssembly module (once); await before parseStatementsSync. */
export function loadSqlParser(): Promise<void> {
  loading ??= loadModule().then(() => {
    loaded = true;
  });
  return loading;
}

export function isSqlParserLoaded(): boolean {
  return loaded;
}

/**
 * Parses sql with PostgreSQL 17's grammar.
 * @example await parseStatements('create index concurrently i on t (a)') // { ok: true, statements: [{ kind: 'IndexStmt', … }] }
 */
export async function parseStatements(sql: string): Promise<ParseResult> {
  await loadSqlParser();
  return parseStatementsSync(sql);
}

/**
 * parseStatements for callers that already awaited loadSqlParser(). `tokens`: sql's tokens when
 * the caller has them, at `offset` + their index in sql (a slice of a longer text's tokens).
 */
export function parseStatementsSync(sql: string, tokens: readonly SqlToken[] = scanSql(sql), offset = 0): ParseResult {
  if (!loaded) throw new Error('parseStatementsSync called before loadSqlParser() resolved');
  const code = tokens.filter(isCodeToken);
  // libpg-query refuses empty input; text with only comments has no statements either way.
  if (code.length === 0 && !tokens.some((t) => t.unterminated)) return { ok: true, statements: [] };

  let tree: { stmts?: { stmt: SqlNode; stmt_location?: number; stmt_len?: number }[] };
  try {
    tree = parseSync(sql) as typeof tree;
  } catch (e) {
    const err = e as { message?: string; sqlDetails?: { message?: string; cursorPosition?: number } };
    const offset = codePointOffsetToIndex(sql, err.sqlDetails?.cursorPosition ?? 0);
    const pos = lineColumnAt(sql, offset);
    return { ok: false, error: { message: err.sqlDetails?.message ?? err.message ?? String(e), offset, line: pos.line, column: pos.column } };
  }

  const raw = tree.stmts ?? [];
  const byteBounds: number[] = [];
  for (const s of raw) {
    const from = s.stmt_location ?? 0;
    byteBounds.push(from, s.stmt_len ? from + s.stmt_len : Number.MAX_SAFE_INTEGER);
  }
  const bounds = byteOffsetsToIndices(sql, byteBounds);
  const starts = lineStarts(sql);
  const statements: ParsedStatement[] = [];
  let k = 0; // code tokens are ascending, and so are statements: one moving cursor suffices
  raw.forEach((s, n) => {
    const rawStart = bounds[2 * n] ?? 0;
    const rawEnd = bounds[2 * n + 1] ?? sql.length;
    while (k < code.length && (code[k]?.start ?? 0) - offset < rawStart) k++;
    let first: SqlToken | undefined;
    let last: SqlToken | undefined;
    while (k < code.length && (code[k]?.start ?? 0) - offset < rawEnd) {
      const t = code[k] as SqlToken;
      if (t.kind !== 'semicolon' || first) {
        first ??= t;
        if (t.kind !== 'semicolon') last = t;
      }
      k++;
    }
    const start = first ? first.start - offset : rawStart;
    const end = last ? last.end - offset : rawEnd;
    const kind = Object.keys(s.stmt)[0] ?? 'Unknown';
    const pos = lineColumnAt(sql, start, starts);
    statements.push({ kind, node: (s.stmt[kind] ?? {}) as SqlNode, text: sql.slice(start, end), start, end, line: pos.line, column: pos.column });
  });
  return { ok: true, statements };
}
