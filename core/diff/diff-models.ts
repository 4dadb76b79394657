// Model A → model B: the statements that turn a database shaped like A into one shaped like B,
// ordered by dependencies, and the reverse (Down) generated the same way from B → A.
// Invariants: pure and deterministic (same models → same SQL); everything that changes is a
// statement or a note — grants, column privileges, policies, view options and RLS switches
// included; anything that destroys data or removes access is marked and listed; an object that
// cannot survive a change to something it depends on is dropped and re-created around it.

import { displayKey, keys, kindOf } from '../schema/keys';
import type { SchemaModel } from '../schema/model';
import { has, type DiffContext, type DiffOptions } from './diff-context';
import { diffFunctions, functionNeedsReplace } from './diff-functions';
import { diffIndexes } from './diff-indexes';
import { diffDefaultPrivileges, diffExtensions, diffSchemas } from './diff-schemas';
import { diffSequences } from './diff-sequences';
import { columnNeedsReplace, columnRetyped, constraintNeedsReplace, diffTables, tableNeedsReplace } from './diff-tables';
import { diffPolicies, diffTriggers } from './diff-triggers';
import { diffTypes, enumNeedsRecreate, typeNeedsReplace } from './diff-types';
import { diffViews, viewNeedsReplace } from './diff-views';
import { columnOrderNote, predictColumnOrder, type ColumnOrderChange, type ColumnOrders } from './column-order';
import { indexModel } from './model-index';
import { orderSteps } from './order-steps';
import type { Step } from './step';

export type { DiffOptions } from './diff-context';

export interface DirectionPlan {
  steps: Step[];
  /** Things the reader must know that are not statements (column order, skipped comparisons). */
  notes: string[];
  /** Tables whose columns this direction leaves in another order than the target's (PostgreSQL cannot move columns). */
  columnOrder: ColumnOrderChange[];
  /** Every table's column order after this direction (what the other direction starts from). */
  resultColumnOrder: ColumnOrders;
  /** Steps that destroy data or remove access, in order. */
  destructive: Step[];
  warnings: Step[];
  /** False when a statement cannot run inside a transaction (the migration then runs statement by statement). */
  transactional: boolean;
  /** Steps that had to be placed despite a dependency cycle. */
  cycles: Step[];
}

export interface SchemaDiff {
  up: DirectionPlan;
  down: DirectionPlan;
  /** Object keys that differ (created, changed or dropped), sorted. */
  changed: string[];
}

/**
 * Diffs two models both ways.
 * @example const d = diffModels(fromModel, toModel); d.up.steps.map((s) => s.sql).join('\n')
 */
export function diffModels(a: SchemaModel, b: SchemaModel, opts: DiffOptions = {}): SchemaDiff {
  const up = planDirection(a, b, opts);
  // The Down runs on what the Up leaves, which is B except for column order.
  const down = planDirection(b, a, opts, up.resultColumnOrder);
  const changed = [...new Set(up.steps.map((s) => s.key))].sort();
  return { up, down, changed };
}

/**
 * The ordered statements turning `a` into `b`. `startOrder`: the column order the database
 * really has when it is not `a`'s (a Down runs on what its Up left).
 * @example planDirection(a, b).steps.length === 0 // a and b have the same shape
 */
export function planDirection(a: SchemaModel, b: SchemaModel, opts: DiffOptions = {}, startOrder?: ColumnOrders): DirectionPlan {
  const ctx: DiffContext = {
    a, b, A: indexModel(a), B: indexModel(b),
    safe: opts.safe ?? true,
    privileges: a.privileges && b.privileges,
    owners: a.owners && b.owners,
    steps: [], replaced: new Set(), retyped: new Set(), refreshDefault: new Set(), notes: [],
  };
  if (!ctx.privileges) ctx.notes.push('Grants and default privileges were not compared: one side was read without them (a backup is restored without privileges).');
  propagateReplacements(ctx);
  diffSchemas(ctx);
  diffExtensions(ctx);
  diffDefaultPrivileges(ctx);
  diffTypes(ctx);
  diffSequences(ctx);
  diffTables(ctx);
  diffFunctions(ctx);
  diffViews(ctx);
  diffIndexes(ctx);
  diffTriggers(ctx);
  diffPolicies(ctx);
  markEnumValuesUsedLater(ctx.steps);
  const ordered = orderSteps(ctx.steps, withoutOwnedBy(a.dependencies), withoutOwnedBy(b.dependencies));
  if (ordered.cycles.length) {
    ctx.notes.push(`A dependency cycle was broken by kind order around: ${[...new Set(ordered.cycles.map((s) => displayKey(s.key)))].join(', ')}.`);
  }
  const order = predictColumnOrder(ctx.A, ctx.B, ordered.steps, startOrder);
  return {
    steps: ordered.steps,
    notes: [...ctx.notes, ...order.changes.map(columnOrderNote)],
    columnOrder: order.changes,
    resultColumnOrder: order.result,
    destructive: ordered.steps.filter((s) => s.destructive),
    warnings: ordered.steps.filter((s) => s.warning),
    transactional: ordered.steps.every((s) => s.transactional !== false),
    cycles: ordered.cycles,
  };
}

/**
 * A value added to an enum cannot be used in the transaction that added it; when the same
 * migration uses it (a default, a check, a function body), the migration runs statement by statement.
 */
function markEnumValuesUsedLater(steps: Step[]): void {
  for (const s of steps) {
    const m = /^ALTER TYPE .* ADD VALUE ('(?:[^']|'')*')/.exec(s.sql);
    if (m && steps.some((o) => o !== s && o.sql.includes(m[1]!))) s.transactional = false;
  }
}

/** A sequence OWNED BY a column is set after the table exists: that edge must not order the sequence's creation. */
function withoutOwnedBy(deps: Record<string, string[]>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, ds] of Object.entries(deps)) {
    out[k] = kindOf(k) === 'sequence' ? ds.filter((d) => kindOf(d) !== 'column') : ds;
  }
  return out;
}

type Mode = 'gone' | 'retyped' | 'recreated';

/**
 * Marks what must be dropped and created again: objects whose own change needs it, and then,
 * following A's pg_depend edges, whatever depends on something dropped, re-created or retyped.
 */
function propagateReplacements(ctx: DiffContext): void {
  const queue: { key: string; mode: Mode }[] = [];
  const replace = (k: string) => {
    if (ctx.replaced.has(k)) return;
    ctx.replaced.add(k);
    queue.push({ key: k, mode: 'gone' });
  };
  for (const [k, t] of ctx.A.tables) {
    const n = ctx.B.tables.get(k);
    if (!n) continue;
    if (tableNeedsReplace(t, n)) {
      replace(k);
      for (const c of t.columns) queue.push({ key: keys.column(t.schema, t.name, c.name), mode: 'gone' });
      for (const c of t.constraints) queue.push({ key: keys.constraint(t.schema, t.name, c.name), mode: 'gone' });
    }
  }
  for (const [k, { table, column }] of ctx.A.columns) {
    const n = ctx.B.columns.get(k);
    if (!n || ctx.replaced.has(keys.table(table.schema, table.name))) continue;
    if (columnNeedsReplace(column, n.column)) replace(k);
    else if (columnRetyped(column, n.column)) {
      ctx.retyped.add(k);
      queue.push({ key: k, mode: 'retyped' });
    }
  }
  for (const [k, { constraint }] of ctx.A.constraints) {
    const n = ctx.B.constraints.get(k);
    if (n && constraintNeedsReplace(constraint, n.constraint)) replace(k);
  }
  for (const [k, ix] of ctx.A.indexes) {
    const n = ctx.B.indexes.get(k);
    if (n && n.definition !== ix.definition) replace(k);
  }
  for (const [k, v] of ctx.A.views) {
    const n = ctx.B.views.get(k);
    if (n && viewNeedsReplace(v, n)) replace(k);
  }
  for (const [k, f] of ctx.A.functions) {
    const n = ctx.B.functions.get(k);
    if (n && functionNeedsReplace(f, n)) replace(k);
  }
  for (const [k, t] of ctx.A.types) {
    const n = ctx.B.types.get(k);
    if (!n) continue;
    if (typeNeedsReplace(t, n)) replace(k);
    else if (t.kind === 'enum' && n.kind === 'enum' && enumNeedsRecreate(t, n)) queue.push({ key: k, mode: 'recreated' });
  }
  // Everything dropped.
  for (const k of allKeys(ctx.a)) if (!has(ctx.B, k)) queue.push({ key: k, mode: 'gone' });

  const seen = new Set<string>();
  while (queue.length) {
    const { key, mode } = queue.shift()!;
    const id = `${mode}:${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of ctx.A.dependents.get(key) ?? []) {
      if (!has(ctx.B, dep) || ctx.replaced.has(dep)) continue;
      const kind = kindOf(dep);
      if (kind === 'column') {
        const col = ctx.A.columns.get(dep)!.column;
        const onKind = kindOf(key);
        if (onKind === 'type') {
          // A column of a re-created type is moved onto the new one (diff-types.ts); of a
          // replaced domain or range: retyped in place.
          if (!ctx.retyped.has(dep)) {
            ctx.retyped.add(dep);
            queue.push({ key: dep, mode: 'retyped' });
          }
        } else if (col.generated !== undefined) replace(dep);
        else if (col.default !== undefined && (onKind === 'function' || onKind === 'sequence')) ctx.refreshDefault.add(dep);
        continue;
      }
      if (mode === 'retyped' && !['view', 'policy', 'trigger'].includes(kind)) continue;
      if (['view', 'index', 'constraint', 'trigger', 'policy', 'function', 'table', 'type'].includes(kind)) replace(dep);
    }
  }
}

function allKeys(m: SchemaModel): string[] {
  const out: string[] = [];
  for (const t of m.types) out.push(keys.type(t.schema, t.name));
  for (const s of m.sequences) out.push(keys.sequence(s.schema, s.name));
  for (const t of m.tables) {
    out.push(keys.table(t.schema, t.name));
    for (const c of t.columns) out.push(keys.column(t.schema, t.name, c.name));
    for (const c of t.constraints) out.push(keys.constraint(t.schema, t.name, c.name));
  }
  for (const v of m.views) out.push(keys.view(v.schema, v.name));
  for (const i of m.indexes) out.push(keys.index(i.schema, i.name));
  for (const f of m.functions) out.push(keys.function(f.schema, f.name, f.argTypes));
  return out;
}
