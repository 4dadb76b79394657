// Column order: the order of every table's columns after a migration, predicted by replaying its
// ordered statements the way PostgreSQL places columns — ADD COLUMN appends (to the table and to
// its children and partitions), DROP COLUMN removes, CREATE TABLE lists inherited columns first
// (a partition takes its parent's order) — and compared with the target's order.
// PostgreSQL cannot move a column of an existing table: only re-creating the table (a copy of
// every row under an exclusive lock, with every view, foreign key, trigger, policy and grant on
// it rebuilt) would. The diff never does that; it says so instead (docs/schema.md).
// Invariants: pure (models and steps in, differences out); a table whose predicted order is the
// target's is not listed; the self-check holds the prediction against the order the Up really
// leaves (core/diff/self-check.ts), so what the summary says is checked, not assumed.

import { keys, kindOf } from '../schema/keys';
import type { TableDef } from '../schema/model';
import type { ModelIndex } from './model-index';
import type { Step } from './step';

/** A table whose columns the migration leaves in another order than the target's. */
export interface ColumnOrderChange {
  /** `schema.name` as people read it. */
  table: string;
  /** The table's key (keys.ts). */
  key: string;
  /** The target's order. */
  target: string[];
  /** The order the migration leaves. */
  result: string[];
  /** The migration creates the table (PostgreSQL puts inherited columns first); else it is altered in place. */
  created: boolean;
}

const parentKeys = (t: TableDef): string[] =>
  t.partitionOf ? [keys.table(t.partitionOf.schema, t.partitionOf.table)] : t.inherits.map((p) => keys.table(p.schema, p.table));

/** Table key → its columns in order. */
export type ColumnOrders = Map<string, string[]>;

export interface ColumnOrderPrediction {
  /** Tables of B whose resulting order differs from B's. */
  changes: ColumnOrderChange[];
  /** Every table's order after the steps (what a following migration starts from). */
  result: ColumnOrders;
}

/**
 * Replays `steps` (already ordered) on the column orders the database starts with — A's, or
 * `start` when it is not exactly A (a Down runs on what its Up left) — and lists the tables of
 * B whose resulting order differs from B's.
 * @example predictColumnOrder(A, B, plan.steps).changes // [{ table: 'public.co', target: ['id','c','b'], result: ['id','b','c'], created: false }]
 */
export function predictColumnOrder(A: ModelIndex, B: ModelIndex, steps: Step[], start?: ColumnOrders): ColumnOrderPrediction {
  const order: ColumnOrders = new Map();
  for (const [k, t] of A.tables) order.set(k, [...(start?.get(k) ?? t.columns.map((c) => c.name))]);

  // Children and partitions of a table, by either side's inheritance (a parent's ALTER reaches both).
  const children = new Map<string, Set<string>>();
  for (const ix of [A, B]) {
    for (const [k, t] of ix.tables) {
      for (const p of parentKeys(t)) {
        const set = children.get(p) ?? new Set<string>();
        set.add(k);
        children.set(p, set);
      }
    }
  }
  const descendants = (k: string): string[] => {
    const out: string[] = [];
    const seen = new Set<string>([k]);
    const queue = [...(children.get(k) ?? [])];
    while (queue.length) {
      const c = queue.shift()!;
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      queue.push(...(children.get(c) ?? []));
    }
    return out;
  };

  for (const s of steps) {
    const kind = kindOf(s.key);
    if (kind === 'table') {
      if (s.action === 'drop') {
        order.delete(s.key);
        for (const r of s.removes ?? []) if (kindOf(r) === 'table') order.delete(r);
      } else if (s.action === 'create') {
        const t = B.tables.get(s.key);
        if (t) order.set(s.key, createdOrder(t, B, order));
      }
    } else if (kind === 'column') {
      if (s.action === 'create') {
        const at = B.columns.get(s.key);
        if (!at) continue;
        const tk = keys.table(at.table.schema, at.table.name);
        for (const k of [tk, ...descendants(tk)]) {
          const cols = order.get(k);
          if (cols && !cols.includes(at.column.name)) cols.push(at.column.name);
        }
      } else if (s.action === 'drop') {
        const at = A.columns.get(s.key) ?? B.columns.get(s.key);
        if (!at) continue;
        const tk = keys.table(at.table.schema, at.table.name);
        const name = at.column.name;
        const remove = (k: string) => {
          const cols = order.get(k);
          if (cols) order.set(k, cols.filter((c) => c !== name));
        };
        remove(tk);
        // A child keeps a column it declares itself; an only-inherited one goes with the parent's.
        for (const d of descendants(tk)) {
          const own = A.tables.get(d)?.columns.find((c) => c.name === name);
          if (!own || !own.local) remove(d);
        }
      }
    }
  }

  const created = new Set(steps.filter((s) => s.action === 'create' && kindOf(s.key) === 'table').map((s) => s.key));
  const out: ColumnOrderChange[] = [];
  for (const [k, t] of B.tables) {
    const target = t.columns.map((c) => c.name);
    const simulated = order.get(k) ?? target;
    // Only B's columns, in the simulated order (anything the replay missed is appended).
    const wanted = new Set(target);
    const result = simulated.filter((c) => wanted.has(c));
    for (const c of target) if (!result.includes(c)) result.push(c);
    if (result.join('\u0000') === target.join('\u0000')) continue;
    out.push({ table: `${t.schema}.${t.name}`, key: k, target, result, created: created.has(k) });
  }
  return { changes: out.sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)), result: order };
}

/** The order CREATE TABLE gives: a partition its parent's; else the parents' columns first, then its own. */
function createdOrder(t: TableDef, B: ModelIndex, order: Map<string, string[]>): string[] {
  const of = (k: string) => order.get(k) ?? B.tables.get(k)?.columns.map((c) => c.name) ?? [];
  if (t.partitionOf) return [...of(keys.table(t.partitionOf.schema, t.partitionOf.table))];
  const out: string[] = [];
  for (const p of t.inherits) for (const c of of(keys.table(p.schema, p.table))) if (!out.includes(c)) out.push(c);
  for (const c of t.columns) if (c.local && !out.includes(c.name)) out.push(c.name);
  return out;
}

/**
 * The note a migration carries for a change, in words.
 * @example columnOrderNote(change) // 'Columns of public.co stay in the order id, a, b, c, new_col (the target has id, c, new_col, b, a): …'
 */
export function columnOrderNote(c: ColumnOrderChange): string {
  const list = (xs: string[]) => xs.join(', ');
  return c.created
    ? `Columns of ${c.table} are created in the order ${list(c.result)} (the target has ${list(c.target)}): a table created with INHERITS or PARTITION OF takes its parents' columns first.`
    : `Columns of ${c.table} end up in the order ${list(c.result)} (the target has ${list(c.target)}): PostgreSQL cannot move the columns of an existing table (new ones go at the end), and the diff does not re-create a table for order alone.`;
}
