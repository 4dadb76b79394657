// `pglc backup schedule --preset hourly|daily|weekly | --cron "…" | --show | --disable`:
// a crontab entry or a systemd user timer that runs `pglc backup schedule:run --env ENV`.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import type { BackupScheduleResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { scheduleBackups } from '../../core/backup/schedule';
import type { JobRuntime } from '../../core/backup/schedule-job';
import type { SchedulePreset } from '../../core/backup/schedule-spec';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { bold, dim, green } from '../output/style';

/** The node binary and pglc script this process runs as: what the job will run. */
export function currentRuntime(): JobRuntime {
  const script = process.argv[1] ?? '';
  let pglc = script;
  try {
    pglc = realpathSync(script);
  } catch {
    // keep the path as given
  }
  return { node: process.execPath, pglc };
}

export function homeOf(env: Readonly<Record<string, string | undefined>>): string {
  return env.HOME || homedir();
}

export default defineCommand<BackupScheduleResult>({
  path: ['backup', 'schedule'],
  summary: 'Schedule backups (crontab or systemd timer): create --tag scheduled, upload, prune',
  help: [
    'Presets: hourly (on the hour), daily (02:00), weekly (Sunday 02:00), in the machine\'s local time.',
    'The job reads its secrets (BACKUP_ENCRYPTION_KEY, BACKUP_S3_*, database URLs) from a 0600 env file',
    'in ~/.config/pglc/ that this command creates; nothing secret is written into the crontab or units.',
    'Examples:',
    '  pglc backup schedule --preset daily --env prod',
    '  pglc backup schedule --cron "0 */6 * * *" --via cron',
    '  pglc backup schedule --show',
    '  pglc backup schedule --disable --env prod',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--preset <preset>', 'hourly | daily | weekly')
      .option('--cron <expression>', '5-field cron expression, e.g. "0 */6 * * *"')
      .option('--via <kind>', 'cron | systemd (default: systemd when a user manager runs, else cron)')
      .option('--show', 'print the schedule and its next five run times')
      .option('--disable', 'remove the schedule'),
  async run({ opts }, ctx) {
    const preset = opts.preset as string | undefined;
    if (preset !== undefined && !['hourly', 'daily', 'weekly'].includes(preset)) {
      throw new PglcError('usage', { what: `--preset ${preset} is not a preset`, why: 'presets are hourly, daily and weekly', fix: 'Use one of them, or --cron "…" for anything else.' });
    }
    const via = opts.via as string | undefined;
    if (via !== undefined && via !== 'cron' && via !== 'systemd') {
      throw new PglcError('usage', { what: `--via ${via} is not supported`, why: 'pglc schedules with cron or systemd', fix: 'Use --via cron or --via systemd.' });
    }
    const actions = [opts.show, opts.disable, preset !== undefined || opts.cron !== undefined].filter(Boolean).length;
    if (actions > 1) throw new PglcError('usage', { what: 'Give one of --preset/--cron, --show or --disable', why: 'they are different actions', fix: 'Run the command once per action.' });
    const { project, vars } = await openProject(ctx);
    return scheduleBackups(
      project,
      {
        action: opts.show ? 'show' : opts.disable ? 'disable' : 'set',
        environment: opts.env ?? project.defaultEnvironment,
        ...(preset ? { preset: preset as SchedulePreset } : {}),
        ...(opts.cron !== undefined ? { cron: String(opts.cron) } : {}),
        ...(via ? { via: via as 'cron' | 'systemd' } : {}),
        runtime: currentRuntime(),
        home: homeOf(vars),
      },
      { ...ctx, env: vars },
    );
  },
  render(r) {
    const lines: string[] = [];
    if (r.action === 'disable') lines.push(`${green('✔')} No scheduled backup for ${r.environment} now.`);
    else if (!r.enabled) lines.push(`No scheduled backup for ${r.environment}.`);
    else {
      lines.push(`${r.action === 'set' ? `${green('✔')} Scheduled` : 'Scheduled'} backups of ${bold(r.environment)} via ${r.via}: ${bold(r.cron ?? '')}${r.preset ? ` (${r.preset})` : ''}`);
      if (r.entry) lines.push('', r.via === 'cron' ? dim('crontab entry:') : dim(`units (${(r.files ?? []).join(', ')}):`), r.entry.trimEnd(), '');
      if (r.nextRuns.length) lines.push('Next runs:', ...r.nextRuns.map((t) => `  ${new Date(t).toString()}`));
      if (r.logFile) lines.push(`Log: ${r.logFile}`);
      if (r.envFile) lines.push(`Secrets for the job: ${r.envFile}`);
    }
    for (const n of r.notes) lines.push(dim(n));
    return lines.join('\n');
  },
});
