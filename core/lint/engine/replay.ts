// Walks a document's statements in execution order, keeping what the rules ask about: the schema
// (earlier migrations plus the statements so far), the transaction each statement runs in
// (the migration's, an explicit BEGIN block, the one lint.assume_in_transaction assumes, or
// none), and the session settings (lock_timeout, statement_timeout, search_path; SET LOCAL
// undone when its transaction ends).
// Invariants: the Up and Down sections are separate runs (a Down starts a fresh session on the
// state the Up left); a statement that did not parse changes nothing; transaction ids are
// unique within one replay and only compared within it; the session (settings, SET LOCAL undo,
// search_path, transaction) is replaced, never changed in place, so a snapshot is a handful of
// references; with a MutationLog every change of the schema is recorded (engine/relint.ts
// rewinds and replays with it) and every location the replay creates is listed; `layered`
// replays on a layer over the state before (schema-state/layered-state.ts) instead of a copy.

import type { ExecutionMode } from '../../migrations/execution-plan';
import type { LintDocument, LintSection, LintStatementRef } from '../document';
import type { SchemaEffect } from '../schema-state/effects';
import { applyEffects, type Replayer } from '../schema-state/apply-effects';
import { layerState } from '../schema-state/layered-state';
import { forkState, type SchemaState, type SourceLocation } from '../schema-state/model';
import { loggedState, type MutationLog } from './mutation-log';
import { lineColumnAt, lineStarts } from '../../sql/text-position';
import type { TransactionInfo } from '../rule';

export interface ReplayTx {
  kind: TransactionInfo['kind'];
  id: number;
}

/** The session and transaction before a statement: enough to resume the replay there. */
export interface ReplaySnapshot {
  tx: ReplayTx;
  blockDepth: number;
  nextTx: number;
  settings: ReadonlyMap<string, string>;
  localUndo: ReadonlyMap<string, string | undefined>;
  searchPath: string[];
  section: LintSection | undefined;
  sectionKind: 'up' | 'down' | 'file';
  base: ReplayTx['kind'];
}

export interface ReplayFile {
  /** Absolute path ('' for text without a file). */
  path: string;
  /** Version of the migration, when the document is one. */
  migration?: string;
  label?: string;
}

/** Where a section's statements run unless a BEGIN says otherwise. */
export function sectionBase(section: Pick<LintSection, 'kind' | 'mode' | 'declared'>, isMigration: boolean, assumeInTransaction: boolean): ReplayTx['kind'] {
  if (!isMigration || section.kind === 'file') return assumeInTransaction ? 'assumed' : 'none';
  const mode: ExecutionMode = section.mode;
  if (mode === 'transaction') return 'migration';
  if (mode === 'no-transaction') return section.declared ? 'none' : assumeInTransaction ? 'assumed' : 'none';
  // own-transaction: pglc runs it as written; a tool that wraps migrations would nest the BEGIN
  return assumeInTransaction ? 'assumed' : 'none';
}

export class Replay implements Replayer {
  state: SchemaState;
  searchPath: string[] = ['public'];
  /** Settings for the session (SET); replaced on every change. */
  settings: ReadonlyMap<string, string> = new Map();
  /** Values before SET LOCAL changed them; replaced on every change. */
  private localUndo: ReadonlyMap<string, string | undefined> = new Map();
  tx: ReplayTx = { kind: 'none', id: 0 };
  blockDepth = 0;
  private base: ReplayTx['kind'] = 'none';
  private nextTx = 1;
  section: LintSection | undefined;
  sectionKind: 'up' | 'down' | 'file' = 'file';
  private starts: number[] | undefined;
  /** With a log: the locations `apply` put into the state, and those made for findings, in order. */
  created: SourceLocation[] = [];
  pointers: SourceLocation[] = [];

  constructor(
    before: SchemaState,
    public doc: LintDocument,
    readonly file: ReplayFile,
    readonly assumeInTransaction: boolean,
    readonly log?: MutationLog,
    readonly layered = false,
  ) {
    this.state = log ? loggedState(before, log) : layered ? layerState(before) : forkState(before);
  }

  /** A layered replay goes on on a new layer over its state, which is returned and from now on only read. */
  freezeLayer(): SchemaState {
    const below = this.state;
    this.state = layerState(below);
    return below;
  }

  /** The document changed (engine/relint.ts): its line starts must be found again. */
  setDocument(doc: LintDocument): void {
    this.doc = doc;
    this.starts = undefined;
  }

  private last: ReplaySnapshot | undefined;

  /** The session now (the previous snapshot when nothing changed: in a transaction, statement after statement). */
  snapshot(): ReplaySnapshot {
    const l = this.last;
    if (
      l &&
      l.tx === this.tx &&
      l.blockDepth === this.blockDepth &&
      l.nextTx === this.nextTx &&
      l.settings === this.settings &&
      l.localUndo === this.localUndo &&
      l.searchPath === this.searchPath &&
      l.section === this.section &&
      l.sectionKind === this.sectionKind &&
      l.base === this.base
    ) {
      return l;
    }
    this.last = {
      tx: this.tx,
      blockDepth: this.blockDepth,
      nextTx: this.nextTx,
      settings: this.settings,
      localUndo: this.localUndo,
      searchPath: this.searchPath,
      section: this.section,
      sectionKind: this.sectionKind,
      base: this.base,
    };
    return this.last;
  }

  restore(s: ReplaySnapshot): void {
    this.tx = s.tx;
    this.blockDepth = s.blockDepth;
    this.nextTx = s.nextTx;
    this.settings = s.settings;
    this.localUndo = s.localUndo;
    this.searchPath = s.searchPath;
    this.section = s.section;
    this.sectionKind = s.sectionKind;
    this.base = s.base;
  }

  /** Line starts of the document's text (found once per text). */
  lines(): number[] {
    this.starts ??= lineStarts(this.doc.text);
    return this.starts;
  }

  private newTx(kind: ReplayTx['kind']): ReplayTx {
    return { kind, id: this.nextTx++ };
  }

  /** Starts a section: a fresh session, in the section's transaction. */
  beginSection(section: LintSection): void {
    this.section = section;
    this.sectionKind = !this.doc.migration ? 'file' : section.kind === 'down' ? 'down' : section.kind === 'file' ? 'file' : 'up';
    this.settings = new Map();
    this.localUndo = new Map();
    this.searchPath = ['public'];
    this.blockDepth = 0;
    this.base = sectionBase(section, this.doc.migration !== undefined, this.assumeInTransaction);
    this.tx = this.base === 'none' ? { kind: 'none', id: 0 } : this.newTx(this.base);
  }

  /** Before `s`'s rules: a statement outside any transaction gets its own. */
  enter(_s: LintStatementRef): void {
    if (this.tx.kind === 'none') this.tx = { kind: 'none', id: this.nextTx++ };
  }

  /** After `s`'s rules (which see the transaction as it was before a BEGIN), before its effects. */
  opened(s: LintStatementRef): void {
    if (s.transactionControl !== 'open') return;
    this.blockDepth++;
    // BEGIN inside a transaction only warns; the statements stay in that transaction
    if (this.tx.kind === 'none') this.tx = this.newTx('block');
  }

  /** After `s` ran: a COMMIT / ROLLBACK ends the transaction (and its SET LOCALs). */
  leave(s: LintStatementRef): void {
    if (s.transactionControl === 'close') {
      this.blockDepth = Math.max(0, this.blockDepth - 1);
      this.endTransaction();
      this.tx = { kind: 'none', id: 0 };
    } else if (this.tx.kind === 'none') {
      this.endTransaction();
    }
  }

  private endTransaction(): void {
    if (this.localUndo.size === 0) return;
    const settings = new Map(this.settings);
    for (const [name, old] of this.localUndo) {
      if (old === undefined) settings.delete(name);
      else settings.set(name, old);
    }
    this.settings = settings;
    this.localUndo = new Map();
    this.searchPath = searchPathOf(settings.get('search_path'));
  }

  /** A location in the file (not listed: for findings that are made again on every run). */
  pointAt(offset: number): SourceLocation {
    return this.makeLocation(0, offset, offset);
  }

  /** A location in the file for a statement finding's related information (listed in `pointers` when logging). */
  pointer(offset: number): SourceLocation {
    const loc = this.makeLocation(0, offset, offset);
    if (this.log) this.pointers.push(loc);
    return loc;
  }

  /** A statement-relative range of the statement at `base` as a location in the file. */
  location(base: number, start: number, end: number): SourceLocation {
    const loc = this.makeLocation(base, start, end);
    if (this.log) this.created.push(loc);
    return loc;
  }

  private makeLocation(base: number, start: number, end: number): SourceLocation {
    const starts = this.lines();
    const a = lineColumnAt(this.doc.text, base + start, starts);
    const b = lineColumnAt(this.doc.text, base + end, starts);
    const loc: SourceLocation = {
      path: this.file.path,
      start: base + start,
      end: base + end,
      line: a.line - 1,
      character: a.column - 1,
      endLine: b.line - 1,
      endCharacter: b.column - 1,
      tx: this.tx.id,
      section: this.sectionKind,
    };
    if (this.file.migration !== undefined) loc.migration = this.file.migration;
    if (this.file.label !== undefined) loc.label = this.file.label;
    return loc;
  }

  /** Applies a statement's effects (schema and session). */
  apply(effects: readonly SchemaEffect[], base: number): void {
    for (const e of effects) {
      if (e.op !== 'session') continue;
      this.setting(e.name, e.value, e.local);
    }
    applyEffects(this, effects, { base, loc: (r) => this.location(base, r.start, r.end) });
  }

  private setting(name: string, value: string | undefined, local: boolean): void {
    if (name === '*') {
      this.settings = new Map();
      this.searchPath = ['public'];
      return;
    }
    if (local) {
      // SET LOCAL outside a transaction block does nothing (PostgreSQL warns)
      if (this.tx.kind === 'none') return;
      if (!this.localUndo.has(name)) this.localUndo = new Map(this.localUndo).set(name, this.settings.get(name));
    } else if (this.localUndo.has(name)) {
      // a plain SET inside the transaction also survives it
      const undo = new Map(this.localUndo);
      undo.delete(name);
      this.localUndo = undo;
    }
    const settings = new Map(this.settings);
    if (value === undefined) settings.delete(name);
    else settings.set(name, value);
    this.settings = settings;
    if (name === 'search_path') this.searchPath = searchPathOf(value);
  }
}

/** `"$user", public` → ['public'] (a `$user` schema is rarely created by migrations). */
export function searchPathOf(value: string | undefined): string[] {
  if (!value) return ['public'];
  const list = value
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1'))
    .filter((s) => s && s !== '$user');
  return list.length ? list : ['public'];
}
