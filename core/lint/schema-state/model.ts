// The schema the linter believes exists at one point of a project's migrations: tables (with
// columns, constraints, indexes), sequences, types, functions, schemas, extensions, triggers
// and policies, each with where it was created. Built only from parse trees of the project's
// own migrations (schema-state/effects.ts → apply-effects.ts), never from a database: the editor
// must know it while the user types, offline.
// Invariants: plain data; entries are immutable values — a change replaces the entry with a
// changed copy — so forkState() is a cheap shallow copy and a state handed out is never
// changed behind its holder's back; names are stored as PostgreSQL stores them (unquoted
// identifiers already folded to lower case by the parser).

import type { ColumnType } from '../ast/type-name';

/** A possibly qualified name as written. */
export interface QName {
  schema?: string;
  name: string;
}

/** Where a statement of the replay is: enough to point at it from another file. */
export interface SourceLocation {
  /** Absolute path of the file ('' for text without a file, such as stdin). */
  path: string;
  /** The migration's version and label (`0003_add_posts`) when the file is a migration. */
  migration?: string;
  label?: string;
  /** String offsets in that file's text. */
  start: number;
  end: number;
  /** 0-based line and UTF-16 column of start and end (LSP positions). */
  line: number;
  character: number;
  endLine: number;
  endCharacter: number;
  /** Replay-local id of the transaction the statement ran in (see engine/transactions.ts). */
  tx: number;
  /** 'down' when the statement is in a Down section. */
  section?: 'up' | 'down' | 'file';
}

export type Volatility = 'volatile' | 'stable' | 'immutable' | 'unknown';

export interface DefaultState {
  /** The expression as written. */
  sql: string;
  /** Functions it calls, lower case, qualified when written so (`nextval`, `public.f`). */
  calls: string[];
  /** Whether it is a plain constant (a literal, possibly cast). */
  constant: boolean;
}

export interface ColumnState {
  name: string;
  /** Undefined when the column came from somewhere the parse tree does not show (LIKE, AS SELECT). */
  type?: ColumnType;
  notNull: boolean;
  default?: DefaultState;
  generated?: 'stored' | 'virtual';
  identity?: 'always' | 'by-default';
  createdAt: SourceLocation;
}

export type ConstraintKind = 'primary' | 'unique' | 'foreign' | 'check' | 'exclusion';

export interface ConstraintState {
  name: string;
  kind: ConstraintKind;
  columns: string[];
  /** False for NOT VALID until VALIDATE CONSTRAINT. */
  valid: boolean;
  /** For a CHECK that is exactly `col IS NOT NULL`: the column (lets SET NOT NULL skip its scan on PG ≥ 12). */
  notNullOf?: string;
  /** The index backing a primary key / unique / exclusion constraint (key in SchemaState.indexes). */
  index?: string;
  references?: { table: string; columns: string[] };
  createdAt: SourceLocation;
  validatedAt?: SourceLocation;
}

export interface IndexState {
  schema: string;
  name: string;
  /** Key of the table (SchemaState.tables). */
  table: string;
  unique: boolean;
  columns: string[];
  partial: boolean;
  /** Built with CREATE INDEX CONCURRENTLY. */
  concurrent: boolean;
  /** The constraint it backs, if any. */
  constraint?: string;
  createdAt: SourceLocation;
}

export type RelationKind = 'table' | 'partitioned' | 'view' | 'matview' | 'foreign';

export interface TableState {
  schema: string;
  name: string;
  kind: RelationKind;
  columns: ColumnState[];
  /** False when some columns are unknown (CREATE TABLE … AS, LIKE, INHERITS, views). */
  knownColumns: boolean;
  constraints: ConstraintState[];
  /** Keys of its indexes in SchemaState.indexes. */
  indexes: string[];
  /** Key of the partitioned parent, for a partition. */
  partitionOf?: string;
  unlogged?: boolean;
  createdAt: SourceLocation;
}

export interface SequenceState {
  schema: string;
  name: string;
  ownedBy?: { table: string; column: string };
  createdAt: SourceLocation;
}

export interface TypeState {
  schema: string;
  name: string;
  kind: 'enum' | 'composite' | 'domain' | 'range' | 'other';
  /** Enum labels, in order, with where each was added. */
  values?: { value: string; addedAt: SourceLocation }[];
  createdAt: SourceLocation;
}

export interface FunctionState {
  schema: string;
  name: string;
  /** Argument types as SQL (IN/INOUT/VARIADIC arguments only: the function's identity). */
  args: string[];
  kind: 'function' | 'procedure' | 'aggregate';
  language: string;
  volatility: Volatility;
  returnsTrigger: boolean;
  createdAt: SourceLocation;
  /** String offset of the body's first character in the file (after the opening quote), for plpgsql_check. */
  bodyStart?: number;
}

export interface NamedState {
  name: string;
  createdAt: SourceLocation;
}

export interface TriggerState {
  name: string;
  table: string;
  function: string;
  createdAt: SourceLocation;
}

export interface PolicyState {
  name: string;
  table: string;
  createdAt: SourceLocation;
}

export interface SchemaState {
  tables: Map<string, TableState>;
  indexes: Map<string, IndexState>;
  sequences: Map<string, SequenceState>;
  types: Map<string, TypeState>;
  /** Key: `schema.name(argtypes)`. */
  functions: Map<string, FunctionState>;
  schemas: Map<string, NamedState>;
  extensions: Map<string, NamedState & { schema?: string }>;
  /** Key: `tableKey/trigger`. */
  triggers: Map<string, TriggerState>;
  /** Key: `tableKey/policy`. */
  policies: Map<string, PolicyState>;
}

export type ObjectMapName = keyof SchemaState;

export const OBJECT_MAPS: readonly ObjectMapName[] = ['tables', 'indexes', 'sequences', 'types', 'functions', 'schemas', 'extensions', 'triggers', 'policies'];

/** The schemas every database has. */
const BUILTIN_SCHEMAS = ['public', 'pg_catalog', 'information_schema'];

const BUILTIN: SourceLocation = { path: '', start: 0, end: 0, line: 0, character: 0, endLine: 0, endCharacter: 0, tx: -1 };

/**
 * An empty database: only the built-in schemas.
 * @example createSchemaState().schemas.has('public') === true
 */
export function createSchemaState(): SchemaState {
  const schemas = new Map<string, NamedState>();
  for (const s of BUILTIN_SCHEMAS) schemas.set(s, { name: s, createdAt: BUILTIN });
  return {
    tables: new Map(),
    indexes: new Map(),
    sequences: new Map(),
    types: new Map(),
    functions: new Map(),
    schemas,
    extensions: new Map(),
    triggers: new Map(),
    policies: new Map(),
  };
}

/** A copy that can be changed without changing `state` (entries are shared: they are immutable). */
export function forkState(state: SchemaState): SchemaState {
  return {
    tables: new Map(state.tables),
    indexes: new Map(state.indexes),
    sequences: new Map(state.sequences),
    types: new Map(state.types),
    functions: new Map(state.functions),
    schemas: new Map(state.schemas),
    extensions: new Map(state.extensions),
    triggers: new Map(state.triggers),
    policies: new Map(state.policies),
  };
}

/** `schema.name`: the key of tables, indexes, sequences and types. */
export function objectKey(schema: string, name: string): string {
  return `${schema}.${name}`;
}

/** Whether the location is a built-in object's (not created by any migration). */
export function isBuiltin(loc: SourceLocation): boolean {
  return loc.tx === -1;
}

/** How a name is shown in messages: `orders`, or `audit.orders` outside public. */
export function displayName(schema: string, name: string): string {
  return schema === 'public' ? name : `${schema}.${name}`;
}
