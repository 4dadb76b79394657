// `pglc db migrate:status` with drift: the migration status, then how the environment's schema
// differs from what its applied migrations build (environment-drift.ts), so "staging has 2
// objects that no migration creates" is part of the answer to "where does staging stand?".
// Invariants: drift never fails the status — whatever stops it (a migration that fails on the
// shadow, the local PostgreSQL stopped, a privilege missing) becomes `drift.state =
// 'unavailable'` with what / why / fix, and the status is returned as read; only cancellation
// propagates. The status never starts the local PostgreSQL for drift: the shadow model comes
// from .pglc/cache, or is built on a local server that already runs.

import type { MigrationStatusDrift, MigrationStatusResult } from '../../protocol/index';
import { localClusterStatus } from '../db/local-cluster';
import type { OpenedEnvironment } from '../environments/open-environment';
import { isPglcError, PglcError } from '../errors';
import { migrationStatus } from '../migrations/status';
import type { OperationContext } from '../operation-context';
import { localScratchServer } from '../schema/schema-source';
import type { ScratchServer } from '../schema/scratch-database';
import { compareWithAppliedMigrations } from './environment-drift';

export interface StatusOptions {
  /** Compare the schema with the applied migrations (default true; `--no-drift`). */
  drift?: boolean;
}

/**
 * The migration status of an environment, with its drift unless `drift: false`.
 * @example const s = await migrationStatusWithDrift(await openEnvironment(ctx, 'staging'), {}, ctx); s.drift?.unmanaged
 */
export async function migrationStatusWithDrift(opened: OpenedEnvironment, opts: StatusOptions, ctx: OperationContext): Promise<MigrationStatusResult> {
  const status = await migrationStatus(opened.project, opened.env, opened.target, ctx);
  if (opts.drift === false) return status;
  return { ...status, drift: await statusDrift(opened, status, ctx) };
}

async function statusDrift(opened: OpenedEnvironment, status: MigrationStatusResult, ctx: OperationContext): Promise<MigrationStatusDrift> {
  const t0 = performance.now();
  const { env, target } = opened;
  let server: Promise<ScratchServer> | undefined;
  const scratch = () => (server ??= (async () => {
    if (env.kind !== 'embedded' && !(await localClusterStatus(opened.project.root, 'postgres', ctx)).running) {
      throw new PglcError('local-cluster-stopped', {
        what: 'The local PostgreSQL is not running',
        why: 'pglc builds the shadow database of the applied migrations there, and no earlier build of them is cached',
        fix: `Start it with \`pglc db start\` (then every status checks drift), or run \`pglc schema drift --env ${env.name}\`, which starts it.`,
      });
    }
    return localScratchServer(opened, ctx);
  })());
  try {
    const d = await compareWithAppliedMigrations(opened, env.name, target, status, scratch, ctx, { cache: true });
    return {
      state: 'checked',
      identical: d.identical,
      ...(d.upTo ? { upTo: d.upTo } : {}),
      unmanaged: d.unmanaged,
      missing: d.missing,
      different: d.different,
      columnOrder: d.columnOrder,
      notes: d.notes,
      cached: d.cached,
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (e) {
    if (ctx.signal?.aborted || (isPglcError(e) && e.code === 'cancelled')) throw e;
    const problem = isPglcError(e)
      ? e.toPayload()
      : { code: 'internal' as const, what: 'Drift could not be checked', why: e instanceof Error ? e.message : String(e), fix: `Run \`pglc schema drift --env ${env.name}\` to see the whole error.` };
    return {
      state: 'unavailable', identical: false, unmanaged: [], missing: [], different: [], columnOrder: [], notes: [],
      problem, cached: false, durationMs: Math.round(performance.now() - t0),
    };
  }
}
