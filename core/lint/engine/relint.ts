// Lints the next version of a document from the run of the previous one (the language server,
// after a keystroke). The statements before the edit are the same text on the same schema, so
// their findings stand; the replay is rewound to the first changed statement (the run's
// MutationLog) and replays the changed ones. When they change the schema exactly as the old ones
// did — the same effects, the same locations moved by the edit — the rest of the file would
// replay to the same schema and the same findings, only moved: its recorded changes are applied
// again and its locations moved in place. When they change it (a renamed index, a new column),
// the keys where the schema now differs are known, and each later statement is replayed only if
// its recorded reads touch one of them — the others are kept the same way — until the schemas
// agree again. Why: a 5,000-line migration must have its diagnostics well within 50 ms of a
// keystroke.
// Invariants: the result equals lintFile(doc, options) exactly (test/unit/lint-relint.test.ts
// checks it on random edits); the previous run is consumed — its state, records and locations
// are reused and changed — and only its findings, which are copies, stay valid; a run is reused
// only with the very same options (identity) and a document cut into the same sections; a
// statement is kept only with the same session before it (transaction, settings) and no read of
// a key (or, for an iteration, a map) that differs.

import type { LintDocument, LintStatementRef } from '../document';
import { forkState, type SourceLocation } from '../schema-state/model';
import { textChange } from '../../sql/text-change';
import { lineColumnAt } from '../../sql/text-position';
import { downStart, finishRun, replayRange, startRun, type LintFileOptions, type LintFileResult, type LintRun, type Place, type RawFinding, type StatementRecord } from './lint-file';
import type { ReplaySnapshot } from './replay';
import { MutationLog, type ReadSet } from './mutation-log';
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
  // what the window and the rest of the file did, to keep what turns out the same
  const windowLog = log.slice(start.log, oldWindowEnd.log);
  const suffixLog = log.slice(oldWindowEnd.log);
  const oldWindowCreated = replay.created.slice(start.created, oldWindowEnd.created);
  const suffixCreated = replay.created.slice(oldWindowEnd.created);
  const suffixPointers = replay.pointers.slice(oldWindowEnd.pointers);

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

  if (reusable && sameLocations(oldWindowCreated, replay.created.slice(start.created), w)) {
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
  const replayed = replayRest(run, { old, w, windowLog, windowStart: start.log, suffixLog, suffixFrom: oldWindowEnd, suffixCreated, suffixPointers });
  delete run.same;
  // old locations the kept statements brought along, moved into the new text (all of them: kept values may refer to any)
  shiftAll([oldWindowCreated, suffixCreated, suffixPointers], w, doc.text, replay.lines());
  run.final = replay.snapshot();
  return { result: finishRun(run), run, mode: 'resumed', replayed: added + replayed };
}

/** Map → key → the value the old run had there: keys where the new replay's schema differs from the old one's. */
type Dirty = Map<Map<string, unknown>, Map<string, unknown>>;

interface Rest {
  old: readonly StatementRecord[];
  w: Window;
  /** The old window's log entries (from its start), and the old log from the window's end on. */
  windowLog: MutationLog;
  windowStart: number;
  suffixLog: MutationLog;
  /** Marks where the old window ended (the suffix log and lists start there). */
  suffixFrom: { log: number; created: number; pointers: number };
  suffixCreated: readonly SourceLocation[];
  suffixPointers: readonly SourceLocation[];
}

/** Equality of schema values as plain data, an old location compared by where it is in the new text. */
function sameShifted(a: unknown, b: unknown, w: Window): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameShifted(a[i], b[i], w)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (typeof x.tx === 'number' && typeof x.start === 'number' && typeof x.path === 'string') {
    const o = x as unknown as SourceLocation;
    const n = y as unknown as SourceLocation;
    return n.start === moved(w, o.start) && n.end === moved(w, o.end) && n.tx === o.tx && n.path === o.path && n.section === o.section && n.migration === o.migration && n.label === o.label;
  }
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!sameShifted(x[k], y[k], w)) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/** The session as a value (transaction ids, settings, search_path, section kind), to compare two replays. */
function sameSession(a: ReplaySnapshot | undefined, b: ReplaySnapshot | undefined): boolean {
  if (!a || !b) return a === b;
  const sameMap = (x: ReadonlyMap<string, unknown>, y: ReadonlyMap<string, unknown>) => x === y || (x.size === y.size && [...x].every(([k, v]) => y.get(k) === v));
  return (
    a.tx.kind === b.tx.kind && a.tx.id === b.tx.id && a.blockDepth === b.blockDepth && a.nextTx === b.nextTx && a.sectionKind === b.sectionKind && a.base === b.base &&
    a.section?.kind === b.section?.kind && a.section?.declared === b.section?.declared && a.section?.mode === b.section?.mode && sameMap(a.settings, b.settings) && sameMap(a.localUndo, b.localUndo) &&
    a.searchPath.length === b.searchPath.length && a.searchPath.every((x, i) => x === b.searchPath[i])
  );
}

/** Whether a statement's recorded reads touch a key (or a map) that is dirty. */
function readsDirty(reads: ReadSet | undefined, dirty: Dirty): boolean {
  if (!reads) return true;
  for (let i = 0; i < reads.maps.length; i++) {
    const changed = dirty.get(reads.maps[i] as Map<string, unknown>);
    if (!changed || changed.size === 0) continue;
    const key = reads.keys[i] as string | null;
    if (key === null || changed.has(key)) return true;
  }
  return false;
}

/**
 * For each key written in entries [from, to) of a log: the value it had before the first of
 * them (`before`), or the value the last of them left (`after`).
 */
function writtenValues(log: MutationLog, from: number, to: number, which: 'before' | 'after'): Map<Map<string, unknown>, Map<string, unknown>> {
  const out = new Map<Map<string, unknown>, Map<string, unknown>>();
  for (let i = from; i < to; i++) {
    const m = log.maps[i] as Map<string, unknown>;
    let keys = out.get(m);
    if (!keys) out.set(m, (keys = new Map()));
    const key = log.keys[i] as string;
    if (which === 'after') keys.set(key, log.after[i]);
    else if (!keys.has(key)) keys.set(key, log.before[i]);
  }
  return out;
}

/**
 * After the old and the new replay of the same statements: for every key either wrote, the old
 * replay's value there (what it wrote last; else, for a key only the new one wrote, what it held
 * before — a dirty key's recorded old value, or the value both had) against the value now.
 * Updates `dirty` in place: a key whose values agree is clean again.
 */
function compareWrites(dirty: Dirty, wroteOld: Map<Map<string, unknown>, Map<string, unknown>>, wroteNew: Map<Map<string, unknown>, Map<string, unknown>>, w: Window): void {
  const keys = new Map<Map<string, unknown>, Set<string>>();
  for (const src of [wroteOld, wroteNew]) for (const [m, ks] of src) for (const k of ks.keys()) (keys.get(m) ?? keys.set(m, new Set()).get(m))?.add(k);
  for (const [m, ks] of keys) {
    for (const k of ks) {
      const was = wroteOld.get(m)?.has(k) ? wroteOld.get(m)?.get(k) : dirty.get(m)?.has(k) ? dirty.get(m)?.get(k) : wroteNew.get(m)?.get(k);
      if (sameShifted(was, Map.prototype.get.call(m, k), w)) dirty.get(m)?.delete(k);
      else (dirty.get(m) ?? dirty.set(m, new Map()).get(m))?.set(k, was);
    }
  }
}

/**
 * After a window whose statements changed the schema: the rest of the file, statement by
 * statement — a statement that read none of the keys where the schema now differs from the old
 * replay's is kept (its recorded changes redone, its findings moved), the others are replayed;
 * what each does to those keys is compared with what the old one did, so the set shrinks as soon
 * as the replays agree again (a table dropped in both, a column added in both). Returns how many
 * statements were replayed.
 */
function replayRest(run: LintRun, r: Rest): number {
  const { doc, replay } = run;
  const log = run.log as MutationLog;
  const { old, w } = r;
  const n = doc.statements.length;
  const first = w.e + w.added;
  // where the schemas differ after the windows: keys either window changed, compared
  const dirty: Dirty = new Map();
  const oldAfter = writtenValues(r.windowLog, 0, r.windowLog.length, 'after');
  const newBefore = writtenValues(log, r.windowStart, log.length, 'before');
  compareWrites(dirty, oldAfter, newBefore, w);
  const oldBefore = (j: number): ReplaySnapshot | undefined => (j > 0 ? old[j - 1]?.after : run.initial);
  let sameSessionNow = sameSession(first > 0 ? run.records[first - 1]?.after : run.initial, oldBefore(first - w.added + w.removed));
  // the old records' marks, read before kept records are moved to the new run
  const marks = old.map((x) => ({ log: x.log, created: x.created, pointers: x.pointers }));
  const markBefore = (j: number) => (j > 0 ? (marks[j - 1] as (typeof marks)[number]) : { log: 0, created: 0, pointers: 0 });
  let replayed = 0;
  for (let i = first; i < n; i++) {
    const j = i - w.added + w.removed;
    const o = old[j] as StatementRecord;
    const m0 = markBefore(j);
    const m1 = marks[j] as (typeof marks)[number];
    if (run.afterUp === undefined && run.downAt !== undefined && i >= run.downAt) run.afterUp = forkState(replay.state);
    const oldFrom = m0.log - r.suffixFrom.log;
    const oldTo = m1.log - r.suffixFrom.log;
    const keep = sameSessionNow && oldFrom >= 0 && !readsDirty(o.reads, dirty);
    if (keep) {
      // its changes, as recorded: the keys it wrote now hold what the old replay had there
      for (let k = oldFrom; k < oldTo; k++) {
        const m = r.suffixLog.maps[k] as Map<string, unknown>;
        const key = r.suffixLog.keys[k] as string;
        const after = r.suffixLog.after[k];
        log.record(m, key, Map.prototype.get.call(m, key), after);
        if (after === undefined) Map.prototype.delete.call(m, key);
        else Map.prototype.set.call(m, key, after);
        dirty.get(m)?.delete(key);
      }
      for (let k = m0.created - r.suffixFrom.created; k < m1.created - r.suffixFrom.created; k++) replay.created.push(r.suffixCreated[k] as SourceLocation);
      for (let k = m0.pointers - r.suffixFrom.pointers; k < m1.pointers - r.suffixFrom.pointers; k++) replay.pointers.push(r.suffixPointers[k] as SourceLocation);
      const ref = doc.statements[i] as LintStatementRef;
      if (o.raw.length) {
        const section = doc.sections[ref.section];
        const place: Place = section ? { doc, statement: ref, section } : { doc, statement: ref };
        for (const x of o.raw) (x as RawFinding).place = place;
      }
      o.ds.ref = ref;
      o.ds.index = i;
      o.log = log.length;
      o.created = replay.created.length;
      o.pointers = replay.pointers.length;
      if (o.after) replay.restore(o.after);
      run.records[i] = o;
      continue;
    }
    // replayed: what it and the old statement wrote decides which keys still differ
    const mark = log.length;
    replayRange(run, i, i + 1, (i > 0 ? run.records[i - 1]?.after : undefined) ?? run.initial);
    replayed++;
    const wroteOld = oldFrom >= 0 ? writtenValues(r.suffixLog, oldFrom, oldTo, 'after') : new Map<Map<string, unknown>, Map<string, unknown>>();
    const wroteNew = writtenValues(log, mark, log.length, 'before');
    compareWrites(dirty, wroteOld, wroteNew, w);
    sameSessionNow = oldFrom >= 0 && sameSession(run.records[i]?.after, o.after);
  }
  if (run.afterUp === undefined && run.downAt !== undefined && n >= run.downAt) run.afterUp = forkState(replay.state);
  return replayed;
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
