// Scheduled backups as a systemd user service + timer: `<key>.service` (oneshot, the job) and
// `<key>.timer` (OnCalendar= from the cron expression, Persistent=true so a run missed while the
// machine was off happens at the next boot) in ~/.config/systemd/user.
// Invariants: pglc writes and removes only units named after its job key; secrets reach the job
// through EnvironmentFile= (the 0600 env file), never through the unit text; `%` and `$` in paths
// are escaped (unit-file specifiers / variable expansion); systemctl is called only when a user
// manager answers — otherwise the files are written and the user is told how to enable them.

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../process/run-process';
import { toOnCalendar } from './schedule-spec';
import type { ScheduleJob } from './schedule-job';

export interface SystemdAccess {
  env: Readonly<Record<string, string | undefined>>;
  /** Home folder (units go to $XDG_CONFIG_HOME or ~/.config /systemd/user). */
  home: string;
  signal?: AbortSignal;
}

export interface SystemdUnits {
  dir: string;
  service: string;
  timer: string;
}

export interface SystemdEntry {
  files: string[];
  expression: string;
  text: string;
}

const CRON_MARK = '# pglc-cron: ';

export function unitPaths(job: Pick<ScheduleJob, 'key'>, access: Pick<SystemdAccess, 'env' | 'home'>): SystemdUnits {
  const dir = join(access.env.XDG_CONFIG_HOME || join(access.home, '.config'), 'systemd', 'user');
  return { dir, service: join(dir, `${job.key}.service`), timer: join(dir, `${job.key}.timer`) };
}

/** Escapes a value for a unit file: `%` is a specifier, `$` expands variables, quotes protect spaces. */
function unitArg(arg: string): string {
  const escaped = arg.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

function unitPath(p: string): string {
  return p.replace(/%/g, '%%');
}

/** The two unit files' text. */
export function renderUnits(job: ScheduleJob, expression: string): { service: string; timer: string } {
  const header = `# Written by \`pglc backup schedule\` for ${job.projectRoot} (${job.environment}); change it with that command.`;
  const service = [
    header,
    '[Unit]',
    `Description=pglc scheduled backup of ${job.projectName} (${job.environment})`,
    '',
    '[Service]',
    'Type=oneshot',
    `WorkingDirectory=${unitPath(job.projectRoot)}`,
    `EnvironmentFile=-${unitPath(job.envFile)}`,
    `ExecStart=${job.command.map(unitArg).join(' ')}`,
    `StandardOutput=append:${unitPath(job.logFile)}`,
    `StandardError=append:${unitPath(job.logFile)}`,
    '',
  ].join('\n');
  const timer = [
    header,
    `${CRON_MARK}${expression}`,
    '[Unit]',
    `Description=Timer of the pglc scheduled backup of ${job.projectName} (${job.environment})`,
    '',
    '[Timer]',
    ...toOnCalendar(expression).map((c) => `OnCalendar=${c}`),
    'Persistent=true',
    `Unit=${job.key}.service`,
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
  return { service, timer };
}

/** True when a systemd user manager answers (`systemctl --user show-environment`). */
export async function systemdUserAvailable(access: Pick<SystemdAccess, 'env' | 'signal'>): Promise<boolean> {
  try {
    const r = await runProcess('systemctl', ['--user', 'show-environment'], { env: access.env, signal: access.signal });
    return r.code === 0;
  } catch {
    return false;
  }
}

/**
 * Writes the units and, when a user manager runs, reloads it and enables the timer.
 * Returns the files and notes for the user.
 */
export async function installSystemd(job: ScheduleJob, expression: string, access: SystemdAccess): Promise<{ files: string[]; notes: string[]; text: string }> {
  const paths = unitPaths(job, access);
  const { service, timer } = renderUnits(job, expression);
  await mkdir(paths.dir, { recursive: true });
  await writeAtomic(paths.service, service);
  await writeAtomic(paths.timer, timer);
  const notes: string[] = [];
  if (await systemdUserAvailable(access)) {
    for (const args of [['daemon-reload'], ['enable', '--now', `${job.key}.timer`]]) {
      const r = await runProcess('systemctl', ['--user', ...args], { env: access.env, signal: access.signal }).catch((e: Error) => ({ code: 1, stderr: e.message, stdout: '', signal: null }));
      if (r.code !== 0) notes.push(`\`systemctl --user ${args.join(' ')}\` failed: ${r.stderr.trim().split('\n')[0]}`);
    }
    notes.push(`Enabled ${job.key}.timer. To run it while you are logged out: loginctl enable-linger.`);
  } else {
    notes.push(`No systemd user manager answers here: the units are written; enable them in a session with \`systemctl --user daemon-reload && systemctl --user enable --now ${job.key}.timer\`.`);
  }
  return { files: [paths.service, paths.timer], notes, text: `${service}\n${timer}` };
}

/** The installed units of `job`, if any. */
export async function findSystemd(job: Pick<ScheduleJob, 'key'>, access: Pick<SystemdAccess, 'env' | 'home'>): Promise<SystemdEntry | undefined> {
  const paths = unitPaths(job, access);
  if (!existsSync(paths.timer)) return undefined;
  const timer = await readFile(paths.timer, 'utf8');
  const service = existsSync(paths.service) ? await readFile(paths.service, 'utf8') : '';
  const mark = timer.split('\n').find((l) => l.startsWith(CRON_MARK));
  return {
    files: [paths.service, paths.timer],
    expression: mark ? mark.slice(CRON_MARK.length).trim() : '',
    text: `${service}\n${timer}`,
  };
}

/** Disables and removes the units of `job`; returns the files removed. */
export async function removeSystemd(job: Pick<ScheduleJob, 'key'>, access: SystemdAccess): Promise<{ files: string[]; notes: string[] }> {
  const paths = unitPaths(job, access);
  const present = [paths.service, paths.timer].filter((f) => existsSync(f));
  if (!present.length) return { files: [], notes: [] };
  const notes: string[] = [];
  const live = await systemdUserAvailable(access);
  if (live) {
    await runProcess('systemctl', ['--user', 'disable', '--now', `${job.key}.timer`], { env: access.env, signal: access.signal }).catch(() => undefined);
  }
  for (const f of present) await rm(f, { force: true });
  if (live) await runProcess('systemctl', ['--user', 'daemon-reload'], { env: access.env, signal: access.signal }).catch(() => undefined);
  else notes.push('No systemd user manager answers here; if the timer was enabled elsewhere, run `systemctl --user daemon-reload` there.');
  return { files: present, notes };
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, text, { mode: 0o644 });
  await rename(tmp, file);
}
