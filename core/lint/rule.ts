// The contract between the lint engine and one rule. A statement rule looks at one parse tree
// and asks the engine what it needs to know about the world (`RuleContext`: the table as the
// earlier migrations left it, the transaction, the session's lock_timeout, the server version);
// a document rule looks at a whole migration file (Up without Down, a Down that does not undo
// its Up). Rules report findings with statement-relative ranges and optional fixes.
// Invariants: a statement rule reads nothing but its statement and the RuleContext — the engine
// records every question and its answer to reuse the rule's findings while the answers stay the
// same (engine/rule-memo.ts), so a rule that looked elsewhere would go stale; rules never parse
// and never do I/O.

import type { MigrationFormat } from '../../protocol/index';
import type { StatementSource, TextRange } from './ast/statement-source';
import type { ColumnType } from './ast/type-name';
import type { LintDocument, LintStatementRef } from './document';
import type { SchemaEffect } from './schema-state/effects';
import type { ObjectMapName, QName, SchemaState, Volatility } from './schema-state/model';
import type { LintSettings } from './settings';

export type Severity = 'error' | 'warning' | 'info';
export type RuleLevel = Severity | 'off';

export type RuleCategory = 'locking' | 'destructive' | 'types' | 'transactions' | 'idempotency' | 'migration-file' | 'functions' | 'directives';

export interface RuleMeta {
  /** kebab-case, stable: it is the diagnostic code, the directive name and the docs page. */
  name: string;
  /** One line, for the rule list and hovers. */
  summary: string;
  category: RuleCategory;
  defaultLevel: RuleLevel;
  /** Fires only in Up sections; `-- pglc:allow <name>` records that the loss is intended. */
  destructive?: boolean;
}

/** A place a fix edits. `statement`: offsets relative to the statement's text. */
export type FixAnchor =
  | { at: 'statement'; start: number; end: number }
  /** A new line above the statement's first line (the text is indented like that line). */
  | { at: 'line-above' }
  /** A new line at the top of the file (after a BOM). */
  | { at: 'file-top' }
  /** A new line above the first statement of the statement's section. */
  | { at: 'section-top' }
  /** The end of the line of the statement's section marker (`-- migrate:up` + ` transaction:false`). */
  | { at: 'marker-end' }
  /** Absolute offsets in the document (document rules only). */
  | { at: 'document'; start: number; end: number }
  /** A new file next to the document (split layouts' down.sql), by absolute path. */
  | { at: 'new-file'; path: string };

export interface FixEdit {
  anchor: FixAnchor;
  text: string;
}

export interface RuleFix {
  title: string;
  edits: FixEdit[];
  /** The one a user most likely wants (VS Code's "preferred" quick fix). */
  preferred?: boolean;
}

/** Something a finding points at for "see also", resolved to where it was created. */
export type RelatedRef =
  | { kind: 'table'; table: string }
  | { kind: 'column'; table: string; column: string }
  | { kind: 'constraint'; table: string; constraint: string }
  | { kind: 'index'; index: string }
  | { kind: 'type'; type: string }
  | { kind: 'enum-value'; type: string; value: string }
  | { kind: 'statement'; offset: number };

export interface RuleFinding {
  /** Statement-relative for statement rules, absolute for document rules. */
  range: TextRange;
  message: string;
  fixes?: RuleFix[];
  related?: { message: string; ref: RelatedRef }[];
  /** 'low': the table is small, so the finding is worth one level less. */
  impact?: 'low' | 'high';
}

export interface TableSize {
  rows: number;
  bytes: number;
}

/** What the engine knows about a table (or view) before the statement runs. */
export interface RelationInfo {
  /** `schema.name`, the state's key. */
  key: string;
  schema: string;
  name: string;
  kind: 'table' | 'partitioned' | 'view' | 'matview' | 'foreign';
  /**
   * `this-migration`: created earlier in this migration (it is empty: no lock waits, no rows to
   * check); `earlier`: by an earlier migration; `pending`: by an earlier migration the connected
   * environment has not applied yet (so it will be empty too).
   */
  created: 'this-migration' | 'earlier' | 'pending';
  /** Label of the migration that created it (`0003_add_orders`). */
  createdBy?: string;
  partition: boolean;
  /** From the connected environment. */
  size?: TableSize;
}

export interface ColumnInfo {
  name: string;
  type?: ColumnType;
  notNull: boolean;
  hasDefault: boolean;
  generated?: 'stored' | 'virtual';
  identity?: 'always' | 'by-default';
}

export interface ConstraintInfo {
  name: string;
  kind: 'primary' | 'unique' | 'foreign' | 'check' | 'exclusion';
  valid: boolean;
  /** Added (or last changed) earlier in the transaction this statement runs in. */
  sameTransaction: boolean;
  columns: string[];
}

export interface IndexInfo {
  key: string;
  name: string;
  table: RelationInfo | undefined;
  unique: boolean;
  columns: string[];
  /** The constraint it backs. */
  constraint?: string;
  created: 'this-migration' | 'earlier' | 'pending';
}

/**
 * The transaction a statement runs in. `migration`: the migration tool's transaction around the
 * section; `block`: an explicit BEGIN … COMMIT in the file; `assumed`: lint.assume_in_transaction
 * says the tool wraps it although pglc would run it outside one; `none`: autocommit.
 */
export interface TransactionInfo {
  kind: 'migration' | 'block' | 'assumed' | 'none';
  /** The file declares `-- pglc:no-transaction` (or dbmate's `transaction:false`). */
  declaredNoTransaction: boolean;
  /** lint.assume_in_transaction. */
  assumeInTransaction: boolean;
  /** A BEGIN … has been seen without its COMMIT (depth of explicit blocks). */
  blockDepth: number;
}

export interface SessionInfo {
  lockTimeout?: string;
  statementTimeout?: string;
}

/** What a statement rule may ask. Every answer is recorded (see the invariant above). */
export interface RuleContext {
  report(finding: RuleFinding): void;
  relation(name: QName): RelationInfo | undefined;
  column(table: QName, column: string): ColumnInfo | undefined;
  constraint(table: QName, name: string): ConstraintInfo | undefined;
  /** A CHECK (col IS NOT NULL) that is VALID (PostgreSQL ≥ 12 then skips SET NOT NULL's scan). */
  hasValidNotNullCheck(table: QName, column: string): boolean;
  index(name: QName): IndexInfo | undefined;
  /** Volatility of a function a default calls: built-ins and functions the migrations created. */
  functionVolatility(name: string): Volatility | undefined;
  transaction(): TransactionInfo;
  session(): SessionInfo;
  /** Enum values added earlier in the current transaction, as `type.value` keys (`public.status.archived`). */
  enumValuesAddedInTransaction(): string[];
  /** The section this statement is in. */
  section(): 'up' | 'down' | 'file';
  /** Whether the document is a migration (not a plain SQL file). */
  isMigration(): boolean;
  /** The migration file's format (how a fix declares "no transaction": dbmate's marker option or pglc's directive). */
  migrationFormat(): MigrationFormat | undefined;
  /** Major version of the target PostgreSQL (server, else pglc.toml, else newest supported). */
  pgVersion(): number;
}

export interface RuleStatement {
  kind: string;
  node: Record<string, unknown>;
  src: StatementSource;
  effects: readonly SchemaEffect[];
}

export interface StatementRule extends RuleMeta {
  scope: 'statement';
  /** Parse node kinds the rule looks at; others are never shown to it. */
  kinds: readonly string[];
  check(statement: RuleStatement, ctx: RuleContext): void;
}

/** One statement of a document, as document rules see it. */
export interface DocumentStatement {
  ref: LintStatementRef;
  index: number;
  text: string;
  /** Undefined when it did not parse. */
  kind?: string;
  effects: readonly SchemaEffect[];
  section: 'up' | 'down' | 'file' | 'preamble';
  tx: TransactionInfo['kind'];
  /** Replay-local id of that transaction: statements with the same id commit together. */
  txId: number;
}

/** The other file of a split-layout migration (`0003_x.down.sql` for `0003_x.up.sql`). */
export interface Companion {
  role: 'up' | 'down';
  path: string;
  /** Undefined when the file does not exist. */
  document?: LintDocument;
}

/** The environment's record of this migration (from its tracking table). */
export interface AppliedRecord {
  environment: string;
  appliedAt?: string;
  appliedChecksum?: string;
  /** The Up section's checksum differs from the one recorded when it was applied. */
  modified?: boolean;
}

export interface DocumentInput {
  doc: LintDocument;
  file: { path: string; migration?: string; label?: string };
  statements: readonly DocumentStatement[];
  /** Some statement did not parse: its effects are unknown. */
  parseErrors: boolean;
  /** The schema before this migration (earlier migrations' Up sections). */
  before: SchemaState;
  /** After this document's Up section (or, for a Down file, what it started from). */
  afterUp: SchemaState;
  /** After its Down section too, when the document has one (a file with both sections). */
  afterDown?: SchemaState;
  /**
   * With afterDown, when the engine knows them: the keys of a map of `before` whose entries
   * afterDown may have changed — every other key holds the very same entry in both.
   */
  changed?: (map: ObjectMapName) => ReadonlySet<string> | undefined;
  settings: LintSettings;
  sizes?: ReadonlyMap<string, TableSize>;
  applied?: AppliedRecord;
  companion?: Companion;
}

export interface DocumentRule extends RuleMeta {
  scope: 'document';
  /** Findings with absolute ranges ('document' / 'new-file' fix anchors only). */
  check(input: DocumentInput): RuleFinding[];
}

/** Findings that come from outside the engine (plpgsql_check on a database). */
export interface ExternalRule extends RuleMeta {
  scope: 'external';
}

export type LintRule = StatementRule | DocumentRule | ExternalRule;
