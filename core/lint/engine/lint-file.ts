// Lints one file: replays its statements in execution order on the schema the earlier
// migrations left (engine/replay.ts), runs each statement's rules — or reuses their findings
// when the rules would get the same answers (rule-memo.ts) — then the document rules (Up
// without Down, …), and finally applies the settings' levels and the inline directives.
// Invariants: the result depends only on the inputs (text, schema before, settings, facts);
// the editor and `pglc db lint` call this same function; a rule that throws loses its findings
// for that statement, never the others' (unless `strict`, for tests).

import type { LintDocument, LintSection, LintStatementRef } from '../document';
import type { LintFinding, ResolvedEdit, ResolvedFix } from '../finding';
import type { AppliedRecord, Companion, DocumentRule, DocumentStatement, FixAnchor, RelatedRef, RuleContext, RuleFinding, RuleLevel, Severity, StatementRule, TableSize } from '../rule';
import { ALL_RULES, DOCUMENT_RULES, RULE_NAMES, ruleByName, rulesForKind } from '../rules/index';
import type { ObjectMapName, SchemaState, SourceLocation } from '../schema-state/model';
import { forkState } from '../schema-state/model';
import { changedKeysSince } from '../schema-state/layered-state';
import type { LintSettings } from '../settings';
import { liveAnswers } from './answers';
import type { MutationLog, ReadSet } from './mutation-log';
import { findDirectives, isSilenced, unusedDirectives } from './directives';
import { Replay, type ReplaySnapshot } from './replay';
import { recordingContext, stillValid, type Answers } from './rule-memo';
import { analyzeStatement, MEMO_RUNS, treeOf, type MemoRun, type StatementAnalysis } from './statement-analysis';

export interface LintFileOptions {
  /** Absolute path of the file ('' when it has none). */
  path: string;
  /** The migration's version and label (`0003_add_posts`), when the file is one. */
  migration?: { version: string; label: string };
  settings: LintSettings;
  /** The schema before this file: the Up sections of every earlier migration (createSchemaState() for none). */
  before: SchemaState;
  /** For a split layout's Down file: the state before the migration's Up (its `before` is after the Up). */
  beforeMigration?: SchemaState;
  /** Table sizes from the connected environment, by `schema.name`. */
  sizes?: ReadonlyMap<string, TableSize>;
  /** Versions the connected environment has not applied yet. */
  pendingVersions?: ReadonlySet<string>;
  applied?: AppliedRecord;
  companion?: Companion;
  /** Findings from outside the engine (plpgsql_check), with absolute offsets: they go through the directives too. */
  external?: LintFinding[];
  /** Rethrow a rule's exception (tests). */
  strict?: boolean;
}

export interface LintFileResult {
  /** Sorted by position. */
  findings: LintFinding[];
  /** The schema after the Up section (the next migration's `before`). */
  afterUp: SchemaState;
}

/** The level of `rule` under `settings` (its default unless pglc.toml says otherwise). */
export function levelOf(settings: LintSettings, rule: string): RuleLevel {
  return settings.levels[rule] ?? ruleByName(rule)?.defaultLevel ?? 'warning';
}

const LOWER: Record<Severity, Severity> = { error: 'warning', warning: 'info', info: 'info' };

/** `text`'s lines with `indent` before each, ending with `nl` (a one-line text, as most are, without splitting). */
function indented(text: string, indent: string, nl: string): string {
  if (!text.includes('\n')) return indent + text + nl;
  return text.split('\n').map((l) => indent + l).join(nl) + nl;
}

/** Start of the line holding `offset`, and that line's indentation. */
function lineOf(text: string, offset: number): { start: number; indent: string } {
  let start = offset;
  while (start > 0 && text.charCodeAt(start - 1) !== 10 && text.charCodeAt(start - 1) !== 13) start--;
  const indent = /^[ \t]*/.exec(text.slice(start, offset))?.[0] ?? '';
  return { start, indent };
}

const eols = new WeakMap<LintDocument, string>();

/** The document's line ending, found once per document: a 5,000-line file has a thousand fixes. */
function eol(doc: LintDocument): string {
  let e = eols.get(doc);
  if (e === undefined) {
    e = doc.text.includes('\r\n') ? '\r\n' : '\n';
    eols.set(doc, e);
  }
  return e;
}

export interface Place {
  doc: LintDocument;
  statement?: LintStatementRef;
  section?: LintSection;
}

function resolveEdit(place: Place, anchor: FixAnchor, text: string): ResolvedEdit {
  const t = place.doc.text;
  const nl = eol(place.doc);
  const base = place.statement?.start ?? 0;
  switch (anchor.at) {
    case 'statement':
      return { start: base + anchor.start, end: base + anchor.end, text };
    case 'document':
      return { start: anchor.start, end: anchor.end, text };
    case 'new-file':
      return { createFile: anchor.path, text };
    case 'line-above': {
      const line = lineOf(t, base);
      return { start: line.start, end: line.start, text: indented(text, line.indent, nl) };
    }
    case 'section-top': {
      const first = place.section?.statements[0];
      const at = first !== undefined ? (place.doc.statements[first]?.start ?? base) : base;
      const line = lineOf(t, at);
      return { start: line.start, end: line.start, text: indented(text, line.indent, nl) };
    }
    case 'marker-end': {
      const m = place.section?.marker;
      return m ? { start: m.end, end: m.end, text } : { start: base, end: base, text: '' };
    }
    case 'file-top': {
      const bom = t.startsWith('\uFEFF') ? 1 : 0;
      return { start: bom, end: bom, text: text + nl };
    }
  }
}

function resolveRef(state: SchemaState, ref: RelatedRef, statementLoc: (offset: number) => SourceLocation): SourceLocation | undefined {
  switch (ref.kind) {
    case 'table':
      return state.tables.get(ref.table)?.createdAt;
    case 'column':
      return state.tables.get(ref.table)?.columns.find((c) => c.name === ref.column)?.createdAt;
    case 'constraint':
      return state.tables.get(ref.table)?.constraints.find((c) => c.name === ref.constraint)?.createdAt;
    case 'index':
      return state.indexes.get(ref.index)?.createdAt;
    case 'type':
      return state.types.get(ref.type)?.createdAt;
    case 'enum-value':
      return state.types.get(ref.type)?.values?.find((v) => v.value === ref.value)?.addedAt;
    case 'statement':
      return statementLoc(ref.offset);
  }
}

/**
 * A finding whose `fixes` are resolved when first read: a 5,000-line migration has a thousand
 * findings, each with two or three fixes, and after a keystroke the editor needs none of them —
 * code actions read the few under the cursor. The property is enumerable, so JSON and spreads
 * see the resolved array like any other.
 */
function withLazyFixes(f: Omit<LintFinding, 'fixes'>, resolve: () => ResolvedFix[]): LintFinding {
  let fixes: ResolvedFix[] | undefined;
  return Object.defineProperty(f as LintFinding, 'fixes', {
    enumerable: true,
    configurable: true,
    get: () => (fixes ??= resolve()),
    set: (v: ResolvedFix[]) => void (fixes = v),
  });
}

/** The fixes every finding offers: silence the rule here, or for a destructive rule, allow it. */
function genericFixes(rule: string, place: Place): ResolvedFix[] {
  const meta = ruleByName(rule);
  if (!place.statement || !meta) return [];
  const out: ResolvedFix[] = [];
  if (meta.destructive) out.push({ title: `Allow this destructive change (-- pglc:allow ${rule})`, edits: [resolveEdit(place, { at: 'line-above' }, `-- pglc:allow ${rule}`)], generic: true });
  out.push({ title: `Disable ${rule} for this statement`, edits: [resolveEdit(place, { at: 'line-above' }, `-- pglc:disable-next-statement ${rule}`)], generic: true });
  return out;
}

/** A statement rule's finding before levels and directives: where it is, and what it relates to. */
export interface RawFinding {
  rule: string;
  finding: RuleFinding;
  place: Place;
  related: { message: string; location: SourceLocation }[];
}

/** What the replay of one statement left: its findings, what document rules read, and where the replay was after it. */
export interface StatementRecord {
  ds: DocumentStatement;
  raw: readonly RawFinding[];
  parseError: boolean;
  /** The session after the statement (only when the run keeps a MutationLog). */
  after?: ReplaySnapshot;
  /** Its text's analysis, when it parsed (a later run of the same text takes it from here). */
  analysis?: StatementAnalysis;
  /** What its replay read of the schema (with a MutationLog): relint.ts replays it again only if one of these changed. */
  reads?: ReadSet;
  /** Lengths of the run's log, created and pointers lists after the statement. */
  log: number;
  created: number;
  pointers: number;
}

/**
 * One lint of one document, kept so the next version of the document can be linted from it
 * (engine/relint.ts). `lintFile` makes one and throws it away.
 */
export interface LintRun {
  doc: LintDocument;
  options: LintFileOptions;
  replay: Replay;
  /** By statement index. */
  records: StatementRecord[];
  /** The schema when the first Down section began (a fork), and the statement index where that is. */
  afterUp?: SchemaState;
  downAt?: number;
  /** The session before the first statement, and after the last. */
  initial: ReplaySnapshot;
  final?: ReplaySnapshot;
  log?: MutationLog;
  answers: Answers;
  /** Statements from `from` on have the text of old[i + shift] (relint.ts): their text and analysis are taken from there. */
  same?: { from: number; shift: number; old: readonly StatementRecord[] };
  /** Replayed on layers over `options.before` (lintFileLayered), not on a copy. */
  layered?: true;
  /**
   * Nothing of this run serves a later one (pglc db lint): its analyses are not cached and its
   * rules run without recording what they asked (rule-memo.ts) — the same findings, without
   * the allocations (recording was an eighth of a project lint's).
   */
  once?: true;
  /** The rule context of a run without memo (runRules). */
  plainContext?: RuleContext;
}

const NO_RAW: readonly RawFinding[] = [];

/** Statement index where the first Down section begins (its first statement, or where one would be), if there is one. */
export function downStart(doc: LintDocument): number | undefined {
  let at = 0;
  for (const section of doc.sections) {
    if (section.kind === 'down') return section.statements[0] ?? at;
    const last = section.statements[section.statements.length - 1];
    if (last !== undefined) at = last + 1;
  }
  return undefined;
}

/**
 * A run over `doc` that has replayed nothing yet; `log`: keep what relint.ts needs to lint the
 * next version from it; `layered`: replay on layers over options.before (lintFileLayered).
 */
export function startRun(doc: LintDocument, options: LintFileOptions, log?: MutationLog, layered = false): LintRun {
  const { settings } = options;
  const file = { path: options.path, ...(options.migration ? { migration: options.migration.version, label: options.migration.label } : {}) };
  const replay = new Replay(options.before, doc, file, settings.assumeInTransaction, log, layered);
  const env = { settings, ...(options.sizes ? { sizes: options.sizes } : {}), ...(options.pendingVersions ? { pendingVersions: options.pendingVersions } : {}) };
  const downAt = downStart(doc);
  // answers read the replay as it is when asked: one set serves every statement
  const run: LintRun = { doc, options, replay, records: [], initial: replay.snapshot(), answers: liveAnswers(replay, env) };
  if (downAt !== undefined) run.downAt = downAt;
  if (log) run.log = log;
  if (layered) run.layered = true;
  return run;
}

/**
 * Replays statements [from, to) of run.doc, writing run.records[i]. Before `from` the replay must
 * stand where statement from-1 left it (its state, and the session `resume`), or at the start.
 */
export function replayRange(run: LintRun, from: number, to: number, resume?: ReplaySnapshot): void {
  const { doc, replay } = run;
  const fork = (i: number): void => {
    if (run.afterUp === undefined && run.downAt !== undefined && i >= run.downAt) run.afterUp = run.layered ? replay.freezeLayer() : forkState(replay.state);
  };
  // the transaction counter goes on from there even when a new section starts
  if (resume) replay.restore(resume);
  for (const section of doc.sections) {
    const ids = section.statements;
    const first = ids[0];
    const last = ids[ids.length - 1];
    if (first === undefined || last === undefined || last < from || first >= to) continue;
    if (section.kind === 'preamble') {
      for (const i of ids) {
        if (i < from || i >= to) continue;
        const ref = doc.statements[i] as LintStatementRef;
        const ds: DocumentStatement = { ref, index: i, text: doc.text.slice(ref.start, ref.end), effects: [], section: 'preamble', tx: 'none', txId: 0 };
        if (ref.kind) ds.kind = ref.kind;
        record(run, i, ds, NO_RAW, false);
      }
      continue;
    }
    // in the middle of a section the session goes on; a section starts a fresh one
    if (!(first < from && resume)) replay.beginSection(section);
    for (const i of ids) {
      if (i < from) continue;
      if (i >= to) break;
      fork(i);
      replayStatement(run, section, i);
    }
  }
  if (to >= doc.statements.length) fork(doc.statements.length);
}

function record(run: LintRun, i: number, ds: DocumentStatement, raw: readonly RawFinding[], parseError: boolean, analysis?: StatementAnalysis): void {
  const { replay, log } = run;
  const r: StatementRecord = { ds, raw, parseError, log: log?.length ?? 0, created: replay.created.length, pointers: replay.pointers.length };
  if (log) {
    r.after = replay.snapshot();
    if (log.reads) r.reads = log.reads;
    log.reads = undefined;
  }
  if (analysis) r.analysis = analysis;
  run.records[i] = r;
}

function replayStatement(run: LintRun, section: LintSection, i: number): void {
  const { doc, replay, answers, options } = run;
  if (run.log) run.log.reads = { maps: [], keys: [] };
  const ref = doc.statements[i] as LintStatementRef;
  // the same text as a statement of the previous run: its string (whose hash V8 has computed) and analysis
  const same = run.same && i >= run.same.from ? run.same.old[i + run.same.shift] : undefined;
  const text = same ? same.ds.text : doc.text.slice(ref.start, ref.end);
  const sectionName = replay.sectionKind;
  if (ref.meta || ref.kind === undefined) {
    record(run, i, { ref, index: i, text, effects: [], section: sectionName, tx: replay.tx.kind, txId: replay.tx.id }, NO_RAW, !ref.meta);
    return;
  }
  replay.enter(ref);
  const analysis = same?.analysis ?? analyzeStatement(text, !run.once);
  if (!analysis.ok || !analysis.kind) {
    const ds: DocumentStatement = { ref, index: i, text, effects: [], section: sectionName, tx: replay.tx.kind, txId: replay.tx.id };
    replay.leave(ref);
    record(run, i, ds, NO_RAW, true);
    return;
  }
  let raw: RawFinding[] | readonly RawFinding[] = NO_RAW;
  const rules = rulesForKind(analysis.kind);
  if (rules.length) {
    let memo: MemoRun | undefined;
    for (let k = 0; !run.once && k < analysis.runs.length; k++) {
      const candidate = analysis.runs[k] as MemoRun;
      if (stillValid(candidate.deps, answers)) {
        memo = candidate;
        if (k > 0) analysis.runs.splice(k, 1), analysis.runs.unshift(candidate);
        break;
      }
    }
    if (!memo) memo = runRules(run, rules, text, analysis, options.strict === true, !run.once);
    if (memo.findings.length) {
      const place: Place = { doc, statement: ref, section };
      const out: RawFinding[] = [];
      for (const { rule, finding } of memo.findings) {
        const related: RawFinding['related'] = [];
        for (const r of finding.related ?? []) {
          const location = resolveRef(replay.state, r.ref, (offset) => replay.pointer(offset));
          if (location) related.push({ message: r.message, location });
        }
        out.push({ rule, finding, place, related });
      }
      raw = out;
    }
  }
  replay.opened(ref);
  const ds: DocumentStatement = { ref, index: i, text, kind: analysis.kind, effects: analysis.effects, section: sectionName, tx: replay.tx.kind, txId: replay.tx.id };
  replay.apply(analysis.effects, ref.start);
  replay.leave(ref);
  record(run, i, ds, raw, false, analysis);
}

/** The statement holding `offset` (binary search: statements are sorted and do not overlap). */
function statementHolding(doc: LintDocument, offset: number): LintStatementRef | undefined {
  const list = doc.statements;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = list[mid] as LintStatementRef;
    if (offset < s.start) hi = mid - 1;
    else if (offset > s.end) lo = mid + 1;
    else {
      // the first one holding it (a statement may end where the next starts)
      let k = mid;
      while (k > 0 && (list[k - 1] as LintStatementRef).end >= offset && (list[k - 1] as LintStatementRef).start <= offset) k--;
      return list[k];
    }
  }
  return undefined;
}

/**
 * The findings of a run whose statements have all been replayed: the statement rules' findings,
 * then the document rules', at the settings' levels, filtered by the inline directives.
 */
export function finishRun(run: LintRun): LintFileResult {
  const { doc, options, replay, records } = run;
  const { settings } = options;
  const file = replay.file;
  const docStatements: DocumentStatement[] = new Array(records.length);
  let parseErrors = false;
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as StatementRecord;
    docStatements[i] = r.ds;
    if (r.parseError) parseErrors = true;
  }
  const hadDown = run.afterUp !== undefined;
  const afterUp = run.afterUp ?? replay.state;
  const before = options.beforeMigration ?? options.before;

  const findings: LintFinding[] = [];
  const emit = (rule: string, f: RuleFinding, place: Place, related: LintFinding['related']): void => {
    const level = levelOf(settings, rule);
    if (level === 'off') return;
    const meta = ruleByName(rule);
    // destructive rules guard Up sections; a Down exists to undo them
    if (meta?.destructive && place.section?.kind === 'down') return;
    const base = place.statement?.start ?? 0;
    let start = base + f.range.start;
    let end = base + f.range.end;
    if (place.statement) {
      start = Math.max(place.statement.start, Math.min(start, place.statement.end));
      end = Math.max(start, Math.min(end, place.statement.end));
    } else {
      start = Math.max(0, Math.min(start, doc.text.length));
      end = Math.max(start, Math.min(end, doc.text.length));
    }
    // related locations are copied: a later run of the same document moves its own in place (relint.ts)
    const copies = related.length ? related.map((r) => ({ message: r.message, location: { ...r.location } })) : related;
    const fields = { rule, severity: f.impact === 'low' ? LOWER[level] : level, message: f.message, start, end, related: copies };
    const resolve = (): ResolvedFix[] => [
      ...(f.fixes ?? []).map((fix): ResolvedFix => ({ title: fix.title, ...(fix.preferred ? { preferred: true } : {}), edits: fix.edits.map((e) => resolveEdit(place, e.anchor, e.text)) })),
      ...genericFixes(rule, place),
    ];
    // a one-off run's findings are all read, fixes included (pglc db lint's output)
    const out: LintFinding = run.once ? { ...fields, fixes: resolve() } : withLazyFixes(fields, resolve);
    if (f.impact) out.impact = f.impact;
    findings.push(out);
  };
  for (const r of records) for (const x of r.raw) emit(x.rule, x.finding, x.place, x.related);

  const input = {
    doc,
    file,
    statements: docStatements,
    parseErrors,
    before,
    afterUp,
    ...(hadDown ? { afterDown: replay.state } : {}),
    ...(hadDown && run.layered ? { changed: (map: ObjectMapName) => changedKeysSince(replay.state, before, map) } : {}),
    settings,
    ...(options.sizes ? { sizes: options.sizes } : {}),
    ...(options.applied ? { applied: options.applied } : {}),
    ...(options.companion ? { companion: options.companion } : {}),
  };
  for (const rule of DOCUMENT_RULES) {
    if (levelOf(settings, rule.name) === 'off') continue;
    let out: RuleFinding[] = [];
    try {
      out = (rule as DocumentRule).check(input);
    } catch (e) {
      if (options.strict) throw e;
    }
    for (const f of out) {
      const statement = statementHolding(doc, f.range.start);
      const place: Place = statement ? { doc, statement, ...(doc.sections[statement.section] ? { section: doc.sections[statement.section] as LintSection } : {}) } : { doc };
      // document rules give absolute ranges: express them from the statement's start
      const rel: RuleFinding = statement ? { ...f, range: { start: f.range.start - statement.start, end: f.range.end - statement.start } } : f;
      const related = (f.related ?? []).flatMap((r) => {
        const location = resolveRef(afterUp, r.ref, (offset) => replay.pointAt(offset));
        return location ? [{ message: r.message, location }] : [];
      });
      if (statement) emit(rule.name, rel, place, related);
      else emit(rule.name, f, place, related);
    }
  }
  for (const f of options.external ?? []) findings.push(f);

  // inline directives, then what they got wrong
  const { directives, problems } = findDirectives(doc, RULE_NAMES);
  const kept = findings.filter((f) => !isSilenced(directives, f.rule, f.start));
  const extra: LintFinding[] = [];
  const directiveFinding = (rule: string, start: number, end: number, message: string): void => {
    const level = levelOf(settings, rule);
    if (level === 'off' || isSilenced(directives, rule, start)) return;
    const fixes: ResolvedFix[] = rule === 'unused-directive' ? [{ title: 'Remove the unused directive', preferred: true, edits: [removal(doc.text, start, end)] }] : [];
    extra.push({ rule, severity: level, message, start, end, related: [], fixes });
  };
  for (const p of problems) directiveFinding('invalid-directive', p.start, p.end, p.message);
  for (const u of unusedDirectives(directives)) directiveFinding('unused-directive', u.start, u.end, u.message);
  const all = [...kept, ...extra].sort((a, b) => a.start - b.start || a.end - b.end || (a.rule < b.rule ? -1 : 1));
  return { findings: all, afterUp };
}

/**
 * Lints one document. Requires loadSqlParser() to have resolved.
 * @example const { findings } = lintFile(buildLintDocument(text, info), { path, settings: lintSettings(undefined), before: createSchemaState() });
 */
export function lintFile(doc: LintDocument, options: LintFileOptions): LintFileResult {
  const run = startRun(doc, options);
  replayRange(run, 0, doc.statements.length);
  return finishRun(run);
}

/**
 * Lints one document on a layer over `options.before` (and its Down on a layer over that), which
 * it leaves unchanged: the result's `afterUp` is the Up's layer, which commitLayer() writes into
 * `options.before` — how `pglc db lint` goes through a project without copying its schema for
 * every migration. Same findings as lintFile. Requires loadSqlParser() to have resolved.
 * @example const up = lintFileLayered(doc, { path, settings, before: state }); commitLayer(up.afterUp)
 */
export function lintFileLayered(doc: LintDocument, options: LintFileOptions): LintFileResult {
  const run = startRun(doc, options, undefined, true);
  run.once = true;
  replayRange(run, 0, doc.statements.length);
  return finishRun(run);
}

/** The edit that removes a directive (its whole line when alone on it), or one rule name and its comma. */
function removal(text: string, start: number, end: number): ResolvedEdit {
  if (text.startsWith('--', start)) {
    const line = lineOf(text, start);
    const alone = text.slice(line.start, start).trim() === '';
    let e = end;
    if (alone) {
      if (text[e] === '\r') e++;
      if (text[e] === '\n') e++;
      return { start: line.start, end: e, text: '' };
    }
    let s = start;
    while (s > 0 && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
    return { start: s, end, text: '' };
  }
  // a rule name in a list: take the separator before it (or after it, for the first)
  const before = /[\s,]*$/.exec(text.slice(Math.max(0, start - 8), start))?.[0] ?? '';
  if (before.includes(',')) return { start: start - before.length, end, text: '' };
  const after = /^[\s,]*/.exec(text.slice(end, end + 8))?.[0] ?? '';
  return { start, end: end + (after.includes(',') ? after.length : 0), text: '' };
}

/** Where the plain contexts report to (runRules runs one statement at a time). */
let reportTo: (finding: RuleFinding) => void = () => undefined;

/** A context that answers from the run's answers without recording: one per run, reporting to `report`. */
function plainContext(run: LintRun, report: (finding: RuleFinding) => void): RuleContext {
  reportTo = report;
  return (run.plainContext ??= { ...run.answers, report: (f) => reportTo(f) });
}

/** Runs `rules` on the statement; `memo`: record what they asked, and keep the result with its analysis. */
function runRules(run: LintRun, rules: readonly StatementRule[], text: string, analysis: ReturnType<typeof analyzeStatement>, strict: boolean, memo: boolean): MemoRun {
  const { answers } = run;
  const findings: MemoRun['findings'] = [];
  const tree = treeOf(text);
  let current = '';
  const report = (finding: RuleFinding): void => void findings.push({ rule: current, finding });
  let context: RuleContext;
  let deps: MemoRun['deps'] = [];
  if (memo) ({ context, deps } = recordingContext(answers, report));
  else context = plainContext(run, report);
  if (tree) {
    const statement = { kind: tree.kind, node: tree.node, src: tree.src, effects: analysis.effects };
    for (const rule of rules) {
      current = rule.name;
      try {
        rule.check(statement, context);
      } catch (e) {
        if (strict) throw e;
      }
    }
  }
  const result: MemoRun = { deps, findings };
  if (!memo) return result;
  analysis.runs.unshift(result);
  if (analysis.runs.length > MEMO_RUNS) analysis.runs.length = MEMO_RUNS;
  return result;
}

export { ALL_RULES };
