// The scheduled job itself (`pglc backup schedule:run --env ENV`, what cron / the systemd timer
// run): create a backup tagged `scheduled`, upload it when [backup] storage = "s3", prune, write
// .pglc/backup-status.json, notify.
// Invariants: the status file is written for every run, failed or not, before notifications go
// out, and the run's result is `failed` when the backup was not created, not uploaded though it
// should have been, or prune failed — the CLI then exits non-zero so cron/systemd record it; a
// failed create skips prune (old backups are worth most when new ones fail); notifications never
// change the result.

import { readFileSync, statSync } from 'node:fs';
import { parseEnv } from 'node:util';
import type { BackupManifest, BackupRunStatus } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError, isPglcError } from '../errors';
import { note, nowOf, type OperationContext } from '../operation-context';
import type { BackupStores } from '../storage/open-stores';
import { notifyRun } from './notify';
import { pruneBackups } from './prune';
import { writeStatusFile } from './status';
import { uploadAfterCreate } from './upload';

export interface ScheduledRunInput {
  project: ProjectConfig;
  /** Variables (process + .env + env file) for notifications. */
  vars: Readonly<Record<string, string | undefined>>;
  environment: string;
  stores: BackupStores;
  /** Creates the backup (the CLI passes core/backup/create's createBackup with tags ['scheduled']). */
  create(ctx: OperationContext): Promise<BackupManifest>;
}

/**
 * Runs one scheduled backup and records it. Never throws for a failed step: the returned status
 * says `failed` and why (cancellation excepted).
 * @example const status = await runScheduledBackup({ project, vars, environment: 'prod', stores, create }, ctx);
 */
export async function runScheduledBackup(input: ScheduledRunInput, ctx: OperationContext): Promise<BackupRunStatus> {
  const startedAt = nowOf(ctx).toISOString();
  const steps: BackupRunStatus['steps'] = { create: 'skipped', upload: 'skipped', prune: 'skipped', notify: 'skipped' };
  const problems: string[] = [];
  let manifest: BackupManifest | undefined;
  let uploaded: boolean | undefined;
  let pruned: number | undefined;

  try {
    manifest = await input.create(ctx);
    steps.create = 'ok';
  } catch (e) {
    if (!isPglcError(e)) throw e;
    steps.create = 'failed';
    problems.push(`backup failed: ${e.what} — ${e.why}`);
  }
  if (manifest && input.stores.uploadAfterCreate && input.stores.remote) {
    const outcome = await uploadAfterCreate(input.stores, manifest, ctx);
    uploaded = outcome.uploaded;
    steps.upload = outcome.uploaded ? 'ok' : 'failed';
    if (!outcome.uploaded && outcome.error) problems.push(`kept locally only, upload failed: ${outcome.error.what} — ${outcome.error.why}`);
  }
  if (manifest && !ctx.signal?.aborted) {
    try {
      const r = await pruneBackups(input.project, input.stores, { environment: input.environment }, ctx);
      pruned = r.deleted;
      steps.prune = 'ok';
    } catch (e) {
      if (!isPglcError(e) || e.code === 'cancelled') throw e;
      steps.prune = 'failed';
      problems.push(`prune failed: ${e.what} — ${e.why}`);
    }
  }

  const result = problems.length ? 'failed' : 'ok';
  const status: BackupRunStatus = {
    environment: input.environment,
    startedAt,
    finishedAt: nowOf(ctx).toISOString(),
    result,
    message: result === 'ok'
      ? `Backup ${manifest!.id} created${uploaded ? ` and uploaded to ${input.stores.remote!.describe()}` : ''}${pruned ? `; prune removed ${pruned}` : ''}`
      : problems.join('; '),
    ...(manifest ? { backupId: manifest.id, location: uploaded ? ('both' as const) : ('local' as const) } : {}),
    ...(uploaded !== undefined ? { uploaded } : {}),
    ...(pruned !== undefined ? { pruned } : {}),
    steps,
  };
  await writeStatusFile(input.project.root, status);
  if (input.project.backup.notify) {
    const n = await notifyRun(input.project.backup.notify, status, input.vars, input.project.root, ctx);
    steps.notify = n.command === 'failed' || n.webhook === 'failed' ? 'failed' : 'ok';
    // The notify outcome is recorded too, without touching the run's result.
    await writeStatusFile(input.project.root, status).catch(() => undefined);
  }
  note(ctx, `Scheduled backup of ${input.environment}: ${status.result} — ${status.message}`, status.result === 'ok' ? 'info' : 'warn');
  return status;
}

/** The error the CLI exits with after a failed run (the status is in details). */
export function scheduledRunFailed(status: BackupRunStatus): PglcError {
  return new PglcError('scheduled-run-failed', {
    what: `The scheduled backup of ${status.environment} failed`,
    why: status.message,
    fix: 'Read the log under .pglc/logs/, fix the cause and run `pglc backup schedule:run` (or `pglc backup create`) by hand to check.',
    details: { status },
  });
}

/**
 * Variables from the job's env file (dotenv syntax). Missing file: an error naming it, since the
 * job would otherwise run without its secrets and fail less clearly.
 * @example const vars = readEnvFile('/home/ada/.config/pglc/shop-1a2b3c4d.env');
 */
export function readEnvFile(file: string): { vars: Record<string, string>; warnings: string[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PglcError('config-missing', {
      what: `The scheduled job's variables file ${file} cannot be read`,
      why: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : `the file system said ${(e as NodeJS.ErrnoException).code ?? 'no'}`,
      fix: 'Run `pglc backup schedule …` again (it creates the file), then put the job\'s secrets in it.',
    });
  }
  const warnings: string[] = [];
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) warnings.push(`${file} is readable by other users (mode ${mode.toString(8)}); it holds secrets: chmod 600 it.`);
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseEnv(text))) if (v !== undefined) vars[k] = v;
  return { vars, warnings };
}
