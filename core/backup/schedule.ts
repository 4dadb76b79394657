// `pglc backup schedule --preset … | --cron … | --show | --disable [--via cron|systemd]`:
// one scheduled backup job per project and environment, in the user's crontab or as a systemd
// user timer (default: systemd when a user manager answers, else cron).
// Invariants: at most one schedule per project + environment — setting one removes the other
// kind's entry for the same job; only pglc's own marked entries are read, replaced or removed;
// no secret is written into either (see schedule-job.ts for how secrets reach the job).

import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import type { BackupScheduleResult, ScheduleVia } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError, isPglcError } from '../errors';
import { nowOf, type OperationContext } from '../operation-context';
import { cronLine, findCronLine, readCrontab, replaceCronLine, writeCrontab, type CrontabAccess } from './schedule-cron';
import { ensureEnvFile, scheduleJob, type JobRuntime, type ScheduleJob } from './schedule-job';
import { nextRuns, parseCron, PRESETS, type SchedulePreset } from './schedule-spec';
import { findSystemd, installSystemd, removeSystemd, systemdUserAvailable } from './schedule-systemd';

export interface ScheduleRequest {
  action: 'set' | 'show' | 'disable';
  environment: string;
  preset?: SchedulePreset;
  cron?: string;
  via?: ScheduleVia;
  /** Absolute node and pglc paths the job will run. */
  runtime: JobRuntime;
  /** Home folder of the user whose schedule this is (env file, systemd units). */
  home: string;
  /** Manage another user's crontab (root only; the tests use a throwaway user). */
  crontabUser?: string;
}

export interface FoundSchedule {
  via: ScheduleVia;
  expression: string;
  entry: string;
  files?: string[];
}

/**
 * Sets, shows or removes the scheduled backup of `req.environment`.
 * @example await scheduleBackups(project, { action: 'set', environment: 'prod', preset: 'daily',
 *   runtime: { node: process.execPath, pglc: '/opt/pglc/dist/pglc.js' }, home: '/home/ada' }, ctx)
 */
export async function scheduleBackups(project: ProjectConfig, req: ScheduleRequest, ctx: OperationContext): Promise<BackupScheduleResult> {
  if (!project.environments[req.environment]) {
    throw new PglcError('env-unknown', {
      what: `There is no environment "${req.environment}" to schedule backups for`,
      why: `pglc.toml defines: ${Object.keys(project.environments).join(', ')}`,
      fix: 'Pass --env with one of them, or add it to pglc.toml.',
    });
  }
  const job = scheduleJob(project, req.environment, req.runtime, req.home, ctx.env.XDG_CONFIG_HOME);
  const cron: CrontabAccess = { user: req.crontabUser, env: ctx.env, signal: ctx.signal };
  const base = { environment: req.environment, command: job.command, logFile: job.logFile, envFile: job.envFile };
  const notes: string[] = [];

  if (req.action === 'show') {
    const found = await findSchedule(job, req, ctx, notes);
    if (!found) return { action: 'show', ...base, enabled: false, nextRuns: [], notes: [...notes, `No scheduled backup for ${req.environment}. Set one with \`pglc backup schedule --preset daily --env ${req.environment}\`.`] };
    return { action: 'show', ...base, enabled: true, via: found.via, cron: found.expression, entry: found.entry, ...(found.files ? { files: found.files } : {}), nextRuns: safeNextRuns(found.expression, ctx), notes };
  }

  if (req.action === 'disable') {
    const files: string[] = [];
    let removed = false;
    const text = await readCrontab(cron).catch((e: unknown) => tolerateMissingCron(e, notes));
    if (text !== undefined && findCronLine(text, job.key)) {
      await writeCrontab(cron, replaceCronLine(text, job.key, undefined));
      removed = true;
      notes.push(`Removed the crontab entry ${job.key}.`);
    }
    const sd = await removeSystemd(job, { env: ctx.env, home: req.home, signal: ctx.signal });
    if (sd.files.length) {
      removed = true;
      files.push(...sd.files);
      notes.push(`Removed ${sd.files.join(' and ')}.`, ...sd.notes);
    }
    if (!removed) notes.push(`There was no scheduled backup for ${req.environment}; nothing to remove.`);
    return { action: 'disable', ...base, enabled: false, ...(files.length ? { files } : {}), nextRuns: [], notes };
  }

  // set
  if (req.preset && req.cron) throw new PglcError('usage', { what: 'Give either --preset or --cron, not both', why: 'both say when to run', fix: 'Drop one of them.' });
  const expression = req.preset ? PRESETS[req.preset] : req.cron ? parseCron(req.cron).expression : undefined;
  if (!expression) {
    throw new PglcError('usage', {
      what: 'When should backups run?',
      why: 'none of --preset, --cron, --show or --disable was given',
      fix: 'Run `pglc backup schedule --preset daily` (02:00), `--preset hourly`, `--preset weekly` (Sunday 02:00) or `--cron "0 */6 * * *"`; `--show` prints the current schedule.',
    });
  }
  const via = req.via ?? ((await systemdUserAvailable({ env: ctx.env, signal: ctx.signal })) ? 'systemd' : 'cron');
  notes.push(...ensureEnvFile(job, ctx.env), ...missingSecrets(project, job));
  mkdirSync(join(project.root, '.pglc', 'logs'), { recursive: true });

  let entry: string;
  let files: string[] | undefined;
  if (via === 'cron') {
    const text = await readCrontab(cron);
    entry = cronLine(job, expression);
    await writeCrontab(cron, replaceCronLine(text, job.key, entry));
    const sd = await removeSystemd(job, { env: ctx.env, home: req.home, signal: ctx.signal });
    if (sd.files.length) notes.push(`Removed the systemd units of the previous schedule (${sd.files.join(', ')}).`);
  } else {
    const text = await readCrontab(cron).catch((e: unknown) => tolerateMissingCron(e, []));
    if (text !== undefined && findCronLine(text, job.key)) {
      await writeCrontab(cron, replaceCronLine(text, job.key, undefined));
      notes.push('Removed the crontab entry of the previous schedule.');
    }
    const installed = await installSystemd(job, expression, { env: ctx.env, home: req.home, signal: ctx.signal });
    entry = installed.text;
    files = installed.files;
    notes.push(...installed.notes);
  }
  return {
    action: 'set',
    ...base,
    enabled: true,
    via,
    cron: expression,
    ...(req.preset ? { preset: req.preset } : {}),
    entry,
    ...(files ? { files } : {}),
    nextRuns: nextRuns(expression, 5, nowOf(ctx)),
    notes,
  };
}

/**
 * The schedule of `job` (crontab first, then systemd units), for --show and `backup status`.
 * A missing crontab tool is a note, not an error, so status works on machines without cron.
 */
export async function findSchedule(job: ScheduleJob, req: Pick<ScheduleRequest, 'home' | 'crontabUser'>, ctx: OperationContext, notes: string[] = []): Promise<FoundSchedule | undefined> {
  const text = await readCrontab({ user: req.crontabUser, env: ctx.env, signal: ctx.signal }).catch((e: unknown) => tolerateMissingCron(e, notes));
  const line = text === undefined ? undefined : findCronLine(text, job.key);
  const sd = await findSystemd(job, { env: ctx.env, home: req.home });
  if (line) {
    if (sd) notes.push(`Both a crontab entry and systemd units exist for ${job.key}; \`pglc backup schedule --disable\` removes both.`);
    return { via: 'cron', expression: line.expression, entry: line.line };
  }
  if (sd) return { via: 'systemd', expression: sd.expression, entry: sd.text, files: sd.files };
  return undefined;
}

function tolerateMissingCron(e: unknown, notes: string[]): undefined {
  if (isPglcError(e) && e.code === 'tools-missing') {
    notes.push('The crontab command is not installed, so crontab entries could not be checked.');
    return undefined;
  }
  throw e;
}

function safeNextRuns(expression: string, ctx: OperationContext): string[] {
  try {
    return nextRuns(expression, 5, nowOf(ctx));
  } catch {
    return [];
  }
}

/** Notes for secrets the job will need but its env file does not name (values are never read out). */
function missingSecrets(project: ProjectConfig, job: ScheduleJob): string[] {
  let names: Set<string>;
  try {
    names = new Set(Object.keys(parseEnv(readFileSync(job.envFile, 'utf8'))));
  } catch {
    return [];
  }
  const out: string[] = [];
  if (project.backup.encrypt && !names.has('BACKUP_ENCRYPTION_KEY')) {
    out.push(`[backup] encrypt = true, but ${job.envFile} does not set BACKUP_ENCRYPTION_KEY: scheduled backups will fail until it does.`);
  }
  if (project.backup.storage === 's3' && !names.has('BACKUP_S3_ACCESS_KEY') && !names.has('AWS_ACCESS_KEY_ID')) {
    out.push(`[backup] storage = "s3", but ${job.envFile} does not set BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY: uploads will fail until it does.`);
  }
  return out;
}
