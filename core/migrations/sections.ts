// Finds the Up and Down sections of a single migration file: pglc's `-- Up` / `-- Down`
// markers, dbmate's `-- migrate:up` / `-- migrate:down [transaction:false]`, or the whole file.
// Invariant: a section's `sql` is the exact text between marker lines, with its offset and line
// in the file, so positions inside it map back to the file; a marker counts only as a
// top-level comment line (not inside a dollar-quoted body), and SQL that would never run
// (before the first marker) is an error, not silently ignored.

import { PglcError } from '../errors';
import { isCodeToken, scanSql, type SqlToken } from '../sql/lexer';
import type { MigrationSection } from './migration-file';

export interface FileSections {
  up: MigrationSection;
  down?: MigrationSection;
}

/** One line of a file, with the indices of its start, end and the next line's start. */
export interface MarkerLine {
  /** 1-based */
  number: number;
  start: number;
  /** Index just after the line's last character (before its line break). */
  end: number;
  /** Index of the next line's first character. */
  next: number;
  text: string;
}

function linesOf(text: string): MarkerLine[] {
  const out: MarkerLine[] = [];
  let start = 0;
  let number = 1;
  const re = /\r\n|\n|\r/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ number, start, end: m.index, next: m.index + m[0].length, text: text.slice(start, m.index) });
    start = m.index + m[0].length;
    number++;
  }
  out.push({ number, start, end: text.length, next: text.length, text: text.slice(start) });
  return out;
}

const BOM = '\uFEFF';
const NO_TRANSACTION = /^\s*--\s*pglc:no-transaction\s*$/i;

/** The whole file as the Up section (Supabase files, pglc files without markers, split files). */
export function wholeFileSection(text: string): MigrationSection {
  const offset = text.startsWith(BOM) ? 1 : 0;
  const sql = text.slice(offset);
  return { sql, offset, line: 1, noTransaction: hasNoTransactionDirective(text, scanSql(text)) };
}

/**
 * A `-- pglc:no-transaction` line that is a top-level comment (not inside a string or body).
 * @example hasNoTransactionDirective('-- pglc:no-transaction\n-- Up\nvacuum;') === true
 */
export function hasNoTransactionDirective(text: string, tokens: SqlToken[] = scanSql(text)): boolean {
  if (!/pglc:no-transaction/i.test(text)) return false; // the common case, without splitting lines
  return linesOf(text).some((l) => NO_TRANSACTION.test(l.text) && isTopLevelComment(l, tokens));
}

function isTopLevelComment(line: MarkerLine, tokens: SqlToken[]): boolean {
  const at = line.start + (line.text.length - line.text.trimStart().length);
  return tokens.some((t) => t.kind === 'line-comment' && t.start === at);
}

/** A section marker line (`-- Up`, `-- migrate:down transaction:false`, …). */
export interface SectionMarker {
  kind: 'up' | 'down';
  line: MarkerLine;
  /** dbmate's `transaction:false` option on the marker. */
  noTransaction: boolean;
}

function section(text: string, from: MarkerLine, to: MarkerLine | undefined, noTransaction: boolean): MigrationSection {
  const offset = from.next;
  const end = to ? to.start : text.length;
  return { sql: text.slice(offset, Math.max(offset, end)), offset, line: from.number + 1, noTransaction };
}

function invalid(relPath: string, line: number, what: string, why: string, fix: string): PglcError {
  return new PglcError('migration-invalid', { what, why: `${why} (${relPath}:${line})`, fix, details: { file: relPath, line, column: 1 } });
}

function hasCode(text: string): boolean {
  return scanSql(text).some(isCodeToken);
}

function splitByMarkers(
  text: string,
  relPath: string,
  markers: SectionMarker[],
  names: { up: string; down: string },
  requireUp: boolean,
  fileNoTransaction: boolean,
  tokens: readonly SqlToken[],
): FileSections {
  const up = markers.filter((m) => m.kind === 'up');
  const down = markers.filter((m) => m.kind === 'down');
  for (const [list, name] of [[up, names.up], [down, names.down]] as const) {
    const second = list[1];
    if (second) {
      throw invalid(relPath, second.line.number, `Migration ${relPath} has two "${name}" lines`,
        `a second "${name}" marker is at line ${second.line.number}, the first at line ${list[0]?.line.number}`,
        `Keep one "${name}" line; everything after it up to "${names.down}" is that section.`);
    }
  }
  const upMarker = up[0];
  const downMarker = down[0];
  if (!upMarker && requireUp) {
    throw invalid(relPath, 1, `Migration ${relPath} has no "${names.up}" line`,
      `a ${names.up === '-- migrate:up' ? 'dbmate' : 'pglc'} migration needs one to say where its Up section starts`,
      `Add a line "${names.up}" above the migration's SQL.`);
  }
  if (!upMarker && !downMarker) return { up: wholeFileSection(text) };
  if (upMarker && downMarker && downMarker.line.number < upMarker.line.number) {
    throw invalid(relPath, downMarker.line.number, `Migration ${relPath} has "${names.down}" before "${names.up}"`,
      `"${names.down}" is at line ${downMarker.line.number}, "${names.up}" at line ${upMarker.line.number}`,
      `Put the Up section first: "${names.up}", its SQL, then "${names.down}" and the SQL that undoes it.`);
  }
  const firstMarker = upMarker ?? (downMarker as SectionMarker);
  let upSection: MigrationSection;
  if (upMarker) {
    const preamble = text.slice(0, upMarker.line.start);
    if (hasCode(preamble.replace(/^\uFEFF/, ''))) {
      const line = linesOf(preamble).find((l) => hasCode(l.text))?.number ?? 1;
      throw invalid(relPath, line, `Migration ${relPath} has SQL before its "${names.up}" line`,
        `SQL above "${names.up}" (line ${upMarker.line.number}) belongs to no section and would never run`,
        `Move it below "${names.up}", or delete it.`);
    }
    upSection = section(text, upMarker.line, downMarker?.line, upMarker.noTransaction || fileNoTransaction);
  } else {
    // Only "-- Down": everything above it is the Up section.
    const offset = text.startsWith(BOM) ? 1 : 0;
    upSection = { sql: text.slice(offset, firstMarker.line.start), offset, line: 1, noTransaction: fileNoTransaction };
  }
  if (!downMarker) return { up: upSection };
  const downSection = section(text, downMarker.line, undefined, downMarker.noTransaction || fileNoTransaction);
  // An empty Down (only comments) means "no Down written yet": rollback must refuse, not no-op.
  // (It runs to the end of the file from the line after a top-level comment: the file's tokens from there are its own.)
  const downHasCode = tokens.some((t) => t.start >= downSection.offset && isCodeToken(t));
  return downHasCode ? { up: upSection, down: downSection } : { up: upSection };
}

/**
 * Sections of a pglc file: `-- Up` and `-- Down` lines (any case); no markers means all Up.
 * `-- pglc:no-transaction` anywhere applies to both sections.
 * @example splitPglcSections('-- Up\ncreate table t();\n-- Down\ndrop table t;\n', 'm/0001_t.sql').down?.line === 4
 */
export function splitPglcSections(text: string, relPath: string): FileSections {
  const tokens = scanSql(text);
  const markers = findSectionMarkers(text, 'pglc', tokens);
  const noTx = hasNoTransactionDirective(text, tokens);
  return splitByMarkers(text, relPath, markers, { up: '-- Up', down: '-- Down' }, false, noTx, tokens);
}

/**
 * Sections of a dbmate file: `-- migrate:up` (required) and `-- migrate:down`, each with
 * optional `transaction:false`.
 */
export function splitDbmateSections(text: string, relPath: string): FileSections {
  const tokens = scanSql(text);
  const markers = findSectionMarkers(text, 'dbmate', tokens);
  const noTx = hasNoTransactionDirective(text, tokens);
  return splitByMarkers(text, relPath, markers, { up: '-- migrate:up', down: '-- migrate:down' }, true, noTx, tokens);
}

/**
 * The marker lines of a file in line order: pglc's `-- Up` / `-- Down` (any case) or dbmate's
 * `-- migrate:up` / `-- migrate:down [transaction:false]`, counted only as top-level comments.
 * The language server uses it too, so the editor and `pglc db migrate` agree on sections.
 * @example findSectionMarkers('-- Up\nselect 1;\n-- Down\n', 'pglc').map((m) => [m.kind, m.line.number]) // [['up', 1], ['down', 3]]
 */
export function findSectionMarkers(text: string, style: 'pglc' | 'dbmate', tokens: SqlToken[] = scanSql(text)): SectionMarker[] {
  const markers: SectionMarker[] = [];
  for (const line of linesOf(text)) {
    if (style === 'pglc') {
      const m = /^\s*--\s*(up|down)\s*$/i.exec(line.text);
      if (m && isTopLevelComment(line, tokens)) markers.push({ kind: (m[1] ?? '').toLowerCase() as 'up' | 'down', line, noTransaction: false });
      continue;
    }
    const m = /^\s*--\s*migrate:(up|down)(?:\s+(.*?))?\s*$/i.exec(line.text);
    if (m && isTopLevelComment(line, tokens)) {
      const options = (m[2] ?? '').split(/\s+/).filter(Boolean);
      markers.push({ kind: (m[1] ?? '').toLowerCase() as 'up' | 'down', line, noTransaction: options.some((o) => /^transaction:false$/i.test(o)) });
    }
  }
  return markers;
}

/** Whether a file uses dbmate's markers (decides the format of a plain `.sql` file). */
export function looksLikeDbmate(text: string): boolean {
  return /^\s*--\s*migrate:up\b/im.test(text);
}

/** A split file's only section (up.sql, down.sql, x.up.sql …). Undefined for an empty Down. */
export function splitFileSection(text: string, isDown: boolean): MigrationSection | undefined {
  const s = wholeFileSection(text);
  return isDown && !hasCode(s.sql) ? undefined : s;
}
