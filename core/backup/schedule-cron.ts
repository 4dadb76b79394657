// Scheduled backups in the user's crontab, through the real `crontab` command (`crontab -l`,
// `crontab -`; `-u USER` for root managing another user's table, which the tests use so the
// machine user's own crontab is never touched).
// Invariants: pglc edits only its own line — the one whose trailing comment is `# <job key>` —
// and keeps every other line, comment and blank line byte for byte; the line holds paths and the
// schedule, never a secret; `%` (newline in cron) is escaped.

import { PglcError } from '../errors';
import { runProcess } from '../process/run-process';
import { shellQuote, type ScheduleJob } from './schedule-job';

export interface CrontabAccess {
  /** Another user's crontab (root only). */
  user?: string;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

export interface CronEntry {
  line: string;
  expression: string;
}

/** The crontab line for `job` at `expression`. */
export function cronLine(job: ScheduleJob, expression: string): string {
  const command = `cd ${shellQuote(job.projectRoot)} && ${job.command.map(shellQuote).join(' ')} >> ${shellQuote(job.logFile)} 2>&1`;
  return `${expression} ${command.replace(/%/g, '\\%')} # ${job.key}`;
}

/** The entry of `key` in `text`, if any. */
export function findCronLine(text: string, key: string): CronEntry | undefined {
  for (const line of text.split('\n')) {
    if (!isOurs(line, key)) continue;
    const fields = line.trim().split(/\s+/);
    const expression = fields[0]!.startsWith('@') ? fields[0]! : fields.slice(0, 5).join(' ');
    return { line, expression };
  }
  return undefined;
}

/** `text` with the line of `key` replaced by `line` (or appended; or removed when line is undefined). */
export function replaceCronLine(text: string, key: string, line: string | undefined): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const kept = lines.filter((l) => !isOurs(l, key));
  if (line !== undefined) kept.push(line);
  return kept.length ? `${kept.join('\n')}\n` : '';
}

function isOurs(line: string, key: string): boolean {
  const t = line.trimEnd();
  return !t.trimStart().startsWith('#') && t.endsWith(`# ${key}`);
}

/**
 * The current crontab ('' when the user has none).
 * @example const text = await readCrontab({ env: ctx.env });
 */
export async function readCrontab(access: CrontabAccess): Promise<string> {
  const r = await crontab(access, ['-l']);
  if (r.code === 0) return r.stdout;
  if (/no crontab for/i.test(r.stderr)) return '';
  throw crontabFailed('Reading the crontab', r.stderr, access);
}

/** Installs `text` as the crontab. */
export async function writeCrontab(access: CrontabAccess, text: string): Promise<void> {
  const r = await crontab(access, ['-'], text);
  if (r.code !== 0) throw crontabFailed('Writing the crontab', r.stderr, access);
}

async function crontab(access: CrontabAccess, args: string[], input?: string) {
  const argv = [...(access.user ? ['-u', access.user] : []), ...args];
  try {
    return await runProcess('crontab', argv, { env: { PATH: access.env.PATH ?? '/usr/bin:/bin', HOME: access.env.HOME, USER: access.env.USER, LOGNAME: access.env.LOGNAME }, signal: access.signal, input });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new PglcError('tools-missing', {
        what: 'The crontab command is not installed',
        why: 'scheduling with cron needs `crontab` (Debian/Ubuntu package "cron", Fedora "cronie")',
        fix: 'Install cron (e.g. `sudo apt-get install cron`), or schedule with systemd: `pglc backup schedule … --via systemd`.',
      });
    }
    throw e;
  }
}

function crontabFailed(what: string, stderr: string, access: CrontabAccess): PglcError {
  return new PglcError('schedule-failed', {
    what: `${what}${access.user ? ` of user ${access.user}` : ''} failed`,
    why: stderr.trim().split('\n')[0] || 'crontab exited with an error',
    fix: 'Check that this user may use cron (/etc/cron.allow, /etc/cron.deny), or use --via systemd.',
  });
}
