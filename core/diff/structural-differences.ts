// The oracle of the self-check: are two models the same shape? Compares every object field by
// field, independently of the diff's own logic, so a difference the diff fails to see still
// shows up here (as a defect) instead of passing silently.
// Invariants: fields that never count (server version, source, extension versions and comments)
// are ignored; column order is not a field of a column but compared apart
// (columnOrderDifferences), because PostgreSQL cannot change it in place and a diff reports it
// instead of emitting statements; grants are compared only when both models read them, owners
// only when both read them.

import { keys } from '../schema/keys';
import type { SchemaModel } from '../schema/model';

export interface Difference {
  /** The object that differs (keys.ts). */
  key: string;
  /** `missing` in the actual model, `extra` in it, or `different`. */
  kind: 'missing' | 'extra' | 'different';
  /** For `different`: which fields differ, e.g. `type: integer → bigint`. */
  detail?: string;
}

type Flat = Map<string, Record<string, unknown>>;

function flatten(m: SchemaModel, privileges: boolean, owners: boolean): Flat {
  const out: Flat = new Map();
  const clean = <T extends Record<string, unknown>>(o: T, drop: string[] = []): Record<string, unknown> => {
    const c: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (drop.includes(k)) continue;
      if (k === 'grants' && !privileges) continue;
      if (k === 'owner' && !owners) continue;
      c[k] = v;
    }
    return c;
  };
  for (const s of m.schemas) out.set(keys.schema(s.name), clean(s as never));
  for (const e of m.extensions) out.set(keys.extension(e.name), clean(e as never, ['version', 'comment']));
  for (const t of m.types) out.set(keys.type(t.schema, t.name), clean(t as never));
  for (const s of m.sequences) out.set(keys.sequence(s.schema, s.name), clean(s as never));
  for (const t of m.tables) {
    out.set(keys.table(t.schema, t.name), clean(t as never, ['columns', 'constraints']));
    for (const c of t.columns) out.set(keys.column(t.schema, t.name, c.name), clean(c as never, ['position']));
    for (const c of t.constraints) out.set(keys.constraint(t.schema, t.name, c.name), clean(c as never));
  }
  for (const v of m.views) {
    out.set(keys.view(v.schema, v.name), {
      ...clean(v as never, ['columns']),
      columns: v.columns.map((c) => clean(c as never)),
    });
  }
  for (const i of m.indexes) out.set(keys.index(i.schema, i.name), clean(i as never));
  for (const f of m.functions) out.set(keys.function(f.schema, f.name, f.argTypes), clean(f as never));
  for (const t of m.triggers) out.set(keys.trigger(t.schema, t.table, t.name), clean(t as never));
  for (const p of m.policies) out.set(keys.policy(p.schema, p.table, p.name), clean(p as never));
  if (privileges) for (const d of m.defaultPrivileges) out.set(keys.defaultPrivileges(d.role, d.schema, d.objectType), clean(d as never));
  return out;
}

function show(v: unknown): string {
  const s = v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}

/**
 * Every object that differs between `expected` and `actual`, sorted by key; empty when they
 * have the same shape.
 * @example structuralDifferences(modelB, introspectedAfterUp) // [] when the migration is complete
 */
export function structuralDifferences(expected: SchemaModel, actual: SchemaModel): Difference[] {
  const privileges = expected.privileges && actual.privileges;
  const owners = expected.owners && actual.owners;
  const e = flatten(expected, privileges, owners);
  const a = flatten(actual, privileges, owners);
  const out: Difference[] = [];
  for (const [k, ev] of e) {
    const av = a.get(k);
    if (!av) {
      out.push({ key: k, kind: 'missing' });
      continue;
    }
    const fields = [...new Set([...Object.keys(ev), ...Object.keys(av)])].sort();
    const diffs = fields.filter((f) => JSON.stringify(ev[f]) !== JSON.stringify(av[f]));
    if (diffs.length) out.push({ key: k, kind: 'different', detail: diffs.map((f) => `${f}: ${show(av[f])} → expected ${show(ev[f])}`).join('; ') });
  }
  for (const k of a.keys()) if (!e.has(k)) out.push({ key: k, kind: 'extra' });
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}

/** A table whose columns are the same set on both sides but in another order. */
export interface ColumnOrderDifference {
  /** The table's key (keys.ts). */
  key: string;
  expected: string[];
  actual: string[];
}

/**
 * Tables present on both sides with the same columns in another order, sorted by key (a table
 * whose columns differ is left to structuralDifferences).
 * @example columnOrderDifferences(modelB, introspectedAfterUp) // [{ key: 'table:"public"."co"', expected: ['id','c'], actual: ['c','id'] }]
 */
export function columnOrderDifferences(expected: SchemaModel, actual: SchemaModel): ColumnOrderDifference[] {
  const actualTables = new Map(actual.tables.map((t) => [keys.table(t.schema, t.name), t]));
  const out: ColumnOrderDifference[] = [];
  for (const t of expected.tables) {
    const k = keys.table(t.schema, t.name);
    const other = actualTables.get(k);
    if (!other) continue;
    const e = t.columns.map((c) => c.name);
    const a = other.columns.map((c) => c.name);
    if (e.join('\u0000') === a.join('\u0000')) continue;
    if (e.length !== a.length || [...e].sort().join('\u0000') !== [...a].sort().join('\u0000')) continue;
    out.push({ key: k, expected: e, actual: a });
  }
  return out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
}
