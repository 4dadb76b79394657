// Lookup tables over a SchemaModel by object key, built once per diff so that comparing two
// models of 1,000 tables is a walk over maps, not nested searches.
// Invariant: read-only views of the model; nothing here changes it.

import { keys } from '../schema/keys';
import type { ColumnDef, ConstraintDef, FunctionDef, IndexDef, PolicyDef, SchemaModel, SequenceDef, TableDef, TriggerDef, TypeDef, ViewDef } from '../schema/model';

export interface ModelIndex {
  model: SchemaModel;
  schemas: Set<string>;
  types: Map<string, TypeDef>;
  sequences: Map<string, SequenceDef>;
  tables: Map<string, TableDef>;
  /** column key → [table, column] */
  columns: Map<string, { table: TableDef; column: ColumnDef }>;
  constraints: Map<string, { table: TableDef; constraint: ConstraintDef }>;
  views: Map<string, ViewDef>;
  indexes: Map<string, IndexDef>;
  functions: Map<string, FunctionDef>;
  triggers: Map<string, TriggerDef>;
  policies: Map<string, PolicyDef>;
  /** key → keys that depend on it (reverse of model.dependencies). */
  dependents: Map<string, string[]>;
}

export function indexModel(model: SchemaModel): ModelIndex {
  const ix: ModelIndex = {
    model,
    schemas: new Set(model.schemas.map((s) => s.name)),
    types: new Map(model.types.map((t) => [keys.type(t.schema, t.name), t])),
    sequences: new Map(model.sequences.map((s) => [keys.sequence(s.schema, s.name), s])),
    tables: new Map(model.tables.map((t) => [keys.table(t.schema, t.name), t])),
    columns: new Map(),
    constraints: new Map(),
    views: new Map(model.views.map((v) => [keys.view(v.schema, v.name), v])),
    indexes: new Map(model.indexes.map((i) => [keys.index(i.schema, i.name), i])),
    functions: new Map(model.functions.map((f) => [keys.function(f.schema, f.name, f.argTypes), f])),
    triggers: new Map(model.triggers.map((t) => [keys.trigger(t.schema, t.table, t.name), t])),
    policies: new Map(model.policies.map((p) => [keys.policy(p.schema, p.table, p.name), p])),
    dependents: new Map(),
  };
  for (const t of model.tables) {
    for (const c of t.columns) ix.columns.set(keys.column(t.schema, t.name, c.name), { table: t, column: c });
    for (const c of t.constraints) ix.constraints.set(keys.constraint(t.schema, t.name, c.name), { table: t, constraint: c });
  }
  for (const [k, deps] of Object.entries(model.dependencies)) {
    for (const d of deps) {
      const list = ix.dependents.get(d);
      if (list) list.push(k);
      else ix.dependents.set(d, [k]);
    }
  }
  return ix;
}
