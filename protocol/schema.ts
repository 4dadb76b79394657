// Results of `pglc schema …` commands (--json), read by the editor and the ER diagram webview.
// Invariant: plain JSON; object names are shown the way people read them (`table public.users`).

import type { ErdLayout } from './erd-geometry';
import type { CreateMigrationResult } from './migrations';
import type { SchemaModel } from './schema-model';

export type SchemaShowFormat = 'text' | 'json' | 'mermaid' | 'dbml' | 'sql';

export interface SchemaShowResult {
  /** `migrations` or the environment's name. */
  source: string;
  database?: string;
  format: SchemaShowFormat;
  model: SchemaModel;
  /** The rendering asked for (text, mermaid, dbml, sql); absent for json. */
  text?: string;
  durationMs: number;
}

export interface SchemaDiffStatement {
  sql: string;
  action: 'create' | 'alter' | 'drop';
  /** The object, e.g. `table public.users`. */
  object: string;
  destructive?: string;
  warning?: string;
}

export interface SchemaDiffDirection {
  statements: SchemaDiffStatement[];
  notes: string[];
  transactional: boolean;
}

export interface SchemaDiffDefect {
  phase: 'copy' | 'up-apply' | 'up-leftover' | 'down-apply' | 'down-leftover';
  message: string;
  objects: string[];
  statement?: string;
  /** For leftovers: `kind object: detail` lines. */
  differences?: string[];
}

export interface SchemaDiffCheck {
  ok: boolean;
  defects: SchemaDiffDefect[];
  /** Differences the diff announced and the check found as announced (column order), in words. */
  known?: string[];
  durationMs: number;
  /** Roles created (NOLOGIN) on the local server so that grants could be applied. */
  rolesCreated: string[];
}

/**
 * A table whose columns a migration leaves in another order than the target's: PostgreSQL cannot
 * move the columns of an existing table, and pglc does not re-create a table for order alone.
 */
export interface ColumnOrderNote {
  /** `schema.name`. */
  table: string;
  /** The target's order. */
  target: string[];
  /** The order the migration leaves. */
  result: string[];
  /** The migration creates the table (PostgreSQL puts inherited columns first); else it keeps it. */
  created: boolean;
}

export interface SchemaDiffResult {
  from: string;
  to: string;
  /** No difference at all, column order included: nothing to migrate, nothing to report. */
  identical: boolean;
  /** Tables the Up leaves with their columns in another order than TO's (also when it has no statements). */
  columnOrder: ColumnOrderNote[];
  /** The migration file text (`-- Up` / `-- Down`), empty when identical. */
  migration: string;
  up: SchemaDiffDirection;
  down: SchemaDiffDirection;
  /** Why each destructive Up statement is destructive. */
  destructive: string[];
  /** Objects that differ. */
  changed: string[];
  /** The self-check; absent with --no-check or when identical. */
  check?: SchemaDiffCheck;
  /** Set by --create-migration. */
  created?: CreateMigrationResult;
  durationMs: number;
}

/** A column in the ER diagram. */
export interface ErdColumn {
  name: string;
  type: string;
  nullable: boolean;
  primaryKey: boolean;
  /** Part of a foreign key. */
  foreignKey: boolean;
  unique: boolean;
  comment?: string;
}

export interface ErdTable {
  /** `schema.name`, unique in the diagram. */
  id: string;
  schema: string;
  name: string;
  kind: 'table' | 'partitioned' | 'view' | 'materialized-view';
  columns: ErdColumn[];
  comment?: string;
}

/** A foreign key, from the referencing table to the referenced one. */
export interface ErdRelation {
  id: string;
  from: string;
  to: string;
  fromColumns: string[];
  toColumns: string[];
  /** `one` when the referencing columns are unique (1:1), else `many` (n:1). */
  fromCardinality: 'one' | 'many';
  /** `zero-or-one` when a referencing column is nullable, else `one`. */
  toCardinality: 'one' | 'zero-or-one';
  /** The constraint as PostgreSQL prints it (`FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE`). */
  definition: string;
  name: string;
}

export interface ErdDiagram {
  source: string;
  schemas: string[];
  tables: ErdTable[];
  relations: ErdRelation[];
  /** Positions from elkjs (layered, orthogonal edges, grouped by schema); absent when not laid out. */
  layout?: ErdLayout;
  /** The migration that creates each table (`schema.name` → file relative to the project, 1-based line). */
  origins?: Record<string, { file: string; line: number }>;
}

export type SchemaDiagramFormat = 'json' | 'mermaid' | 'dbml' | 'svg';

export interface SchemaDiagramResult {
  diagram: ErdDiagram;
  /** Every schema with tables or views, also those --schemas left out (for a filter). */
  allSchemas: string[];
  format: SchemaDiagramFormat;
  /** The rendering (absent for json). */
  text?: string;
  /** Where it was written (-o). */
  file?: string;
}

export interface SchemaDriftResult {
  environment: string;
  database: string;
  /** The newest migration applied on the environment (the shadow database is built up to it); absent when none is. */
  upTo?: string;
  /** The environment has exactly the schema its applied migrations build. */
  identical: boolean;
  /** Objects the environment has that no applied migration creates. */
  unmanaged: string[];
  /** Objects the applied migrations create that the environment lacks. */
  missing: string[];
  /** Objects both have, shaped differently (`object: field: actual → expected`). */
  different: string[];
  /**
   * Tables whose columns are in another order than the migrations put them. Not drift: no
   * migration can absorb it (PostgreSQL cannot move columns); reported so that it is not hidden.
   */
  columnOrder: ColumnOrderNote[];
  /** The catch-up migration (empty when identical). */
  migration: string;
  check?: SchemaDiffCheck;
  /** Set by --absorb: the migration written and recorded as applied on the environment. */
  absorbed?: CreateMigrationResult;
  notes: string[];
}

export interface SchemaDocsResult {
  source: string;
  format: 'markdown' | 'html';
  tables: number;
  /** The documentation, when not written to a file. */
  text?: string;
  file?: string;
}

export interface UnusedIndex {
  schema: string;
  table: string;
  index: string;
  /** Bytes on disk. */
  bytes: number;
  scans: number;
  /** `DROP INDEX CONCURRENTLY …` */
  suggestion: string;
}

export interface MissingIndex {
  schema: string;
  table: string;
  /** `foreign-key`: a foreign key whose columns lead no index; `sequential-scans`: a table read mostly by sequential scans. */
  reason: 'foreign-key' | 'sequential-scans';
  detail: string;
  /** `CREATE INDEX CONCURRENTLY …` for a foreign key; absent when the columns cannot be known (sequential scans). */
  suggestion?: string;
}

export interface SchemaIndexesResult {
  environment: string;
  database: string;
  /** When the statistics were last reset (unused means: not used since then). */
  statsSince?: string;
  unused?: UnusedIndex[];
  missing?: MissingIndex[];
}
