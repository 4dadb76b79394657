// Maps where PostgreSQL says an error is back to the migration file: the server's `position`
// (1-based characters into the query text that was sent), `internalPosition` within
// `internalQuery` (a function body the server validated), or a PL/pgSQL `where` line of a DO
// block, and otherwise the start of the statement that failed.
// Invariant: the result is a 1-based line/column in the file that holds the section, never a
// position in the text that happened to be sent.

import { scanSql, isCodeToken } from '../sql/lexer';
import type { SqlStatementSpan } from '../sql/split-statements';
import { codePointOffsetToIndex, lineColumnAt, type LineColumn } from '../sql/text-position';
import type { MigrationSection } from './migration-file';

/** The fields of a server error that locate it (pg's DatabaseError has them all). */
export interface ServerErrorPosition {
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  where?: string;
}

/**
 * File line/column of a string index in the section's sql. Sections start at the beginning of
 * a line (after a marker line or at the top of the file), so columns carry over unchanged.
 * @example sectionPosition({ sql: 'select 1;\nselect x', offset: 6, line: 2, noTransaction: false }, 17) // { line: 3, column: 8 }
 */
export function sectionPosition(section: MigrationSection, index: number): LineColumn {
  const p = lineColumnAt(section.sql, index);
  return { line: section.line + p.line - 1, column: p.column };
}

/** Where the section's first statement starts (for errors that point at nothing in particular). */
export function firstCodeIndex(sql: string): number {
  return scanSql(sql).find(isCodeToken)?.start ?? 0;
}

/**
 * Index in the section's sql that an error points at.
 * @param sent what was sent: its text and the section index of its first character
 * @param failed the statement that failed (section-relative), when known
 * @example errorIndex({ position: '8' }, { text: 'select x', offset: 10 }) === 17
 */
export function errorIndex(err: ServerErrorPosition, sent: { text: string; offset: number }, failed?: SqlStatementSpan): number {
  const position = Number(err.position);
  if (Number.isInteger(position) && position > 0) {
    return sent.offset + codePointOffsetToIndex(sent.text, position - 1);
  }
  if (failed) {
    const internal = Number(err.internalPosition);
    if (err.internalQuery && Number.isInteger(internal) && internal > 0) {
      const at = failed.text.indexOf(err.internalQuery);
      if (at >= 0) return failed.start + at + codePointOffsetToIndex(err.internalQuery, internal - 1);
    }
    const inDo = doBlockLine(err.where, failed);
    if (inDo !== undefined) return inDo;
    return failed.start;
  }
  return sent.offset + firstCodeIndex(sent.text);
}

/**
 * For an error raised while a DO block ran ("PL/pgSQL function inline_code_block line 4 at …"),
 * the index of that line's first character in the section; undefined otherwise.
 */
function doBlockLine(where: string | undefined, failed: SqlStatementSpan): number | undefined {
  const m = where ? /inline_code_block line (\d+)/.exec(where) : null;
  if (!m || !/^do\b/i.test(failed.text)) return undefined;
  const body = scanSql(failed.text).find((t) => t.kind === 'dollar-string' || t.kind === 'string');
  if (!body) return undefined;
  const open = failed.text.slice(body.start).match(/^(\$[^$]*\$|[eE]?')/)?.[0] ?? '';
  let index = body.start + open.length;
  for (let line = 1; line < Number(m[1]); line++) {
    const nl = failed.text.indexOf('\n', index);
    if (nl < 0 || nl >= body.end) return undefined;
    index = nl + 1;
  }
  while (index < body.end && /[ \t]/.test(failed.text[index] ?? '')) index++;
  return failed.start + index;
}
