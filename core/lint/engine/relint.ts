// Lints the next version of a document from the run of the previous one (the language server,
// after a keystroke). The statements before the edit are the same text on the same schema, so
// their findings stand; the replay is rewound to the first changed statement (the run's
// MutationLog) and replays the changed ones; and when they change the schema exactly as the old
// ones did — the same effects, the same locations moved by the edit — the rest of the file would
// replay to the same schema and the same findings, only moved: its recorded changes are applied
// again and its locations moved in place, instead of analysing it again. Otherwise the replay
// simply goes on to the end. Why: a 5,000-line migration must have its diagnostics well within
// 50 ms of a keystroke, and most keystrokes (in an INSERT, a comment, a function body, a value)
// change no schema.
// Invariants: the result equals lintFile(doc, options) exactly (test/unit/lint-relint.test.ts
// checks it on random edits); the previous run is consumed — its state, records and locations
// are reused and changed — and only its findings, which are copies, stay valid; a run is reused
// only with the very same options (identity) and a document cut into the same sections.

import type { LintDocument, LintStatementRef } from '../document';
import type { SourceLocation } from '../schema-state/model';
import { textChange } from '../../sql/text-change';
import { lineColumnAt } from '../../sql/text-position';
import { downStart, finishRun, replayRange, startRun, type LintFileOptions, type LintFileResult, type LintRun, type Place, type RawFinding, type StatementRecord } from './lint-file';
import { MutationLog } from './mutation-log';
import { sameAnswer } from './rule-memo';
import { analyzeStatement } from './statement-analysis';

/** `full`: linted from scratch; `resumed`: from the first changed statement to the end; `reused`: the rest of the file kept. */
export type RelintMode = 'full' | 'resumed' | 'reused';

export interface RelintResult {
  result: LintFileResult;
  /** Pass it to the next relintFile of this document (and nowhere else). */
  run: LintRun;
  mode: RelintMode;
  /** Statements analysed again (tests and stats). */
  replayed: number;
}

/** Where two versions of a text differ, and which statements changed. */
interface Window {
  /** The texts agree on [0, p) and on their last characters from oldEnd (old text) / oldEnd + delta (new). */
  p: number;
  oldEnd: number;
  delta: number;
  /** Statements before `e` are the same; old [e, e + removed) became new [e, e + added); the rest moved by delta. */
  e: number;
  removed: number;
  added: number;
}

/** Whether two runs were asked with the very same inputs (identity of the schema, settings and facts). */
export function sameOptions(a: LintFileOptions, b: LintFileOptions): boolean {
  return (
    a.path === b.path &&
    a.migration?.version === b.migration?.version &&
    a.migration?.label === b.migration?.label &&
    a.settings === b.settings &&
    a.before === b.before &&
    a.beforeMigration === b.beforeMigration &&
    a.sizes === b.sizes &&
    a.pendingVersions === b.pendingVersions &&
    a.applied === b.applied &&
    a.companion === b.companion &&
    a.external === b.external &&
    a.strict === b.strict
  );
}

/** The same sections (kinds, how they run, markers): statement indices and sessions line up. */
function sameShape(a: LintDocument, b: LintDocument): boolean {
  const x = a.migration;
  const y = b.migration;
  if (x?.format !== y?.format || x?.version !== y?.version || x?.role !== y?.role) return false;
  if (a.sections.length !== b.sections.length) return false;
  return a.sections.every((s, i) => {
    const t = b.sections[i];
    return !!t && s.kind === t.kind && s.mode === t.mode && s.declared === t.declared && s.marker?.text === t.marker?.text;
  });
}

function sameFlags(x: LintStatementRef, y: LintStatementRef): boolean {
  return x.section === y.section && x.kind === y.kind && x.meta === y.meta && x.noTransaction === y.noTransaction && x.transactionControl === y.transactionControl;
}

function findWindow(old: LintDocument, doc: LintDocument): Window {
  const { start: p, oldEnd } = textChange(old.text, doc.text);
  const delta = doc.text.length - old.text.length;
  const A = old.statements;
  const B = doc.statements;
  let e = 0;
  while (e < A.length && e < B.length) {
    const x = A[e] as LintStatementRef;
    const y = B[e] as LintStatementRef;
    // its text lies before the first difference, where it was
    if (x.end > p || y.start !== x.start || y.end !== x.end || !sameFlags(x, y)) break;
    e++;
  }
  let k = 0;
  while (k < A.length - e && k < B.length - e) {
    const x = A[A.length - 1 - k] as LintStatementRef;
    const y = B[B.length - 1 - k] as LintStatementRef;
    // its text lies after the last difference, moved by delta
    if (x.start < oldEnd || y.start !== x.start + delta || y.end !== x.end + delta || !sameFlags(x, y)) break;
    k++;
  }
  return { p, oldEnd, delta, e, removed: A.length - k - e, added: B.length - k - e };
}

/** Whether the new statements [e, e + added) are one for one what the old ones were to the replay. */
function sameEffects(old: readonly StatementRecord[], doc: LintDocument, w: Window): boolean {
  if (w.added !== w.removed) return false;
  for (let i = w.e; i < w.e + w.added; i++) {
    const o = old[i] as StatementRecord;
    const ref = doc.statements[i] as LintStatementRef;
    if (!sameFlags(o.ds.ref, ref)) return false;
    if (ref.meta || ref.kind === undefined) continue;
    const a = analyzeStatement(doc.text.slice(ref.start, ref.end));
    const parsed = a.ok && a.kind !== undefined;
    if (parsed === o.parseError || !sameAnswer(parsed ? a.effects : [], o.ds.effects)) return false;
  }
  return true;
}

/** An old offset in the new text. */
function moved(w: Window, offset: number): number {
  return offset >= w.oldEnd ? offset + w.delta : offset;
}

/** Whether the locations the changed statements put into the schema are the old ones, moved. */
function sameLocations(old: readonly SourceLocation[], now: readonly SourceLocation[], w: Window): boolean {
  if (old.length !== now.length) return false;
  for (let i = 0; i < old.length; i++) {
    const o = old[i] as SourceLocation;
    const n = now[i] as SourceLocation;
    if (n.start !== moved(w, o.start) || n.end !== moved(w, o.end) || n.tx !== o.tx || n.section !== o.section || n.path !== o.path || n.migration !== o.migration) return false;
  }
  return true;
}

/** Moves old locations of this document into the new text, in place (line and column too). */
function shiftAll(lists: readonly (readonly SourceLocation[])[], w: Window, text: string, starts: number[]): void {
  for (const list of lists) {
    for (const loc of list) {
      if (loc.start >= w.p) {
        loc.start = moved(w, loc.start);
        const lc = lineColumnAt(text, loc.start, starts);
        loc.line = lc.line - 1;
        loc.character = lc.column - 1;
      }
      if (loc.end >= w.p) {
        loc.end = moved(w, loc.end);
        const lc = lineColumnAt(text, loc.end, starts);
        loc.endLine = lc.line - 1;
        loc.endCharacter = lc.column - 1;
      }
    }
  }
}

function fullRun(doc: LintDocument, options: LintFileOptions): RelintResult {
  const run = startRun(doc, options, new MutationLog());
  replayRange(run, 0, doc.statements.length);
  run.final = run.replay.snapshot();
  return { result: finishRun(run), run, mode: 'full', replayed: doc.statements.length };
}

/**
 * Lints `doc`, from `prev` — the run of the previous version of the same document — when it can.
 * Requires loadSqlParser() to have resolved.
 * @example let r = relintFile(undefined, doc1, options); r = relintFile(r.run, doc2, options); r.result.findings
 */
export function relintFile(prev: LintRun | undefined, doc: LintDocument, options: LintFileOptions): RelintResult {
  if (!prev?.log || !prev.final || !sameOptions(prev.options, options) || !sameShape(prev.doc, doc)) return fullRun(doc, options);
  const run = prev;
  const { replay } = run;
  const log = prev.log;
  const w = findWindow(prev.doc, doc);
  const { e, removed, added } = w;
  const old = prev.records;
  const n = doc.statements.length;
  const oldFinal = prev.final;
  const oldAfterUp = prev.afterUp;
  const oldDownAt = prev.downAt;
  const mark = e > 0 ? old[e - 1] : undefined;
  const start = { log: mark?.log ?? 0, created: mark?.created ?? 0, pointers: mark?.pointers ?? 0 };
  const oldWindowEnd = removed > 0 ? (old[e + removed - 1] as StatementRecord) : start;
  const reusable = sameEffects(old, doc, w);
  // what the rest of the file did, to keep when the changed statements turn out to do the same
  const suffixLog = reusable ? log.slice(oldWindowEnd.log) : undefined;
  const oldWindowCreated = reusable ? replay.created.slice(start.created, oldWindowEnd.created) : [];
  const suffixCreated = reusable ? replay.created.slice(oldWindowEnd.created) : [];
  const suffixPointers = reusable ? replay.pointers.slice(oldWindowEnd.pointers) : [];

  replay.setDocument(doc);
  run.doc = doc;
  run.options = options;
  const downAt = downStart(doc);
  if (downAt === undefined) delete run.downAt;
  else run.downAt = downAt;
  run.records = old.slice(0, e);

  if (added === 0 && removed === 0) {
    // no statement changed (a comment, blank lines): the replay stands as it was
    shiftAll([suffixCreated, suffixPointers], w, doc.text, replay.lines());
    keepRest(run, old, w, { log: 0, created: 0, pointers: 0 });
    return { result: finishRun(run), run, mode: 'reused', replayed: 0 };
  }

  log.undoTo(start.log);
  replay.created.length = start.created;
  replay.pointers.length = start.pointers;
  // the fork at the Down section's start stands if that start is still where it was, before the edit
  if (oldDownAt === undefined || oldDownAt > e || downAt !== oldDownAt) delete run.afterUp;
  if (added > 0) replayRange(run, e, e + added, mark?.after ?? run.initial);
  const windowEnd = added > 0 ? (run.records[e + added - 1] as StatementRecord) : start;

  if (reusable && suffixLog && sameLocations(oldWindowCreated, replay.created.slice(start.created), w)) {
    shiftAll([oldWindowCreated, suffixCreated, suffixPointers], w, doc.text, replay.lines());
    log.redo(suffixLog);
    for (const loc of suffixCreated) replay.created.push(loc);
    for (const loc of suffixPointers) replay.pointers.push(loc);
    keepRest(run, old, w, { log: windowEnd.log - oldWindowEnd.log, created: windowEnd.created - oldWindowEnd.created, pointers: windowEnd.pointers - oldWindowEnd.pointers });
    if (run.afterUp === undefined && oldAfterUp !== undefined) run.afterUp = oldAfterUp;
    replay.restore(oldFinal);
    run.final = oldFinal;
    return { result: finishRun(run), run, mode: 'reused', replayed: added };
  }

  // the statements after the window are the old ones' text: no need to look their analyses up again
  run.same = { from: e + added, shift: removed - added, old };
  replayRange(run, e + added, n, (e + added > 0 ? run.records[e + added - 1]?.after : undefined) ?? run.initial);
  delete run.same;
  run.final = replay.snapshot();
  return { result: finishRun(run), run, mode: 'resumed', replayed: n - e };
}

/**
 * The records of the statements after the window, from the old run, moved to the new document.
 * They are changed in place: the old run is consumed, and the findings it handed out are copies.
 */
function keepRest(run: LintRun, old: readonly StatementRecord[], w: Window, shift: { log: number; created: number; pointers: number }): void {
  const { doc } = run;
  for (let i = w.e + w.added; i < doc.statements.length; i++) {
    const r = old[i - w.added + w.removed] as StatementRecord;
    const ref = doc.statements[i] as LintStatementRef;
    if (r.raw.length) {
      const section = doc.sections[ref.section];
      const place: Place = section ? { doc, statement: ref, section } : { doc, statement: ref };
      for (const x of r.raw) (x as RawFinding).place = place;
    }
    r.ds.ref = ref;
    r.ds.index = i;
    r.log += shift.log;
    r.created += shift.created;
    r.pointers += shift.pointers;
    run.records[i] = r;
  }
}
