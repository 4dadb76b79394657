// The schema model (a type that crosses process boundaries: `pglc schema show --json`, the ER
// diagram webview): one plain-data description of a database's structure, built by
// introspection (introspect.ts) from a live database or a shadow database, compared and diffed
// by core/diff, rendered by `pglc schema show/docs/diagram`.
// Invariants: plain JSON data only (no class instances, no OIDs), so a model can be written to
// a file, sent to the editor and compared with deepEqual; every list is sorted by name (columns
// by position), so two introspections of equal schemas give equal models; definitions are the
// server's own canonical text (pg_get_*def with an empty search_path: every name qualified).

/** A privilege granted to a role (or PUBLIC); the owner's own privileges are left out. */
export interface Grant {
  /** Role name, or `PUBLIC`. */
  grantee: string;
  /** SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, USAGE, CREATE, EXECUTE, … */
  privilege: string;
  grantable: boolean;
}

export interface SchemaDef {
  name: string;
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface ExtensionDef {
  name: string;
  schema: string;
  /** Installed version (shown, not compared: servers ship different versions). */
  version: string;
  comment?: string;
}

export interface EnumTypeDef {
  kind: 'enum';
  schema: string;
  name: string;
  values: string[];
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface DomainConstraintDef {
  name: string;
  /** `CHECK (…)` or `NOT NULL`, from pg_get_constraintdef. */
  definition: string;
  validated: boolean;
  comment?: string;
}

export interface DomainTypeDef {
  kind: 'domain';
  schema: string;
  name: string;
  /** format_type of the base type. */
  baseType: string;
  notNull: boolean;
  default?: string;
  collation?: string;
  constraints: DomainConstraintDef[];
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface CompositeAttributeDef {
  name: string;
  type: string;
  collation?: string;
}

export interface CompositeTypeDef {
  kind: 'composite';
  schema: string;
  name: string;
  attributes: CompositeAttributeDef[];
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface RangeTypeDef {
  kind: 'range';
  schema: string;
  name: string;
  subtype: string;
  /** Non-default options as `name = value` (subtype_opclass, collation, canonical, subtype_diff, multirange_type_name). */
  options: string[];
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export type TypeDef = EnumTypeDef | DomainTypeDef | CompositeTypeDef | RangeTypeDef;

export interface SequenceOptions {
  /** smallint, integer or bigint. */
  dataType: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

export interface SequenceDef extends SequenceOptions {
  schema: string;
  name: string;
  /** `OWNED BY` a column (serial columns' sequences). */
  ownedBy?: { schema: string; table: string; column: string };
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface IdentityDef {
  generation: 'always' | 'by default';
  /** The identity sequence's options; its name is kept because DDL may name it. */
  sequence: SequenceOptions & { name: string };
}

export interface ColumnDef {
  name: string;
  /** 1-based position among the live columns (dropped columns do not count). */
  position: number;
  /** format_type: `integer`, `character varying(20)`, `public.post_status[]`. */
  type: string;
  notNull: boolean;
  /** Default expression (pg_get_expr); absent for identity and generated columns. */
  default?: string;
  identity?: IdentityDef;
  /** `GENERATED ALWAYS AS (expr) STORED`: the expression. */
  generated?: string;
  /** Only when it differs from the type's default collation. */
  collation?: string;
  /** The column is declared on this table (false: only inherited from a parent or partitioned table). */
  local: boolean;
  /** Number of parents it is inherited from. */
  inherited: number;
  comment?: string;
  /** Column privileges (GRANT SELECT (col) …). */
  grants: Grant[];
}

export type ConstraintKind = 'primary-key' | 'unique' | 'foreign-key' | 'check' | 'exclusion';

export interface ForeignKeyDef {
  /** Referenced table. */
  schema: string;
  table: string;
  columns: string[];
  onUpdate: string;
  onDelete: string;
  match: string;
}

export interface ConstraintDef {
  name: string;
  kind: ConstraintKind;
  /** pg_get_constraintdef: `PRIMARY KEY (id)`, `FOREIGN KEY (a) REFERENCES public.t(id) ON DELETE CASCADE`, … */
  definition: string;
  /** Columns of this table the constraint covers (in key order). */
  columns: string[];
  /** False for NOT VALID constraints. */
  validated: boolean;
  deferrable: boolean;
  deferred: boolean;
  /** NO INHERIT (check constraints). */
  noInherit: boolean;
  foreignKey?: ForeignKeyDef;
  comment?: string;
}

export interface TableDef {
  schema: string;
  name: string;
  /** `table`, or `partitioned` for a table declared with PARTITION BY. */
  kind: 'table' | 'partitioned';
  unlogged: boolean;
  columns: ColumnDef[];
  constraints: ConstraintDef[];
  /** `RANGE (created_at)` (pg_get_partkeydef), for partitioned tables. */
  partitionKey?: string;
  /** This table is a partition of `parent`, with `bound` (pg_get_expr of relpartbound). */
  partitionOf?: { schema: string; table: string; bound: string };
  /** Inheritance parents (not for partitions), in inheritance order. */
  inherits: { schema: string; table: string }[];
  /** Storage parameters, e.g. `fillfactor=70`. */
  options: string[];
  rowSecurity: boolean;
  forceRowSecurity: boolean;
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface ViewDef {
  schema: string;
  name: string;
  materialized: boolean;
  /** pg_get_viewdef: the SELECT, every name qualified. */
  definition: string;
  /** Options such as `security_invoker=true`, `security_barrier=true`, `check_option=local`. */
  options: string[];
  columns: { name: string; type: string; comment?: string; grants: Grant[] }[];
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface IndexDef {
  schema: string;
  name: string;
  /** The table or materialized view the index is on. */
  table: string;
  /** pg_get_indexdef: `CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING method (…) [INCLUDE (…)] [WHERE …]`. */
  definition: string;
  unique: boolean;
  method: string;
  /** Key columns or expressions, as in the definition. */
  keys: string[];
  include: string[];
  predicate?: string;
  comment?: string;
}

export interface FunctionDef {
  schema: string;
  name: string;
  /** pg_get_function_identity_arguments: what tells overloads apart, e.g. `a integer, b text`. */
  identityArgs: string;
  /** The argument types alone, for DROP / COMMENT / GRANT: `integer, text`. */
  argTypes: string;
  kind: 'function' | 'procedure' | 'window';
  /** pg_get_function_result; empty for procedures. */
  returns: string;
  language: string;
  /** pg_get_functiondef: a complete CREATE OR REPLACE statement. */
  definition: string;
  /** Names of the input arguments, in order (CREATE OR REPLACE cannot rename them). */
  argNames: string[];
  /** Number of arguments with defaults (CREATE OR REPLACE cannot remove one). */
  argDefaults: number;
  owner?: string;
  comment?: string;
  grants: Grant[];
}

export interface TriggerDef {
  schema: string;
  /** The table or view the trigger is on. */
  table: string;
  name: string;
  /** pg_get_triggerdef: the CREATE [CONSTRAINT] TRIGGER statement. */
  definition: string;
  /** The function it executes, as `schema.name(argtypes)`. */
  function: { schema: string; name: string; argTypes: string };
  /** O (origin, the default), D (disabled), R (replica), A (always). */
  enabled: 'O' | 'D' | 'R' | 'A';
  comment?: string;
}

export interface PolicyDef {
  schema: string;
  table: string;
  name: string;
  /** ALL, SELECT, INSERT, UPDATE, DELETE. */
  command: string;
  permissive: boolean;
  /** Role names, or `PUBLIC`, sorted. */
  roles: string[];
  using?: string;
  withCheck?: string;
  comment?: string;
}

export type DefaultPrivilegeObject = 'tables' | 'sequences' | 'functions' | 'types' | 'schemas';

export interface DefaultPrivilegeDef {
  /** The role whose new objects get these privileges; absent: the role that runs the migration. */
  role?: string;
  /** Only objects created in this schema; absent: everywhere. */
  schema?: string;
  objectType: DefaultPrivilegeObject;
  /**
   * Privileges new objects get, without the owner's own. For entries without a schema this is
   * the whole list (it replaces the built-in defaults); with a schema, what is added to them.
   */
  grants: Grant[];
}

export interface SchemaModel {
  /** Model format version. */
  format: 1;
  server?: { version: string; major: number };
  /** The database the model was read from (informational, never compared). */
  source?: string;
  /** Whether grants and default privileges were read (false for a backup restored without privileges). */
  privileges: boolean;
  /** Whether owners were read (`--owners`). */
  owners: boolean;
  schemas: SchemaDef[];
  extensions: ExtensionDef[];
  types: TypeDef[];
  sequences: SequenceDef[];
  tables: TableDef[];
  views: ViewDef[];
  indexes: IndexDef[];
  functions: FunctionDef[];
  triggers: TriggerDef[];
  policies: PolicyDef[];
  defaultPrivileges: DefaultPrivilegeDef[];
  /** Object key → keys it depends on (from pg_depend), for ordering DDL. See keys.ts. */
  dependencies: Record<string, string[]>;
}
