// `pglc backup status` (seed 002's report): the latest backup and whether it was verified, count
// and size of backups locally and remotely, oldest and newest, the schedule and its last run,
// and what retention will remove next. Also the status file the scheduled job leaves
// (.pglc/backup-status.json), which this report and the editor read.
// Invariants: status only reads — a remote that cannot be reached is reported in its summary,
// not as a failure of the whole report; the status file is replaced atomically (the editor may
// read it at any moment) and holds no secret.

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupListResult, BackupRunStatus, BackupStatusResult, BackupSummary, StoreSummary } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { isPglcError } from '../errors';
import { nowOf, type OperationContext } from '../operation-context';
import type { StoredEntry } from '../storage/backup-store';
import type { BackupStores } from '../storage/open-stores';
import { mergeListings } from './list-remote';
import { isPolicyActive, planRetention, retentionPolicy } from './retention';
import { findSchedule } from './schedule';
import { scheduleJob, type JobRuntime } from './schedule-job';
import { nextRuns } from './schedule-spec';

export const STATUS_FILE = join('.pglc', 'backup-status.json');

/** The status file: the latest scheduled run, plus the latest per environment. */
export type BackupStatusFile = BackupRunStatus & { environments: Record<string, BackupRunStatus> };

/** Reads .pglc/backup-status.json; undefined when absent or unreadable. */
export async function readStatusFile(root: string): Promise<BackupStatusFile | undefined> {
  try {
    const v = JSON.parse(await readFile(join(root, STATUS_FILE), 'utf8')) as BackupStatusFile;
    return typeof v?.finishedAt === 'string' && (v.result === 'ok' || v.result === 'failed') ? { ...v, environments: v.environments ?? {} } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Records a scheduled run (atomic replace).
 * @example await writeStatusFile(project.root, status)
 */
export async function writeStatusFile(root: string, status: BackupRunStatus): Promise<void> {
  const previous = await readStatusFile(root);
  const file: BackupStatusFile = { ...status, environments: { ...(previous?.environments ?? {}), [status.environment]: status } };
  const path = join(root, STATUS_FILE);
  await mkdir(join(root, '.pglc'), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o644 });
  await rename(tmp, path);
}

export interface StatusRequest {
  environment?: string;
  /** For reading the schedule (same paths as `backup schedule`). */
  runtime: JobRuntime;
  home: string;
  crontabUser?: string;
}

/**
 * The status report.
 * @example const s = await backupStatus(project, stores, { environment: 'prod', runtime, home }, ctx);
 *   s.latest?.lastVerifyResult // 'ok'
 */
export async function backupStatus(project: ProjectConfig, stores: BackupStores, req: StatusRequest, ctx: OperationContext): Promise<BackupStatusResult> {
  const now = nowOf(ctx);
  const local = await stores.local.list(ctx.signal);
  let remote: StoredEntry[] | undefined;
  let remoteError: StoreSummary['error'];
  if (stores.remote) {
    try {
      remote = await stores.remote.list(ctx.signal);
    } catch (e) {
      if (!isPglcError(e) || e.code === 'cancelled') throw e;
      remoteError = e.toPayload();
    }
  }
  const merged: BackupListResult = await mergeListings(
    { entries: local, verify: (id) => stores.local.readVerifyRecord(id) },
    remote && stores.remote ? { entries: remote, verify: (id) => stores.remote!.readVerifyRecord(id) } : undefined,
    req.environment,
  );
  const backups = merged.backups;
  const where = (b: BackupSummary, side: 'local' | 'remote') => b.location === 'both' || b.location === side;
  const summarize = (store: string, side: 'local' | 'remote', entries: StoredEntry[], error?: StoreSummary['error']): StoreSummary => {
    const mine = backups.filter((b) => where(b, side));
    const sizes = new Map(entries.map((e) => [e.id, e.size]));
    return {
      store,
      count: mine.length,
      totalSize: mine.reduce((s, b) => s + (sizes.get(b.id) ?? b.totalSize), 0),
      ...(mine.length ? { newest: mine[0]!.createdAt, oldest: mine[mine.length - 1]!.createdAt } : {}),
      leftovers: merged.leftovers.filter((l) => l.location === side).length,
      ...(error ? { error } : {}),
    };
  };

  const environment = req.environment ?? project.defaultEnvironment;
  const job = scheduleJob(project, environment, req.runtime, req.home, ctx.env.XDG_CONFIG_HOME);
  let schedule: BackupStatusResult['schedule'];
  let scheduleError: string | undefined;
  try {
    const found = await findSchedule(job, { home: req.home, crontabUser: req.crontabUser }, ctx);
    if (found) {
      let next: string | undefined;
      try {
        next = nextRuns(found.expression, 1, now)[0];
      } catch {
        next = undefined;
      }
      schedule = { via: found.via, cron: found.expression, entry: found.entry, ...(next ? { nextRun: next } : {}) };
    }
  } catch (e) {
    scheduleError = isPglcError(e) ? `${e.what} — ${e.why}` : String(e);
  }
  const statusFile = await readStatusFile(project.root);
  const lastRun = req.environment ? statusFile?.environments[req.environment] : statusFile ? stripEnvironments(statusFile) : undefined;

  const policy = retentionPolicy(project.backup.retention);
  const decisions = planRetention(
    backups.map((b) => ({
      id: b.id,
      environment: b.environment,
      database: b.database,
      createdAt: b.createdAt,
      tags: b.tags,
      ...(b.lastVerifyResult === 'ok' ? { verified: true } : {}),
      ...(project.environments[b.environment]?.protected ? { protectedEnvironment: true } : {}),
    })),
    policy,
    now,
  );

  return {
    ...(req.environment ? { environment: req.environment } : {}),
    ...(backups[0] ? { latest: backups[0] } : {}),
    ...(backups.find((b) => b.lastVerifyResult === 'ok') ? { latestVerified: backups.find((b) => b.lastVerifyResult === 'ok')! } : {}),
    local: summarize(stores.local.describe(), 'local', local),
    ...(stores.remote ? { remote: summarize(stores.remote.describe(), 'remote', remote ?? [], remoteError) } : {}),
    storage: project.backup.storage,
    encrypt: project.backup.encrypt,
    ...(schedule ? { schedule } : {}),
    ...(scheduleError ? { scheduleError } : {}),
    ...(lastRun ? { lastRun } : {}),
    retention: { policy, active: isPolicyActive(policy), wouldDelete: decisions.filter((d) => d.action === 'delete') },
  };
}

function stripEnvironments(f: BackupStatusFile): BackupRunStatus {
  const { environments: _e, ...run } = f;
  return run;
}
