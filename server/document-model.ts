// The analysis of one .sql document at one version: its sections (Up / Down for migrations),
// its statements (range, kind from the parse tree, whether it can run in a transaction and why),
// its syntax errors (every one, not only the first) and the migration-file problems that need no
// database. Every handler reads this model; none parses again.
// Invariants: built from the text alone (pure, no I/O); offsets are string indices into that
// text; sections come from core's marker rules (findSectionMarkers), so the editor and
// `pglc db migrate` cut a file the same way; a statement is parsed on its own (after the lexical
// splitter cut it), so an error in one statement never hides the errors of the next.

import type { ExecutionMode } from '../core/migrations/execution-plan';
import { findSectionMarkers, hasNoTransactionDirective, type SectionMarker } from '../core/migrations/sections';
import { isCodeToken, scanSql, type SqlToken } from '../core/sql/lexer';
import { splitStatements } from '../core/sql/split-statements';
import type { MigrationDocumentInfo } from './migration-document';
import { parseStatementText } from './statement-parse';
import { statementLabel } from './statement-label';

export interface OffsetRange {
  start: number;
  end: number;
}

/** `preamble`: SQL above the Up marker (it belongs to no section); `file`: a plain .sql file. */
export type SectionKind = 'up' | 'down' | 'preamble' | 'file';

export interface ModelSection extends OffsetRange {
  kind: SectionKind;
  /** The marker line that opens the section (0-based line; offsets of the line's text). */
  marker?: OffsetRange & { line: number; text: string };
  /** Indices into DocumentModel.statements. */
  statements: number[];
  /** Whether it holds any SQL (not only comments). */
  hasCode: boolean;
  /** How `pglc db migrate` runs it (plain files: as if it were a migration section). */
  mode: ExecutionMode;
  /** no-transaction declared by `-- pglc:no-transaction` (directive) or dbmate's `transaction:false` (marker). */
  declared?: 'directive' | 'marker';
  /** The statement (index) that decided a no-transaction / own-transaction mode. */
  decidedBy?: number;
}

export interface ModelStatement extends OffsetRange {
  /** Index into DocumentModel.sections. */
  section: number;
  /** Parse node kind; absent when the statement did not parse (or is a meta-command). */
  kind?: string;
  label: string;
  noTransaction?: string;
  transactionControl?: 'open' | 'close';
  copyFromStdin?: true;
  /** A psql meta-command line (`\i file`). */
  meta?: true;
  /** Index into DocumentModel.syntaxErrors. */
  error?: number;
  /** Shares the lexical splitter's span with the statement before it (the parser found more than one there). */
  continues?: true;
}

export interface ModelSyntaxError extends OffsetRange {
  message: string;
  /** Where PostgreSQL's parser points (the range is the token there). */
  offset: number;
  statement: number;
}

export type MigrationProblemCode = 'duplicate-marker' | 'down-before-up' | 'sql-before-up' | 'empty-up';

export interface MigrationProblem extends OffsetRange {
  code: MigrationProblemCode;
  severity: 'error' | 'warning';
  message: string;
}

export interface DocumentModel {
  /** The text analysed (kept so the next version can be analysed incrementally). */
  text: string;
  version: number;
  /** Set when the document is a migration (inside a migration folder, named like one). */
  migration?: MigrationDocumentInfo;
  /** The marker spelling of this file's format, for messages. */
  markerNames: { up: string; down: string };
  sections: ModelSection[];
  statements: ModelStatement[];
  syntaxErrors: ModelSyntaxError[];
  problems: MigrationProblem[];
}

const PGLC_MARKERS = { up: '-- Up', down: '-- Down' };
const DBMATE_MARKERS = { up: '-- migrate:up', down: '-- migrate:down' };

/** The token that contains `offset` (or starts at it), by binary search over sorted tokens. */
function tokenAt(tokens: readonly SqlToken[], offset: number): SqlToken | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid] as SqlToken;
    if (offset < t.start) hi = mid - 1;
    else if (offset >= t.end) lo = mid + 1;
    else return t;
  }
  return undefined;
}

/** End of the line that `from` is on. */
function lineEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) !== 10 && text.charCodeAt(i) !== 13) i++;
  return i;
}

/** The range to underline for a parser error at `offset` in the statement `span`. */
function errorRange(text: string, tokens: readonly SqlToken[], offset: number, span: OffsetRange): OffsetRange {
  let t = offset < span.end ? tokenAt(tokens, offset) : undefined;
  if (!t) {
    // "at end of input": the statement's last token
    const inSpan = tokens.filter((x) => x.start >= span.start && x.end <= span.end && isCodeToken(x));
    t = inSpan[inSpan.length - 1];
  }
  if (!t) return { start: offset, end: offset };
  // an unterminated quote or comment runs to the end of the text: underline its first line only
  return { start: t.start, end: t.unterminated ? Math.max(t.start + 1, lineEnd(text, t.start)) : t.end };
}

interface SectionDraft {
  kind: SectionKind;
  marker?: SectionMarker;
  start: number;
  end: number;
  declared?: 'directive' | 'marker';
}

function markerRange(m: SectionMarker): OffsetRange & { line: number; text: string } {
  return { start: m.line.start, end: m.line.end, line: m.line.number - 1, text: m.line.text };
}

/** The sections of a file with markers, tolerant of every mistake core refuses (those become problems). */
function markedSections(text: string, tokens: readonly SqlToken[], markers: SectionMarker[], directive: boolean, bom: number): SectionDraft[] {
  const first = markers[0];
  if (!first) return [{ kind: 'up', start: bom, end: text.length, ...(directive ? { declared: 'directive' as const } : {}) }];
  const drafts: SectionDraft[] = [];
  const hasUpMarker = markers.some((m) => m.kind === 'up');
  const preambleCode = tokens.some((t) => t.end <= first.line.start && isCodeToken(t));
  if (!hasUpMarker) {
    // only "-- Down": everything above it is the Up section (as core reads it)
    drafts.push({ kind: 'up', start: bom, end: first.line.start, ...(directive ? { declared: 'directive' as const } : {}) });
  } else if (preambleCode) {
    drafts.push({ kind: 'preamble', start: bom, end: first.line.start });
  }
  markers.forEach((m, i) => {
    const next = markers[i + 1];
    const d: SectionDraft = { kind: m.kind, marker: m, start: m.line.next, end: next ? next.line.start : text.length };
    if (m.noTransaction) d.declared = 'marker';
    else if (directive) d.declared = 'directive';
    drafts.push(d);
  });
  return drafts;
}

function problemsOf(tokens: readonly SqlToken[], markers: SectionMarker[], names: { up: string; down: string }): MigrationProblem[] {
  const problems: MigrationProblem[] = [];
  for (const kind of ['up', 'down'] as const) {
    const list = markers.filter((m) => m.kind === kind);
    const firstLine = list[0]?.line.number;
    for (const extra of list.slice(1)) {
      problems.push({
        code: 'duplicate-marker',
        severity: 'error',
        ...markerRange(extra),
        message: `A second "${names[kind]}" line (the first is on line ${firstLine}) — a migration has one ${kind === 'up' ? 'Up' : 'Down'} section, so pglc refuses to run this file — keep one "${names[kind]}" line.`,
      });
    }
  }
  const up = markers.find((m) => m.kind === 'up');
  const down = markers.find((m) => m.kind === 'down');
  if (up && down && down.line.number < up.line.number) {
    problems.push({
      code: 'down-before-up',
      severity: 'error',
      ...markerRange(down),
      message: `"${names.down}" comes before "${names.up}" (line ${up.line.number}) — pglc refuses to run this file — put the Up section first, then "${names.down}" and the SQL that undoes it.`,
    });
  }
  const first = markers[0];
  if (up && first) {
    // SQL under a misplaced "-- Down" is that section's (down-before-up says so), not orphaned
    const before = tokens.filter((t) => t.end <= first.line.start && isCodeToken(t));
    const a = before[0];
    const b = before[before.length - 1];
    if (a && b) {
      problems.push({
        code: 'sql-before-up',
        severity: 'error',
        start: a.start,
        end: b.end,
        message: `SQL above "${names.up}" (line ${up.line.number}) belongs to no section and would never run — pglc refuses to run this file — move it below "${names.up}", or delete it.`,
      });
    }
  }
  return problems;
}

/** How a section runs (the rules of core's planSection, over already-analysed statements). */
function decideMode(section: ModelSection, statements: readonly ModelStatement[]): void {
  if (section.declared) {
    section.mode = 'no-transaction';
    return;
  }
  const noTx = section.statements.find((i) => statements[i]?.noTransaction);
  if (noTx !== undefined) {
    section.mode = 'no-transaction';
    section.decidedBy = noTx;
    return;
  }
  const control = section.statements.find((i) => statements[i]?.transactionControl);
  if (control !== undefined) {
    section.mode = 'own-transaction';
    section.decidedBy = control;
  }
}

/**
 * Analyses `text`. `migration` (from classifyMigrationDocument) turns on sections and
 * migration problems; without it the file is plain SQL with one section. Requires
 * loadSqlParser() to have resolved.
 * @example buildDocumentModel('-- Up\ncreate table t ();\n-- Down\ndrop table t;\n', 1, { format: 'pglc', version: '0001', role: 'sections' })
 *   .sections.map((s) => s.kind) // ['up', 'down']
 */
export function buildDocumentModel(text: string, version: number, migration?: MigrationDocumentInfo): DocumentModel {
  const tokens = scanSql(text);
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const names = migration?.format === 'dbmate' ? DBMATE_MARKERS : PGLC_MARKERS;
  let drafts: SectionDraft[];
  let problems: MigrationProblem[] = [];
  if (!migration) {
    drafts = [{ kind: 'file', start: bom, end: text.length }];
  } else {
    const directive = hasNoTransactionDirective(text, tokens);
    if (migration.role === 'sections' && migration.format !== 'supabase') {
      const markers = findSectionMarkers(text, migration.format === 'dbmate' ? 'dbmate' : 'pglc', tokens);
      drafts = markedSections(text, tokens, markers, directive, bom);
      problems = problemsOf(tokens, markers, names);
    } else {
      drafts = [{ kind: migration.role === 'down' ? 'down' : 'up', start: bom, end: text.length, ...(directive ? { declared: 'directive' as const } : {}) }];
    }
  }

  const model: DocumentModel = { text, version, markerNames: names, sections: [], statements: [], syntaxErrors: [], problems };
  if (migration) model.migration = migration;
  let k = 0; // tokens are sorted and sections ascending: one moving cursor
  drafts.forEach((d, sectionIndex) => {
    while (k < tokens.length && (tokens[k] as SqlToken).start < d.start) k++;
    const from = k;
    while (k < tokens.length && (tokens[k] as SqlToken).start < d.end) k++;
    const sectionTokens = tokens.slice(from, k);
    const section: ModelSection = { kind: d.kind, start: d.start, end: d.end, statements: [], hasCode: sectionTokens.some(isCodeToken), mode: 'transaction' };
    if (d.marker) section.marker = markerRange(d.marker);
    if (d.declared) section.declared = d.declared;
    const found = analyseStatements(text, sectionTokens, 0, sectionIndex, model.statements.length, model.syntaxErrors.length);
    for (let i = 0; i < found.statements.length; i++) section.statements.push(model.statements.length + i);
    model.statements.push(...found.statements);
    model.syntaxErrors.push(...found.syntaxErrors);
    model.sections.push(section);
  });
  finishModel(model);
  return model;
}

/** Statements and syntax errors found in one region of a document. */
export interface RegionAnalysis {
  statements: ModelStatement[];
  syntaxErrors: ModelSyntaxError[];
  /** End of the splitter's last span, relative to the region (undefined: no span). */
  lastSpanEnd?: number;
}

/**
 * Splits and parses the statements of `tokens` (offsets into `sql`, a region of the document
 * that starts at document offset `base`). `firstStatement` / `firstError` are the indices the
 * results will have in the model (syntax errors and statements refer to each other by index).
 */
export function analyseStatements(sql: string, tokens: readonly SqlToken[], base: number, sectionIndex: number, firstStatement: number, firstError: number): RegionAnalysis {
  const out: RegionAnalysis = { statements: [], syntaxErrors: [] };
  for (const span of splitStatements(sql, tokens as SqlToken[])) {
    out.lastSpanEnd = span.end;
    const start = base + span.start;
    const end = base + span.end;
    if (span.meta) {
      out.statements.push({ start, end, section: sectionIndex, label: span.text.split(/\s+/)[0] ?? '\\', meta: true });
      continue;
    }
    const parsed = parseStatementText(span.text);
    if (parsed.ok && parsed.statements.length > 0) {
      parsed.statements.forEach((f, n) => {
        const s: ModelStatement = { start: start + f.start, end: start + f.end, section: sectionIndex, kind: f.kind, label: f.label };
        if (n > 0) s.continues = true;
        if (f.noTransaction) s.noTransaction = f.noTransaction;
        if (f.transactionControl) s.transactionControl = f.transactionControl;
        if (f.copyFromStdin) s.copyFromStdin = true;
        out.statements.push(s);
      });
      continue;
    }
    const s: ModelStatement = { start, end, section: sectionIndex, label: statementLabel(undefined, undefined, span.text) };
    if (!parsed.ok) {
      const r = errorRange(sql, tokens, span.start + parsed.offset, span);
      s.error = firstError + out.syntaxErrors.length;
      out.syntaxErrors.push({ message: parsed.message, offset: start + parsed.offset, statement: firstStatement + out.statements.length, start: base + r.start, end: base + r.end });
    }
    out.statements.push(s);
  }
  return out;
}

/** Decides each section's mode and adds the empty-Up warning (after statements changed). */
export function finishModel(model: DocumentModel): void {
  for (const section of model.sections) {
    section.mode = 'transaction';
    delete section.decidedBy;
    decideMode(section, model.statements);
  }
  model.problems = model.problems.filter((p) => p.code !== 'empty-up');
  const firstUp = model.sections.find((s) => s.kind === 'up');
  if (model.migration && model.migration.role !== 'down' && firstUp && !firstUp.hasCode) {
    const at = firstUp.marker ?? { start: firstUp.start, end: firstUp.start };
    model.problems.push({
      code: 'empty-up',
      severity: 'warning',
      start: at.start,
      end: at.end,
      message: 'The Up section has no SQL — applying it would only record the migration as applied — write the change below the Up marker.',
    });
  }
}

/** The statement whose range contains `offset` (ends inclusive, so a cursor just after it counts). */
export function statementAt(model: DocumentModel, offset: number): ModelStatement | undefined {
  return model.statements.find((s) => s.start <= offset && offset <= s.end);
}
