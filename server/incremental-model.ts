// Updates a DocumentModel after an edit by re-analysing only the statements the edit can touch:
// from the start of the statement at the edit up to the first later statement where the lexer
// and the statement splitter provably read the text as before; statements before are reused,
// statements after are shifted. Why: a 5,000-line migration must get its diagnostics well within
// 50 ms of a keystroke, and re-scanning the whole text on every edit also churns garbage that
// the collector then pauses for.
// Invariant: the result equals buildDocumentModel(text, version, same classification) exactly
// (test/unit/server-incremental.test.ts checks it on random edits); whenever that cannot be shown
// cheaply — the edit touches a marker line, a directive, the preamble, shifts lines under a
// message that names line numbers, or the lexer does not converge inside the section — it
// returns undefined and the caller analyses the whole text.

import { isCodeToken, scanSql, type SqlToken } from '../core/sql/lexer';
import { textChange } from '../core/sql/text-change';
import { lineStarts } from '../core/sql/text-position';
import { analyseStatements, finishModel, type DocumentModel, type ModelSection, type ModelStatement, type RegionAnalysis } from './document-model';

/** Text that is, or could become, a section marker or a file directive: changes there need a full analysis. */
const MARKER_OR_DIRECTIVE = /^[^\S\r\n]*--[^\S\r\n]*(up|down|migrate:(up|down))\b|pglc:no-transaction/im;

function isBlank(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) return false;
  }
  return true;
}

/**
 * Whether the lexer is between tokens and the statement splitter reset at the end of a region
 * that ends where a statement starts (so the text after it is read exactly as before): no
 * unterminated quote or comment, the last code token ends a statement, only blanks after the
 * last token.
 */
function convergesAtEnd(sql: string, tokens: readonly SqlToken[], lastSpanEnd: number | undefined): boolean {
  const last = tokens[tokens.length - 1];
  if (!last) return true;
  if (tokens.some((t) => t.unterminated)) return false;
  // a comment or meta-command runs to the end of its line: cut by the region's end, it may go on
  if (last.end === sql.length && (last.kind === 'line-comment' || last.kind === 'meta')) return false;
  if (!isBlank(sql, last.end, sql.length)) return false;
  let code: SqlToken | undefined;
  for (let i = tokens.length - 1; i >= 0 && !code; i--) if (isCodeToken(tokens[i] as SqlToken)) code = tokens[i];
  if (!code || code.kind === 'meta') return true;
  // a `;` inside parentheses or a BEGIN ATOMIC body belongs to its statement's span
  return code.kind === 'semicolon' && (lastSpanEnd === undefined || lastSpanEnd <= code.start);
}

/** Index in model.statements where section `si`'s statements start (or would). */
function firstIndexOf(model: DocumentModel, si: number): number {
  for (let i = si; i >= 0; i--) {
    const ids = (model.sections[i] as ModelSection).statements;
    if (ids.length) return i === si ? (ids[0] as number) : (ids[ids.length - 1] as number) + 1;
  }
  return 0;
}

interface Window {
  si: number;
  /** Global index of the first replaced statement, and how many were replaced. */
  from: number;
  removed: number;
  /** Old offset where the re-analysed region ended (everything from here shifts by delta). */
  oldEnd: number;
  delta: number;
  lineDelta: number;
  found: RegionAnalysis;
}

/**
 * The model of `text` derived from `prev` (the model of the previous version, same file
 * classification), or undefined when a full analysis is needed.
 * @example updateDocumentModel(buildDocumentModel(a, 1, m), b, 2) ?? buildDocumentModel(b, 2, m)
 */
export function updateDocumentModel(prev: DocumentModel, text: string, version: number): DocumentModel | undefined {
  const old = prev.text;
  if (old === text) return { ...prev, version };
  const change = textChange(old, text);
  const delta = text.length - old.length;
  const last = prev.sections.length - 1;
  // the section holding the whole edit — not its marker line (nor text appended to a marker on
  // the last line), nor the line break before the next marker
  const si = prev.sections.findIndex((s, i) =>
    s.start <= change.start && (!s.marker || change.start > s.marker.end) && change.oldEnd <= (i < last ? s.end - 1 : s.end));
  const section = prev.sections[si];
  if (!section || section.kind === 'preamble') return undefined;
  const ids = section.statements;
  const statement = (k: number): ModelStatement => prev.statements[ids[k] as number] as ModelStatement;
  const start = (k: number): number => statement(k).start;

  // Restart at the last statement starting before the edit: there the lexer is between tokens
  // and the splitter reset (or at a meta-command, which flushes it), in the old text and the new
  // one. Not at the edit itself: an insertion there may continue the statement before.
  let first = ids.length - 1;
  while (first >= 0 && (start(first) >= change.start || statement(first).continues)) first--;
  const restart = first >= 0 ? start(first) : section.start;
  if (first < 0) first = 0;

  // Converge at a statement starting after the edit (ever wider windows), else at the section's end.
  let after = first;
  while (after < ids.length && (start(after) < change.oldEnd || statement(after).continues)) after++;
  const candidates: number[] = [];
  for (let step = 1, k = after; k < ids.length; k += step, step *= 2) if (!statement(k).continues) candidates.push(k);
  candidates.push(ids.length);
  const from = ids.length ? (ids[first] as number) : firstIndexOf(prev, si);
  const errorsBefore = prev.syntaxErrors.filter((e) => e.statement < from).length;

  for (const c of candidates) {
    const atSectionEnd = c === ids.length;
    const oldEnd = atSectionEnd ? section.end : start(c);
    const sql = text.slice(restart, oldEnd + delta);
    const oldSql = old.slice(restart, oldEnd);
    if (prev.migration && (MARKER_OR_DIRECTIVE.test(sql) || MARKER_OR_DIRECTIVE.test(oldSql))) return undefined;
    const tokens = scanSql(sql);
    if (atSectionEnd && si < last && tokens.some((t) => t.unterminated)) return undefined; // it would swallow the next marker
    const found = analyseStatements(sql, tokens, restart, si, from, errorsBefore);
    if (!atSectionEnd && !convergesAtEnd(sql, tokens, found.lastSpanEnd)) continue;
    // whether the section still holds code (not only an unterminated comment) is known only when
    // the window has some; windows without code are rare (a statement deleted whole)
    if (!tokens.some(isCodeToken)) return undefined;
    const lineDelta = lineStarts(sql).length - lineStarts(oldSql).length;
    // messages of marker problems name line numbers
    if (lineDelta !== 0 && prev.problems.some((p) => p.code !== 'empty-up')) return undefined;
    return assemble(prev, text, version, { si, from, removed: c - first, oldEnd, delta, lineDelta, found });
  }
  return undefined;
}

function assemble(prev: DocumentModel, text: string, version: number, w: Window): DocumentModel {
  const { from, removed, delta, found } = w;
  const added = found.statements.length - removed;
  const statements: ModelStatement[] = prev.statements.slice(0, from);
  statements.push(...found.statements);
  const errorsBefore = prev.syntaxErrors.filter((e) => e.statement < from);
  const errorsAfter = prev.syntaxErrors.filter((e) => e.statement >= from + removed);
  const addedErrors = errorsBefore.length + found.syntaxErrors.length - (prev.syntaxErrors.length - errorsAfter.length);
  for (let i = from + removed; i < prev.statements.length; i++) {
    const s = prev.statements[i] as ModelStatement;
    const moved: ModelStatement = { ...s, start: s.start + delta, end: s.end + delta };
    if (s.error !== undefined) moved.error = s.error + addedErrors;
    statements.push(moved);
  }
  const syntaxErrors = [...errorsBefore, ...found.syntaxErrors];
  for (const e of errorsAfter) syntaxErrors.push({ ...e, start: e.start + delta, end: e.end + delta, offset: e.offset + delta, statement: e.statement + added });

  const sections = prev.sections.map((s, i): ModelSection => {
    const copy: ModelSection = { ...s, statements: [] };
    if (i > w.si) {
      copy.start = s.start + delta;
      if (s.marker) copy.marker = { ...s.marker, start: s.marker.start + delta, end: s.marker.end + delta, line: s.marker.line + w.lineDelta };
    }
    if (i >= w.si) copy.end = s.end + delta;
    return copy;
  });
  statements.forEach((s, i) => (sections[s.section] as ModelSection).statements.push(i));
  // updateDocumentModel only gets here when the window has code
  (sections[w.si] as ModelSection).hasCode = true;

  const model: DocumentModel = {
    ...prev,
    text,
    version,
    sections,
    statements,
    syntaxErrors,
    problems: prev.problems.map((p) => (p.start >= w.oldEnd ? { ...p, start: p.start + delta, end: p.end + delta } : p)),
  };
  finishModel(model);
  return model;
}
