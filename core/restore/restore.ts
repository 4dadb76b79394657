// `pglc restore`: resolve and check the backup, plan, confirm, back up what will be replaced,
// build the new copy (or the scratch copy for partial restores), check it, and only then put it
// live — with the database's locks held so a migration or a second restore waits or fails clearly.
// Invariants: the target is untouched until the copy is complete and checked (full: the swap;
// partial: one transaction); a protected target needs its database name typed (no flag skips
// it); no pre-restore backup, no restore; leftovers of killed runs are dropped by the next run
// under the same lock.

import type { RestorePlan, RestoreResult } from '../../protocol/index';
import { withAdvisoryLock } from '../db/advisory-lock';
import { connect } from '../db/connect';
import { openProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { note, nowOf, progress, type OperationContext } from '../operation-context';
import { createAndStoreBackup } from '../backup/create-and-store';
import { dropMarkedDatabase } from './database-admin';
import { buildRestoredCopy, swapInCopy } from './full-restore';
import { partialRestore, type PartialOutcome } from './partial-restore';
import { prepareRestore, type PreparedRestore, type RestoreOptions } from './prepare-restore';
import { dropLeftovers, markedDatabases, replacedDatabases } from './replaced-databases';
import { openRestoreTarget } from './restore-target';
import { removeStaleWorkDirs, restoreWorkRoot } from './work-dir';

export interface RestoreHooks {
  /**
   * Shows the plan and returns what the user typed (protected targets: the database name;
   * others: the database name or 'yes'), or undefined when nobody can be asked.
   */
  confirm?(plan: RestorePlan): Promise<string | undefined>;
}

/**
 * @example const r = await restore({ ref: 'latest', to: 'staging', confirm: 'shop' }, ctx);
 */
export async function restore(opts: RestoreOptions, ctx: OperationContext, hooks: RestoreHooks = {}): Promise<RestoreResult> {
  const { project, vars } = await openProject(ctx);
  const envName = opts.to ?? opts.source ?? project.defaultEnvironment;
  const opened = await openRestoreTarget(project, vars, envName, ctx);
  const c = { ...ctx, env: vars };
  await removeStaleWorkDirs(restoreWorkRoot(project.root, vars)).catch(() => 0);
  const p = await prepareRestore(project, vars, opened, opts, c);
  try {
    const plan = p.plan;
    if (opts.dryRun) return { plan, dryRun: true };
    await confirmRestore(p, opts, hooks);
    const timeoutMs = project.lockTimeoutMs;
    const db = p.target.database;
    return await withAdvisoryLock(p.admin, `pglc:restore:${db}`, { timeoutMs, what: 'restore' }, c, async () => {
      for (const l of await dropLeftovers(p.admin, opened.env.name, db)) note(c, `Dropped ${l.name}, left by an interrupted restore.`, 'info');
      return p.state.exists ? withTargetLock(p, c, (release) => run(p, opts, c, release)) : run(p, opts, c, async () => undefined);
    });
  } finally {
    await p.archive.cleanup().catch(() => undefined);
    await p.admin.end().catch(() => undefined);
  }
}

async function confirmRestore(p: PreparedRestore, opts: RestoreOptions, hooks: RestoreHooks): Promise<void> {
  const db = p.target.database;
  if (p.plan.confirmation === 'typed-name') {
    const typed = opts.confirm ?? (await hooks.confirm?.(p.plan));
    checkGuard('restore', p.opened.env, db, typed);
    return;
  }
  if (opts.confirm !== undefined || !hooks.confirm) return;
  const typed = await hooks.confirm(p.plan);
  if (typed === undefined) return;
  if (typed !== db && !/^y(es)?$/i.test(typed)) {
    throw new PglcError('cancelled', { what: 'The restore was not started', why: 'it was not confirmed', fix: 'Nothing was changed. Run it again and answer yes (or pass --confirm <database>).' });
  }
}

/**
 * Holds the target's `pglc:mutate` lock while the copy is built, so migrations wait; the lock's
 * session is closed before the swap (which closes every session of the target anyway).
 */
async function withTargetLock(p: PreparedRestore, ctx: OperationContext, fn: (release: () => Promise<void>) => Promise<RestoreResult>): Promise<RestoreResult> {
  const locked = await connect(p.target, { envName: p.opened.env.name, applicationName: 'pglc restore (lock)' });
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await locked.end().catch(() => undefined);
  };
  try {
    return await withAdvisoryLock(locked, 'pglc:mutate', { timeoutMs: p.project.lockTimeoutMs, what: 'migration, restore or anonymization' }, ctx, () => fn(release));
  } finally {
    await release();
  }
}

async function run(p: PreparedRestore, opts: RestoreOptions, ctx: OperationContext, releaseTargetLock: () => Promise<void>): Promise<RestoreResult> {
  const t0 = nowOf(ctx).getTime();
  const { opened, plan } = p;
  const db = p.target.database;
  let preRestoreBackup: NonNullable<RestoreResult['done']>['preRestoreBackup'];
  if (plan.preRestoreBackup.taken) {
    progress(ctx, 'restore.backup', `Backing up ${db} on ${opened.env.name} before it is replaced…`);
    try {
      const b = await createAndStoreBackup(opened, { tags: ['pre-restore'], name: 'before-restore', ...(opts.toolVersion ? { toolVersion: opts.toolVersion } : {}) }, ctx);
      preRestoreBackup = { id: b.manifest.id, location: b.location };
    } catch (e) {
      if (e instanceof PglcError && e.code === 'cancelled') throw e;
      throw new PglcError('backup-failed', {
        what: `Nothing was restored into ${opened.env.name}: the pre-restore backup failed`,
        why: e instanceof PglcError ? `${e.what} — ${e.why}` : String(e),
        fix: e instanceof PglcError ? e.fix : 'Fix the backup (try `pglc backup create`), then restore again.',
        details: { environment: opened.env.name, database: db, ...(e instanceof PglcError ? { cause: e.code } : {}) },
      });
    }
  }
  const outcome: PartialOutcome & { oldDatabase?: string } = p.mode === 'full' || p.mode === 'schema-only' ? await fullOutcome(p, ctx, releaseTargetLock) : await partialRestore(p, ctx);
  const undo = outcome.oldDatabase
    ? `pglc restore undo --env ${opened.env.name}`
    : preRestoreBackup
      ? `pglc restore ${preRestoreBackup.id} --env ${opened.env.name}${p.mode === 'full' || p.mode === 'schema-only' ? '' : ' --data-only'}`
      : p.state.exists ? 'no pre-restore backup was taken (--no-backup)' : 'nothing to undo: the database did not exist';
  return {
    plan,
    dryRun: false,
    done: {
      durationMs: Date.now() - t0,
      ...(preRestoreBackup ? { preRestoreBackup } : {}),
      tablesRestored: outcome.tables,
      rowsRestored: outcome.rows,
      ...(outcome.oldDatabase ? { oldDatabase: outcome.oldDatabase } : {}),
      checks: outcome.checks,
      ...(outcome.anonymized ? { anonymized: outcome.anonymized } : {}),
      undo,
      warnings: outcome.warnings,
    },
  };
}

/** Full and schema-only restores: build and check the copy, then swap it in (the target's lock session is closed first). */
async function fullOutcome(p: PreparedRestore, ctx: OperationContext, releaseTargetLock: () => Promise<void>): Promise<PartialOutcome & { oldDatabase?: string }> {
  const copy = await buildRestoredCopy(p, ctx);
  await releaseTargetLock();
  const swapped = await swapInCopy(p, copy, ctx);
  const warnings = [...copy.warnings];
  await expireOld(p, swapped.oldDatabase, ctx, warnings);
  return { ...copy, warnings, ...(swapped.oldDatabase ? { oldDatabase: swapped.oldDatabase } : {}) };
}

/** Drops replaced databases of this database past `[restore] keep_old_days` (never the one just kept). */
async function expireOld(p: PreparedRestore, justKept: string | undefined, ctx: OperationContext, warnings: string[]): Promise<void> {
  const days = p.project.restore.keepOldDays;
  if (days === undefined) return;
  const olds = replacedDatabases(await markedDatabases(p.admin, p.opened.env.name), p.target.database, days, nowOf(ctx));
  for (const o of olds) {
    if (!o.expired || o.name === justKept) continue;
    try {
      await dropMarkedDatabase(p.admin, o.name);
      note(ctx, `Dropped ${o.name}, replaced ${o.replacedAt} (older than keep_old_days = ${days}).`, 'info');
    } catch (e) {
      warnings.push(`${o.name} is past keep_old_days but could not be dropped: ${(e as Error).message}`);
    }
  }
}
