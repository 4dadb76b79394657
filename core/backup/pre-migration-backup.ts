// Migrations with a safety net: before anything is applied to a protected environment (or to any
// environment with [backup] pre_migration = "always"), a backup tagged pre-migration is taken.
// Invariants: a protected environment always gets the backup — no setting or flag skips it; when
// the backup fails, nothing is migrated; nothing is backed up when nothing is pending.

import type { MigrateResult } from '../../protocol/index';
import type { OpenedEnvironment } from '../environments/open-environment';
import { PglcError } from '../errors';
import { migrate, type MigrateOptions } from '../migrations/migrate';
import { note, type OperationContext } from '../operation-context';
import { createAndStoreBackup } from './create-and-store';

export interface MigrateWithBackupOptions extends MigrateOptions {
  /** false = `--no-backup`: allowed only where the backup is optional (not protected). */
  backup?: boolean;
  toolVersion?: string;
}

/** Whether migrating `env` takes a pre-migration backup under the project's policy. */
export function needsPreMigrationBackup(opened: Pick<OpenedEnvironment, 'project' | 'env' | 'target'>, backup?: boolean): boolean {
  if (opened.env.protected) {
    if (backup === false) {
      throw new PglcError('guard-blocked', {
        what: `--no-backup is not allowed on protected environment "${opened.env.name}"`,
        why: 'migrations on a protected environment always start with a backup, so they can be undone',
        fix: 'Run the migration without --no-backup.',
        details: { environment: opened.env.name, database: opened.target.database, operation: 'migrate' },
      });
    }
    return true;
  }
  return backup !== false && opened.project.backup.preMigration === 'always';
}

/**
 * `pglc db migrate` as users run it: the pre-migration backup when the policy asks, then migrate.
 * @example await migrateWithBackup(opened, { to: '0007' }, ctx) // backs up first on prod
 */
export async function migrateWithBackup(opened: OpenedEnvironment, opts: MigrateWithBackupOptions, ctx: OperationContext): Promise<MigrateResult> {
  const { project, env, target } = opened;
  const c = { ...ctx, env: opened.vars };
  const wanted = needsPreMigrationBackup(opened, opts.backup);
  if (!wanted || opts.dryRun) return migrate(project, env, target, opts, c);
  const plan = await migrate(project, env, target, { ...opts, dryRun: true }, c);
  if (plan.pending.length === 0) return migrate(project, env, target, opts, c);
  note(c, `Backing up ${env.name} (${target.database}) before applying ${plan.pending.length} migration(s)…`, 'info');
  let backup;
  try {
    backup = await createAndStoreBackup(opened, { tags: ['pre-migration'], name: `before-${plan.pending[0]}`, toolVersion: opts.toolVersion }, c);
  } catch (e) {
    if (e instanceof PglcError && e.code === 'cancelled') throw e;
    const reason = e instanceof PglcError ? `${e.what} — ${e.why}` : String(e);
    throw new PglcError('backup-failed', {
      what: `No migration was applied to ${env.name}: the pre-migration backup failed`,
      why: reason,
      fix: e instanceof PglcError ? e.fix : 'Fix the backup (try `pglc backup create`), then migrate again.',
      details: { environment: env.name, database: target.database, ...(e instanceof PglcError ? { cause: e.code } : {}) },
    });
  }
  const result = await migrate(project, env, target, opts, c);
  return { ...result, preMigrationBackup: { id: backup.manifest.id, location: backup.location, sizeBytes: backup.manifest.totalSize } };
}
