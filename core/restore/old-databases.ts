// `pglc restore old` and `pglc restore drop-old`: the databases restores of the environment's
// database replaced (kept for undo) and the leftovers of interrupted restores, listed and dropped
// on request. Another project's environment of the same name on the same server is not this one.
// Invariants: only databases with pglc's marker for this environment are listed or dropped;
// dropping the one `restore undo` would bring back on a protected environment needs the
// database name typed; leftovers are dropped only under the database's restore lock.

import type { DropReplacedResult, ReplacedDatabasesResult } from '../../protocol/index';
import { withAdvisoryLock } from '../db/advisory-lock';
import { openProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { nowOf, type OperationContext } from '../operation-context';
import { connectAdmin, dropMarkedDatabase } from './database-admin';
import { markedDatabases, replacedDatabases } from './replaced-databases';
import { openRestoreTarget } from './restore-target';

/**
 * @example const r = await listOldDatabases({ env: 'staging' }, ctx); r.databases[0]?.undoable
 */
export async function listOldDatabases(opts: { env?: string }, ctx: OperationContext): Promise<ReplacedDatabasesResult> {
  const { project, vars } = await openProject(ctx);
  const { env, target } = await openRestoreTarget(project, vars, opts.env ?? project.defaultEnvironment, ctx);
  const admin = await connectAdmin(target, env.name);
  try {
    const marked = await markedDatabases(admin, env.name);
    const busy = new Set((await admin.query<{ d: string }>('SELECT DISTINCT datname AS d FROM pg_stat_activity WHERE datname IS NOT NULL')).rows.map((r) => r.d));
    return {
      environment: env.name,
      server: `${target.host}:${target.port}`,
      databases: replacedDatabases(marked, target.database, project.restore.keepOldDays, nowOf(ctx)),
      leftovers: marked.filter((m) => m.marker.kind !== 'old' && m.marker.database === target.database && !busy.has(m.name)).map((m) => ({ name: m.name, sizeBytes: m.sizeBytes })),
    };
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Drops `names`, or every replaced database (`all`), or those past keep_old_days (`expired`).
 * @example await dropOldDatabases({ env: 'staging', expired: true }, ctx);
 */
export async function dropOldDatabases(
  opts: { env?: string; names?: string[]; all?: boolean; expired?: boolean; confirm?: string; dryRun?: boolean },
  ctx: OperationContext,
): Promise<DropReplacedResult> {
  const chosenWays = [Boolean(opts.names?.length), Boolean(opts.all), Boolean(opts.expired)].filter(Boolean).length;
  if (chosenWays !== 1) {
    throw new PglcError('usage', {
      what: chosenWays ? 'Conflicting choices of what to drop' : 'Nothing to drop was named',
      why: 'name the databases, or pass --all or --expired (one of them)',
      fix: 'Run `pglc restore old` to see them, then e.g. `pglc restore drop-old shop__pglc_old_20260115143000`.',
    });
  }
  const { project, vars } = await openProject(ctx);
  const { env, target } = await openRestoreTarget(project, vars, opts.env ?? project.defaultEnvironment, ctx);
  const admin = await connectAdmin(target, env.name);
  try {
    const marked = await markedDatabases(admin, env.name);
    const olds = replacedDatabases(marked, target.database, project.restore.keepOldDays, nowOf(ctx));
    let chosen: { name: string; sizeBytes: number; database: string; undoable: boolean }[];
    if (opts.names?.length) {
      chosen = opts.names.map((n) => {
        const m = marked.find((x) => x.name === n && x.marker.database === target.database);
        if (!m) {
          throw new PglcError('restore-not-possible', {
            what: `${n} is not a database a restore of ${env.name} left`,
            why: 'pglc only drops databases it marked (replaced databases and leftovers of interrupted restores)',
            fix: 'Run `pglc restore old` for the names; drop other databases yourself if you are sure.',
            details: { database: n },
          });
        }
        const o = olds.find((x) => x.name === n);
        return { name: n, sizeBytes: m.sizeBytes, database: m.marker.database, undoable: o?.undoable ?? false };
      });
    } else {
      chosen = olds.filter((o) => opts.all || o.expired);
    }
    if (opts.dryRun) return { environment: env.name, dropped: chosen.map((c) => ({ name: c.name, sizeBytes: c.sizeBytes })) };
    // Dropping the last way back of a protected database is as final as a restore.
    const lastWayBack = chosen.find((c) => c.undoable);
    if (lastWayBack) checkGuard('restore', env, lastWayBack.database, opts.confirm);
    const dropped: DropReplacedResult['dropped'] = [];
    for (const c of chosen) {
      await withAdvisoryLock(admin, `pglc:restore:${c.database}`, { timeoutMs: project.lockTimeoutMs, what: 'restore' }, ctx, () => dropMarkedDatabase(admin, c.name));
      dropped.push({ name: c.name, sizeBytes: c.sizeBytes });
    }
    return { environment: env.name, dropped };
  } finally {
    await admin.end().catch(() => undefined);
  }
}
