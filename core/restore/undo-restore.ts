// `pglc restore undo`: the database a restore replaced becomes live again, by the same atomic
// swap — and the restored one is kept in its place (marked as replaced), so the undo can itself
// be undone. Invariants: only a replaced database pglc marked for this environment and database
// is swapped back; on a protected environment the database name must be typed; runs under the
// database's restore lock.

import type { RestoreUndoResult } from '../../protocol/index';
import { withAdvisoryLock } from '../db/advisory-lock';
import { openProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { nowOf, progress, type OperationContext } from '../operation-context';
import { connectAdmin, readDatabaseShell, unusedRestoreName } from './database-admin';
import { markedDatabases, replacedDatabases } from './replaced-databases';
import { openRestoreTarget } from './restore-target';
import { swapDatabases } from './swap-databases';

/**
 * @example const r = await undoRestore({ env: 'staging' }, ctx); r.restored
 */
export async function undoRestore(opts: { env?: string; confirm?: string; dryRun?: boolean }, ctx: OperationContext): Promise<RestoreUndoResult> {
  const { project, vars } = await openProject(ctx);
  const opened = await openRestoreTarget(project, vars, opts.env ?? project.defaultEnvironment, ctx);
  const { env, target } = opened;
  const t0 = Date.now();
  const admin = await connectAdmin(target, env.name);
  try {
    const olds = replacedDatabases(await markedDatabases(admin, env.name), target.database, project.restore.keepOldDays, nowOf(ctx));
    const newest = olds.find((o) => o.undoable);
    if (!newest) {
      throw new PglcError('restore-nothing-to-undo', {
        what: `There is no restore of ${target.database} on ${env.name} to undo`,
        why: 'no database replaced by a restore is kept on the server (it was dropped, or no full restore ran)',
        fix: 'Restore the pre-restore backup instead: `pglc backup list` shows it (tagged pre-restore).',
        details: { environment: env.name, database: target.database },
      });
    }
    const keptAs = await unusedRestoreName(admin, target.database, 'old', nowOf(ctx));
    if (opts.dryRun) return { environment: env.name, database: target.database, restored: newest.name, keptAs, terminated: 0, durationMs: 0 };
    checkGuard('restore', env, target.database, opts.confirm);
    const marker = (await markedDatabases(admin, env.name)).find((m) => m.name === newest.name)!.marker;
    return await withAdvisoryLock(admin, `pglc:restore:${target.database}`, { timeoutMs: project.lockTimeoutMs, what: 'restore' }, ctx, async () => {
      const live = await readDatabaseShell(admin, target.database);
      progress(ctx, 'restore.swap', `Swapping ${newest.name} back in as ${target.database}…`);
      const r = await swapDatabases(admin, {
        target: target.database,
        replacement: newest.name,
        ...(live
          ? { keepAs: keptAs, keptMarker: { kind: 'old' as const, database: target.database, environment: env.name, at: nowOf(ctx).toISOString(), ...(live.comment !== undefined ? { comment: live.comment } : {}) } }
          : {}),
        ...(marker.comment !== undefined ? { comment: marker.comment } : {}),
      }, ctx);
      return { environment: env.name, database: target.database, restored: newest.name, keptAs: live ? keptAs : '', terminated: r.terminated, durationMs: Date.now() - t0 };
    });
  } finally {
    await admin.end().catch(() => undefined);
  }
}
