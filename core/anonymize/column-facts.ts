// What anonymization needs to know about a database's columns, in one catalog query: type and
// its category, NOT NULL, generated or identity, whether the column alone is unique, and the
// foreign keys that involve it. Invariant: user tables only (no system schemas, no extension
// members), ordinary and partitioned tables; read-only.

import type { DbClient } from '../db/connect';

export interface ColumnFact {
  schema: string;
  table: string;
  /** 'r' ordinary (incl. partitions), 'p' partitioned. */
  tableKind: 'r' | 'p';
  /** For partitions: the partitioned table they belong to. */
  parent?: { schema: string; table: string };
  column: string;
  /** format_type, e.g. `character varying(120)`, `timestamp with time zone`. */
  type: string;
  /** pg_type.typcategory of the column's base type: S string, N numeric, D date/time, I network, U user (uuid…), B boolean, A array, E enum, … */
  category: string;
  /** Name of the base type, e.g. `text`, `uuid`, `inet`, `date`. */
  baseType: string;
  notNull: boolean;
  generated: boolean;
  identity: boolean;
  /** Part of a primary key or unique index (any column count). */
  unique: boolean;
}

export interface ForeignKeyFact {
  name: string;
  schema: string;
  table: string;
  columns: string[];
  refSchema: string;
  refTable: string;
  refColumns: string[];
  /** pg_get_constraintdef, to add it back. */
  definition: string;
}

/**
 * Every column of the user tables.
 * @example const cols = await readColumnFacts(client); cols.filter((c) => c.table === 'users')
 */
export async function readColumnFacts(client: Pick<DbClient, 'query'>): Promise<ColumnFact[]> {
  const r = await client.query<{
    schema: string; table: string; kind: 'r' | 'p'; parent_schema: string | null; parent_table: string | null; column: string; type: string;
    category: string; base_type: string; not_null: boolean; generated: boolean; identity: boolean; is_unique: boolean;
  }>(
    `SELECT n.nspname AS schema, c.relname AS table, c.relkind AS kind,
            pn.nspname AS parent_schema, pc.relname AS parent_table,
            a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
            bt.typcategory AS category, bt.typname AS base_type, a.attnotnull AS not_null,
            a.attgenerated <> '' AS generated, a.attidentity <> '' AS identity,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisunique AND a.attnum = ANY (i.indkey)) AS is_unique
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
       LEFT JOIN pg_inherits inh ON inh.inhrelid = c.oid AND c.relispartition
       LEFT JOIN pg_class pc ON pc.oid = inh.inhparent
       LEFT JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C", a.attnum`,
  );
  return r.rows.map((x) => ({
    schema: x.schema,
    table: x.table,
    tableKind: x.kind,
    ...(x.parent_schema && x.parent_table ? { parent: { schema: x.parent_schema, table: x.parent_table } } : {}),
    column: x.column,
    type: x.type,
    category: x.category,
    baseType: x.base_type,
    notNull: x.not_null,
    generated: x.generated,
    identity: x.identity,
    unique: x.is_unique,
  }));
}

/** Foreign keys between user tables (constraints inherited by partitions are left out). */
export async function readForeignKeys(client: Pick<DbClient, 'query'>): Promise<ForeignKeyFact[]> {
  const r = await client.query<{ name: string; schema: string; table: string; columns: string[]; ref_schema: string; ref_table: string; ref_columns: string[]; definition: string }>(
    `SELECT k.conname AS name, n.nspname AS schema, c.relname AS table,
            ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS columns,
            rn.nspname AS ref_schema, rc.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o)::text[] AS ref_columns,
            pg_get_constraintdef(k.oid) AS definition
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_class rc ON rc.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE k.contype = 'f' AND k.conparentid = 0
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 2, 3, 1`,
  );
  return r.rows.map((x) => ({ name: x.name, schema: x.schema, table: x.table, columns: x.columns, refSchema: x.ref_schema, refTable: x.ref_table, refColumns: x.ref_columns, definition: x.definition }));
}
