// What a scheduled backup runs, identically under cron and systemd: absolute node and pglc paths,
// `pglc backup schedule:run --env ENV` (create --tag scheduled, upload when storage is S3,
// prune, status file, notifications), the project as working directory, a log under .pglc/logs/,
// and variables from a user env file.
// Invariants: no secret is ever written into a crontab line or a unit file — secrets
// (BACKUP_ENCRYPTION_KEY, BACKUP_S3_*, database passwords) reach the job through the env file,
// created mode 0600 in ~/.config/pglc/ (outside the repository) and filled in by the user; every
// entry carries a marker (`pglc-backup-<project>-<hash>-<env>`) so pglc finds and replaces only its
// own lines and units.

import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { sanitizeIdPart } from './backup-id';

export interface JobRuntime {
  /** Absolute path of the node binary (process.execPath of the CLI that schedules). */
  node: string;
  /** Absolute path of pglc's script (dist/pglc.js). */
  pglc: string;
}

export interface ScheduleJob {
  /** Marker and unit name: `pglc-backup-<project>-<8 hex of the root>-<env>`. */
  key: string;
  environment: string;
  projectRoot: string;
  projectName: string;
  /** argv of the job. */
  command: string[];
  logFile: string;
  envFile: string;
}

/**
 * The job for `environment` of `project`.
 * @example scheduleJob(project, 'prod', { node: '/usr/bin/node', pglc: '/opt/pglc/dist/pglc.js' }, '/home/ada').key
 *   // 'pglc-backup-shop-1a2b3c4d-prod'
 */
export function scheduleJob(project: ProjectConfig, environment: string, runtime: JobRuntime, home: string, configHome?: string): ScheduleJob {
  const hash = createHash('sha256').update(project.root).digest('hex').slice(0, 8);
  const name = sanitizeIdPart(project.name || basename(project.root)) || 'project';
  const env = sanitizeIdPart(environment) || 'env';
  const key = `pglc-backup-${name}-${hash}-${env}`;
  const envFile = join(configHome ?? join(home, '.config'), 'pglc', `${name}-${hash}.env`);
  return {
    key,
    environment,
    projectRoot: project.root,
    projectName: project.name,
    command: [runtime.node, runtime.pglc, 'backup', 'schedule:run', '--env', environment, '--vars-file', envFile],
    logFile: join(project.root, '.pglc', 'logs', `backup-${env}.log`),
    envFile,
  };
}

/**
 * Creates the env file (0600, commented template, no values) unless it exists; returns notes for
 * the user (created, or permissions too open). Never writes a secret: only names and PATH.
 * @example ensureEnvFile(job, { PATH: '/usr/bin:/bin' }) // ['Created ~/.config/pglc/shop-1a2b3c4d.env (mode 0600): …']
 */
export function ensureEnvFile(job: ScheduleJob, vars: Readonly<Record<string, string | undefined>>): string[] {
  if (existsSync(job.envFile)) {
    const mode = statSync(job.envFile).mode & 0o777;
    return mode & 0o077
      ? [`${job.envFile} is readable by other users (mode ${mode.toString(8)}); it holds secrets: run chmod 600 ${job.envFile}.`]
      : [];
  }
  try {
    mkdirSync(join(job.envFile, '..'), { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new PglcError('schedule-failed', {
      what: `Cannot create the folder of the job's variables file ${job.envFile}`,
      why: `the file system said ${(e as NodeJS.ErrnoException).code ?? 'no'}`,
      fix: `Check that ${join(job.envFile, '..')} can be created and written by this user (it is under HOME, or XDG_CONFIG_HOME when set).`,
    });
  }
  const text = [
    `# Variables for pglc's scheduled backups of ${job.projectName} (${job.projectRoot}).`,
    '# Read by the job (cron: --vars-file; systemd: EnvironmentFile=). Keep this file mode 0600 and',
    '# outside the repository. pglc wrote only this template; it never writes secrets here.',
    '#',
    '# BACKUP_ENCRYPTION_KEY=          # when [backup] encrypt = true',
    '# BACKUP_S3_ACCESS_KEY=           # when [backup] storage = "s3"',
    '# BACKUP_S3_SECRET_KEY=',
    '# DATABASE_URL=                   # or the variables your pglc.toml environments reference',
    '',
    // cron's PATH is minimal; the job needs pg_dump and zstd from the same places as this shell.
    ...(vars.PATH ? [`PATH=${vars.PATH}`] : []),
    '',
  ].join('\n');
  writeFileSync(job.envFile, text, { mode: 0o600 });
  chmodSync(job.envFile, 0o600);
  return [`Created ${job.envFile} (mode 0600): put the job's secrets there (BACKUP_ENCRYPTION_KEY, BACKUP_S3_ACCESS_KEY/SECRET_KEY, database URLs) — never in the crontab or pglc.toml.`];
}

/** POSIX shell single-quoting. @example shellQuote("it's") === `'it'\\''s'` */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
