// One statement of a generated migration, with what the ordering needs to know about it: which
// object it creates, alters or drops, which other objects it brings or removes with it, and
// whether it destroys something.
// Invariant: a Step is one SQL statement; every statement the diff emits is a Step, so the
// summary, the destructive list and the self-check's defect report all name objects by key.

export type StepAction = 'create' | 'alter' | 'drop';

export interface Step {
  /** One statement, ending with `;`. */
  sql: string;
  action: StepAction;
  /** The object this statement is about (keys.ts). */
  key: string;
  /** Other keys a create brings into existence (a table's columns and inline constraints). */
  provides?: string[];
  /** Other keys a drop removes with it. */
  removes?: string[];
  /** Keys whose create/alter steps must come before this one, beyond the models' pg_depend edges. */
  after?: string[];
  /** Names (in a shared namespace: relations, types) this step takes; it runs after steps releasing them. */
  claims?: string[];
  /** Names a drop or rename frees. */
  releases?: string[];
  /** Why this statement destroys data or removes access (listed in the summary, marked in the SQL). */
  destructive?: string;
  /** Something the reader must know (e.g. "fails when the table has rows"). */
  warning?: string;
  /** A comment, grant, owner or OWNED BY: nothing else has to wait for it. */
  decoration?: boolean;
  /** An alter that only takes something away (DROP DEFAULT, DROP IDENTITY): it needs nothing of B. */
  detaches?: boolean;
  /**
   * An alter that puts a dependency back after an earlier step of the same object removed it
   * (SET DEFAULT after DROP DEFAULT around a replaced function): it never holds up the drop of
   * what it depends on, since it runs after that object's re-creation.
   */
  reattaches?: boolean;
  /** False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX CONCURRENTLY). */
  transactional?: boolean;
}

/** Relation names share one namespace per schema (tables, views, sequences, indexes, composite types). */
export function relationName(schema: string, name: string): string {
  return `relname:${schema}\u0000${name}`;
}

/** Type names (enums, domains, composite and range types, and every table's row type). */
export function typeName(schema: string, name: string): string {
  return `typname:${schema}\u0000${name}`;
}
