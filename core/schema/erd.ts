// The ER diagram's data from a schema model: tables (and views) with their columns and key
// markers, and one relation per foreign key with its cardinality. The webview, Mermaid, DBML
// and SVG renderings all draw this one structure, so they show the same picture.
// Invariants: pure and deterministic (the model's order); a relation's ends are tables of the
// diagram (a foreign key to a table outside the shown schemas keeps its target id anyway, and
// renderers skip it); partitions are folded into their partitioned table.

import type { ErdDiagram, ErdRelation, ErdTable } from '../../protocol/index';
import type { SchemaModel, TableDef } from './model';

export interface ErdOptions {
  /** Only these schemas (default: all). */
  schemas?: string[];
  /** Include views and materialized views (default true). */
  views?: boolean;
}

const id = (schema: string, name: string) => `${schema}.${name}`;

function tableOf(t: TableDef): ErdTable {
  const pk = new Set(t.constraints.filter((c) => c.kind === 'primary-key').flatMap((c) => c.columns));
  const fk = new Set(t.constraints.filter((c) => c.kind === 'foreign-key').flatMap((c) => c.columns));
  const unique = new Set(t.constraints.filter((c) => c.kind === 'unique' && c.columns.length === 1).flatMap((c) => c.columns));
  return {
    id: id(t.schema, t.name),
    schema: t.schema,
    name: t.name,
    kind: t.kind,
    columns: t.columns.map((c) => ({
      name: c.name, type: c.type, nullable: !c.notNull, primaryKey: pk.has(c.name), foreignKey: fk.has(c.name), unique: unique.has(c.name),
      ...(c.comment !== undefined ? { comment: c.comment } : {}),
    })),
    ...(t.comment !== undefined ? { comment: t.comment } : {}),
  };
}

/**
 * The diagram of `model`.
 * @example erdOf(model).relations.map((r) => `${r.from} → ${r.to}`) // ['public.posts → public.users']
 */
export function erdOf(model: SchemaModel, source: string, opts: ErdOptions = {}): ErdDiagram {
  const inScope = (s: string) => !opts.schemas || opts.schemas.includes(s);
  const tables: ErdTable[] = [];
  const relations: ErdRelation[] = [];
  for (const t of model.tables) {
    if (!inScope(t.schema) || t.partitionOf) continue;
    const table = tableOf(t);
    tables.push(table);
    for (const c of t.constraints) {
      if (c.kind !== 'foreign-key' || !c.foreignKey) continue;
      const f = c.foreignKey;
      const cols = new Set(c.columns);
      // 1:1 when the referencing columns are exactly a primary key or unique constraint.
      const uniqueFrom = t.constraints.some((u) => (u.kind === 'primary-key' || u.kind === 'unique') && u.columns.length === cols.size && u.columns.every((x) => cols.has(x)));
      const nullable = t.columns.some((col) => cols.has(col.name) && !col.notNull);
      relations.push({
        id: `${table.id}.${c.name}`,
        from: table.id,
        to: id(f.schema, f.table),
        fromColumns: c.columns,
        toColumns: f.columns,
        fromCardinality: uniqueFrom ? 'one' : 'many',
        toCardinality: nullable ? 'zero-or-one' : 'one',
        definition: c.definition,
        name: c.name,
      });
    }
  }
  if (opts.views !== false) {
    for (const v of model.views) {
      if (!inScope(v.schema)) continue;
      tables.push({
        id: id(v.schema, v.name), schema: v.schema, name: v.name, kind: v.materialized ? 'materialized-view' : 'view',
        columns: v.columns.map((c) => ({ name: c.name, type: c.type, nullable: true, primaryKey: false, foreignKey: false, unique: false, ...(c.comment !== undefined ? { comment: c.comment } : {}) })),
        ...(v.comment !== undefined ? { comment: v.comment } : {}),
      });
    }
  }
  const schemas = [...new Set(tables.map((t) => t.schema))].sort();
  return { source, schemas, tables, relations };
}
