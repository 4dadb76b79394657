// The self-check every diff gets: apply the generated Up to a scratch copy of FROM, read it
// back, compare with TO; then apply the Down and compare with FROM. Whatever is left over, and
// any statement the server refuses, is a diff defect that names the objects involved.
// Invariants: the scratch copy is always dropped; statements run the way `pglc db migrate`
// would run the migration (one transaction, or one by one when a statement cannot run in a
// transaction), so a check that passes means the migration file applies; the comparison is
// structural (structural-differences.ts), independent of the diff's own logic. Column order is
// held against what the diff announced (column-order.ts): a table the Up leaves in the order the
// summary said is a known difference, reported; any other order difference is a defect.

import type { DbClient } from '../db/connect';
import { connect } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { throwIfAborted } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { introspect, type IntrospectOptions } from '../schema/introspect';
import { displayKey, keys } from '../schema/keys';
import type { SchemaModel } from '../schema/model';
import { createScratchDatabase, dropScratchDatabase, ensureRoles, type ScratchServer } from '../schema/scratch-database';
import type { DirectionPlan, SchemaDiff } from './diff-models';
import { columnOrderDifferences, structuralDifferences, type ColumnOrderDifference, type Difference } from './structural-differences';
import type { Step } from './step';

export interface DiffDefect {
  /** copy: the scratch copy of FROM differs from FROM; up/down-apply: a statement failed; up/down-leftover: differences remain. */
  phase: 'copy' | 'up-apply' | 'up-leftover' | 'down-apply' | 'down-leftover';
  message: string;
  /** The objects involved, as people read them (`table public.users`). */
  objects: string[];
  statement?: string;
  differences?: Difference[];
}

export interface SelfCheckResult {
  ok: boolean;
  defects: DiffDefect[];
  upStatements: number;
  downStatements: number;
  /** Differences the diff announced and the check found as announced (column order), in words. */
  known: string[];
  /** Roles created on the scratch server (NOLOGIN) so that grants could be applied. */
  rolesCreated: string[];
  /** The scratch database the check ran in (already dropped). */
  scratchDatabase: string;
  durationMs: number;
}

export interface SelfCheckInput {
  server: ScratchServer;
  from: SchemaModel;
  to: SchemaModel;
  diff: SchemaDiff;
  /** Fills the (empty, just created) scratch database with FROM's schema. */
  copyFrom(target: ConnectionTarget): Promise<void>;
  introspect: IntrospectOptions;
}

/** Every role a model names (grantees, policy roles, default-privilege roles, owners). */
export function rolesOf(m: SchemaModel): Set<string> {
  const out = new Set<string>();
  const grants = (gs: { grantee: string }[]) => gs.forEach((g) => out.add(g.grantee));
  const owner = (o?: string) => o && out.add(o);
  for (const s of m.schemas) { grants(s.grants); owner(s.owner); }
  for (const t of m.types) { grants(t.grants); owner(t.owner); }
  for (const s of m.sequences) { grants(s.grants); owner(s.owner); }
  for (const t of m.tables) { grants(t.grants); owner(t.owner); for (const c of t.columns) grants(c.grants); }
  for (const v of m.views) { grants(v.grants); owner(v.owner); for (const c of v.columns) grants(c.grants); }
  for (const f of m.functions) { grants(f.grants); owner(f.owner); }
  for (const p of m.policies) p.roles.forEach((r) => out.add(r));
  for (const d of m.defaultPrivileges) { grants(d.grants); if (d.role) out.add(d.role); }
  out.delete('PUBLIC');
  out.delete('CURRENT_USER');
  return out;
}

/**
 * Runs the self-check of `diff` (FROM → TO) in a scratch database on `server`.
 * @example const r = await selfCheck({ server, from, to, diff, copyFrom: (t) => restore(t), introspect: {} }, ctx); r.ok
 */
export async function selfCheck(input: SelfCheckInput, ctx: OperationContext): Promise<SelfCheckResult> {
  const t0 = performance.now();
  const defects: DiffDefect[] = [];
  const known: string[] = [];
  const rolesCreated = await ensureRoles(input.server, [...rolesOf(input.from), ...rolesOf(input.to)]);
  const target = await createScratchDatabase(input.server, 'check');
  const name = target.database;
  try {
    progress(ctx, 'diff.check', 'Self-check: copying FROM into a scratch database…');
    await input.copyFrom(target);
    throwIfAborted(ctx.signal, 'The self-check');
    const client = await connect(target, { applicationName: 'pglc self-check' });
    try {
      const copy = await introspect(client, input.introspect);
      const copyDiffs = [...structuralDifferences(input.from, copy), ...columnOrderDifferences(input.from, copy).map(orderDifference)];
      const unreliable = new Set(copyDiffs.map((d) => d.key));
      if (copyDiffs.length) {
        defects.push({
          phase: 'copy',
          message: `The scratch copy of FROM differs from FROM in ${copyDiffs.length} object${copyDiffs.length === 1 ? '' : 's'}, which the check cannot vouch for`,
          objects: copyDiffs.map((d) => displayKey(d.key)),
          differences: copyDiffs,
        });
      }
      progress(ctx, 'diff.check', `Self-check: applying the Up (${input.diff.up.steps.length} statements)…`);
      const upFailure = await applyPlan(client, input.diff.up);
      if (upFailure) {
        defects.push({ phase: 'up-apply', ...upFailure });
      } else {
        throwIfAborted(ctx.signal, 'The self-check');
        const after = await introspect(client, input.introspect);
        // A side read without privileges (a backup) means the diff left grants alone: so does the check.
        const privileges = input.from.privileges && input.to.privileges;
        after.privileges = privileges;
        const left = structuralDifferences(input.to, after).filter((d) => !unreliable.has(d.key));
        left.push(...checkColumnOrder('Up', input.diff.up, input.to, after, unreliable, known));
        if (left.length) {
          defects.push({
            phase: 'up-leftover',
            message: `After the Up, ${left.length} object${left.length === 1 ? ' still differs' : 's still differ'} from TO`,
            objects: left.map((d) => displayKey(d.key)),
            differences: left,
          });
        }
        progress(ctx, 'diff.check', `Self-check: applying the Down (${input.diff.down.steps.length} statements)…`);
        const downFailure = await applyPlan(client, input.diff.down);
        if (downFailure) defects.push({ phase: 'down-apply', ...downFailure });
        else {
          const back = await introspect(client, input.introspect);
          back.privileges = privileges;
          const rest = structuralDifferences(copy, back);
          rest.push(...checkColumnOrder('Down', input.diff.down, copy, back, unreliable, known));
          if (rest.length) {
            defects.push({
              phase: 'down-leftover',
              message: `After the Down, ${rest.length} object${rest.length === 1 ? ' differs' : 's differ'} from FROM`,
              objects: rest.map((d) => displayKey(d.key)),
              differences: rest,
            });
          }
        }
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    await dropScratchDatabase(input.server, name);
  }
  const failed = defects.filter((d) => d.phase !== 'copy');
  return {
    ok: failed.length === 0,
    defects,
    known,
    upStatements: input.diff.up.steps.length,
    downStatements: input.diff.down.steps.length,
    rolesCreated,
    scratchDatabase: name,
    durationMs: Math.round(performance.now() - t0),
  };
}

function orderDifference(d: ColumnOrderDifference): Difference {
  return { key: d.key, kind: 'different', detail: `column order: ${d.actual.join(', ')} → expected ${d.expected.join(', ')}` };
}

/**
 * Column order after a phase against what its plan announced: an order found exactly as
 * announced goes to `known`; any other order difference, and an announcement the phase did not
 * bear out (the summary would have said something untrue), is returned as a difference (a defect).
 */
function checkColumnOrder(phase: 'Up' | 'Down', plan: DirectionPlan, expected: SchemaModel, actual: SchemaModel, unreliable: Set<string>, known: string[]): Difference[] {
  const out: Difference[] = [];
  const announced = new Map(plan.columnOrder.map((c) => [c.key, c]));
  const found = columnOrderDifferences(expected, actual).filter((d) => !unreliable.has(d.key));
  for (const d of found) {
    const a = announced.get(d.key);
    if (a && a.result.join('\u0000') === d.actual.join('\u0000')) {
      known.push(`${phase}: columns of ${a.table} are in the order ${d.actual.join(', ')} (${phase === 'Up' ? 'TO' : 'FROM'} has ${d.expected.join(', ')}), as announced`);
      continue;
    }
    const diff = orderDifference(d);
    out.push(a ? { ...diff, detail: `${diff.detail} (the diff announced ${a.result.join(', ')})` } : diff);
  }
  const differing = new Set(found.map((d) => d.key));
  const tables = new Map(actual.tables.map((t) => [keys.table(t.schema, t.name), t]));
  for (const a of plan.columnOrder) {
    if (differing.has(a.key) || unreliable.has(a.key)) continue;
    const t = tables.get(a.key);
    // A table whose columns differ is reported by structuralDifferences already.
    if (!t || t.columns.map((c) => c.name).sort().join('\u0000') !== [...a.target].sort().join('\u0000')) continue;
    out.push({ key: a.key, kind: 'different', detail: `column order: ${t.columns.map((c) => c.name).join(', ')}, but the diff announced ${a.result.join(', ')}` });
  }
  return out;
}

/**
 * Runs a plan's statements as `pglc db migrate` would: in one transaction, or one by one when
 * a statement cannot run inside one. Returns the failure, if any.
 */
export async function applyPlan(client: DbClient, plan: DirectionPlan): Promise<Omit<DiffDefect, 'phase'> | undefined> {
  const inTx = plan.transactional && plan.steps.length > 0;
  if (inTx) await client.query('BEGIN');
  for (const step of plan.steps) {
    try {
      await client.query(step.sql);
    } catch (e) {
      if (inTx) await client.query('ROLLBACK').catch(() => undefined);
      return failure(step, e);
    }
  }
  if (inTx) {
    try {
      await client.query('COMMIT');
    } catch (e) {
      return { message: `COMMIT failed: ${(e as Error).message}`, objects: [] };
    }
  }
  return undefined;
}

function failure(step: Step, e: unknown): Omit<DiffDefect, 'phase'> {
  const err = e as { message?: string; detail?: string };
  return {
    message: `PostgreSQL refused a generated statement: ${err.message ?? String(e)}${err.detail ? ` (${err.detail})` : ''}`,
    objects: [displayKey(step.key)],
    statement: step.sql,
  };
}
