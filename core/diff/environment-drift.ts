// The comparison behind drift, shared by `pglc schema drift` and `pglc db migrate:status`: an
// environment's schema against the shadow database of the migrations applied there (up to the
// newest applied version, so a pending migration is not drift), folded into what people read —
// objects no migration creates, objects the migrations create that the environment lacks,
// objects shaped differently, and column order apart (not drift: no migration can move columns).
// Invariants: the environment is only read; the shadow database is built on the local server
// and dropped (or its model taken from .pglc/cache when the same migrations were built before).

import type { ColumnOrderNote, MigrationStatusResult } from '../../protocol/index';
import type { ConnectionTarget } from '../db/connection-target';
import type { OpenedProject } from '../environments/open-environment';
import { compareVersions } from '../migrations/version';
import type { OperationContext } from '../operation-context';
import { displayKey, kindOf } from '../schema/keys';
import { environmentSide, loadSchemaSide, type SchemaSide } from '../schema/schema-source';
import type { ScratchServer } from '../schema/scratch-database';
import { diffModels, type SchemaDiff } from './diff-models';
import { columnOrderNotes } from './schema-diff';
import { structuralDifferences, type Difference } from './structural-differences';

export interface DriftComparison {
  /** The newest applied migration (the shadow is built up to it); undefined when none is applied. */
  upTo?: string;
  /** No object differs (column order is reported apart and does not count). */
  identical: boolean;
  unmanaged: string[];
  missing: string[];
  different: string[];
  columnOrder: ColumnOrderNote[];
  notes: string[];
  /** The shadow side (its copyInto rebuilds it for a self-check). */
  shadow: SchemaSide;
  environment: SchemaSide;
  /** The catch-up diff: shadow → environment. */
  diff: SchemaDiff;
  /** The shadow's model came from the cache. */
  cached: boolean;
}

/** Columns and constraints of a table that is itself unmanaged or missing are part of it, not listed apart. */
function foldIntoTables(diffs: Difference[]): Difference[] {
  const whole = new Set(diffs.filter((d) => d.kind !== 'different' && kindOf(d.key) === 'table').map((d) => `${d.kind}:${d.key.slice('table:'.length)}`));
  return diffs.filter((d) => {
    const k = kindOf(d.key);
    if (d.kind === 'different' || (k !== 'column' && k !== 'constraint')) return true;
    const parent = /^(.*)\."(?:[^"]|"")*"$/.exec(d.key.slice(k.length + 1))?.[1];
    return !(parent && whole.has(`${d.kind}:${parent}`));
  });
}

/**
 * Compares the environment behind `target` with the migrations `status` says are applied there.
 * @example const d = await compareWithAppliedMigrations(opened, 'staging', target, status, scratch, ctx, { cache: true }); d.unmanaged
 */
export async function compareWithAppliedMigrations(
  opened: OpenedProject,
  envName: string,
  target: ConnectionTarget,
  status: MigrationStatusResult,
  scratch: () => Promise<ScratchServer>,
  ctx: OperationContext,
  opts: { cache?: boolean } = {},
): Promise<DriftComparison> {
  const applied = status.rows.filter((r) => r.state === 'applied' || r.state === 'modified').map((r) => r.version).sort(compareVersions);
  const upTo = applied.at(-1);
  const notes: string[] = [];
  const skipped = status.rows.filter((r) => (r.state === 'pending' || r.state === 'out-of-order') && upTo !== undefined && compareVersions(r.version, upTo) < 0);
  if (skipped.length) notes.push(`${skipped.map((r) => r.version).join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not applied on ${envName} but older than ${upTo}: the comparison includes ${skipped.length === 1 ? 'it' : 'them'}`);
  if (status.rows.some((r) => r.state === 'modified')) notes.push('Some applied migrations changed since they were applied: the comparison uses the files as they are now');

  // The environment first: it is the part that can fail for reasons of its own (privileges).
  const environment = await environmentSide(opened, envName, target, ctx);
  const shadow = await loadSchemaSide(opened, 'migrations', scratch, ctx, { upTo: upTo ?? null, cache: opts.cache });
  const diffs = foldIntoTables(structuralDifferences(environment.model, shadow.model));
  const diff = diffModels(shadow.model, environment.model);
  return {
    ...(upTo ? { upTo } : {}),
    identical: diffs.length === 0 && diff.up.steps.length === 0,
    unmanaged: diffs.filter((d) => d.kind === 'missing').map((d) => displayKey(d.key)),
    missing: diffs.filter((d) => d.kind === 'extra').map((d) => displayKey(d.key)),
    different: diffs.filter((d) => d.kind === 'different').map((d) => `${displayKey(d.key)}: ${d.detail}`),
    columnOrder: columnOrderNotes(diff.up.columnOrder),
    notes,
    shadow,
    environment,
    diff,
    cached: shadow.cached === true,
  };
}
