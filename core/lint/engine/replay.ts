// Walks a document's statements in execution order, keeping what the rules ask about: the schema
// (earlier migrations plus the statements so far), the transaction each statement runs in
// (the migration's, an explicit BEGIN block, the one lint.assume_in_transaction assumes, or
// none), and the session settings (lock_timeout, statement_timeout, search_path; SET LOCAL
// undone when its transaction ends).
// Invariants: the Up and Down sections are separate runs (a Down starts a fresh session on the
// state the Up left); a statement that did not parse changes nothing; transaction ids are
// unique within one replay and only compared within it.

import type { ExecutionMode } from '../../migrations/execution-plan';
import type { LintDocument, LintSection, LintStatementRef } from '../document';
import type { SchemaEffect } from '../schema-state/effects';
import { applyEffects, type Replayer } from '../schema-state/apply-effects';
import { forkState, type SchemaState, type SourceLocation } from '../schema-state/model';
import { lineColumnAt, lineStarts } from '../../sql/text-position';
import type { TransactionInfo } from '../rule';

export interface ReplayTx {
  kind: TransactionInfo['kind'];
  id: number;
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
  /** Settings for the session (SET) and their values before SET LOCAL changed them. */
  readonly settings = new Map<string, string>();
  private localUndo = new Map<string, string | undefined>();
  tx: ReplayTx = { kind: 'none', id: 0 };
  blockDepth = 0;
  private base: ReplayTx['kind'] = 'none';
  private nextTx = 1;
  section: LintSection | undefined;
  sectionKind: 'up' | 'down' | 'file' = 'file';
  private starts: number[] | undefined;

  constructor(
    before: SchemaState,
    readonly doc: LintDocument,
    readonly file: ReplayFile,
    readonly assumeInTransaction: boolean,
  ) {
    this.state = forkState(before);
  }

  private newTx(kind: ReplayTx['kind']): ReplayTx {
    return { kind, id: this.nextTx++ };
  }

  /** Starts a section: a fresh session, in the section's transaction. */
  beginSection(section: LintSection): void {
    this.section = section;
    this.sectionKind = !this.doc.migration ? 'file' : section.kind === 'down' ? 'down' : section.kind === 'file' ? 'file' : 'up';
    this.settings.clear();
    this.localUndo.clear();
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
    for (const [name, old] of this.localUndo) {
      if (old === undefined) this.settings.delete(name);
      else this.settings.set(name, old);
    }
    this.localUndo.clear();
    this.searchPath = searchPathOf(this.settings.get('search_path'));
  }

  /** A statement-relative range of the statement at `base` as a location in the file. */
  location(base: number, start: number, end: number): SourceLocation {
    this.starts ??= lineStarts(this.doc.text);
    const a = lineColumnAt(this.doc.text, base + start, this.starts);
    const b = lineColumnAt(this.doc.text, base + end, this.starts);
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
      this.settings.clear();
      this.searchPath = ['public'];
      return;
    }
    if (local) {
      // SET LOCAL outside a transaction block does nothing (PostgreSQL warns)
      if (this.tx.kind === 'none') return;
      if (!this.localUndo.has(name)) this.localUndo.set(name, this.settings.get(name));
    } else if (this.localUndo.has(name)) {
      // a plain SET inside the transaction also survives it
      this.localUndo.delete(name);
    }
    if (value === undefined) this.settings.delete(name);
    else this.settings.set(name, value);
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
