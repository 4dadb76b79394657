// `pglc backup schedule:run --env ENV [--vars-file FILE]`: the scheduled job (what cron and the
// systemd timer run) — create a backup tagged scheduled, upload it when storage is S3, prune,
// write .pglc/backup-status.json, notify. Exits non-zero when the run failed.
import type { BackupRunStatus } from '../../protocol/index';
import { openProject, resolveOpened } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { createBackup } from '../../core/backup/create';
import { readEnvFile, runScheduledBackup, scheduledRunFailed } from '../../core/backup/schedule-run';
import { note } from '../../core/operation-context';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';
import { toolVersion } from '../tool-version';

export default defineCommand<BackupRunStatus>({
  path: ['backup', 'schedule:run'],
  summary: 'Run the scheduled backup now: create (tag scheduled), upload, prune, status file, notify',
  // Not --env-file: Node 20 takes that flag for itself even after the script name (and exits when
  // the file is missing), so the job's own handling — a failed run with a status file — never ran.
  configure: (cmd) => cmd.option('--vars-file <file>', 'variables for the job (the 0600 file `backup schedule` created)'),
  async run({ opts }, ctx0) {
    let env = ctx0.env;
    let envFileError: unknown;
    if (opts.varsFile) {
      try {
        const { vars, warnings } = readEnvFile(String(opts.varsFile));
        // The job's own file wins over the (minimal) environment cron or systemd start it with.
        env = { ...ctx0.env, ...vars };
        for (const w of warnings) note(ctx0, w, 'warn');
      } catch (e) {
        // Still a run: it fails with this reason in the status file and the notification.
        envFileError = e;
      }
    }
    const opened = await openProject({ ...ctx0, env });
    const ctx = { ...ctx0, env: opened.vars };
    const environment = opts.env ?? opened.project.defaultEnvironment;
    const stores = openStores(opened.project, opened.vars);
    try {
      const status = await runScheduledBackup(
        {
          project: opened.project,
          vars: opened.vars,
          environment,
          stores,
          create: async (c) => {
            if (envFileError) throw envFileError;
            return createBackup(await resolveOpened(opened, environment, c), { tags: ['scheduled'], toolVersion }, c);
          },
        },
        ctx,
      );
      if (status.result === 'failed') throw scheduledRunFailed(status);
      return status;
    } finally {
      stores.close();
    }
  },
  render: (s) => `${green('✔')} ${s.message}`,
});
