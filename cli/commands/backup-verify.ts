// `pglc backup verify <id> [--deep]`: checksums, authenticated decryption, pg_restore --list;
// --deep restores into a scratch database on the local server and compares row counts.
import type { BackupVerifyResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { verifyBackup } from '../../core/backup/verify';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { formatBytes, formatDuration, green } from '../output/style';

export default defineCommand<BackupVerifyResult>({
  path: ['backup', 'verify'],
  summary: 'Check a backup: SHA-256 of every file, decryption, pg_restore --list; --deep restores it into a scratch database',
  help: 'The result is recorded (verify.json next to the manifest) and shown by `backup list` and `backup status`.',
  configure: (cmd) =>
    cmd
      .argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)')
      .option('--deep', 'restore into a scratch database on the local PostgreSQL and compare tables and row counts')
      .option('--jobs <n>', 'pg_restore workers for --deep on directory-format backups (default 2)'),
  async run({ args, opts }, ctx) {
    const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
      throw new PglcError('usage', { what: `--jobs ${String(opts.jobs)} is not a number of workers`, why: 'it must be a whole number ≥ 1', fix: 'Pass e.g. --jobs 2.' });
    }
    const { project, vars } = await openProject(ctx);
    return verifyBackup(project, vars, args[0]!, { deep: Boolean(opts.deep), jobs, environment: opts.env }, { ...ctx, env: vars });
  },
  render: (r) =>
    [`${green('✔')} Backup ${r.id} verified${r.deep ? ' (deep)' : ''}: ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)}`, ...r.checks.map((c) => `  ✔ ${c}`)].join('\n'),
});
