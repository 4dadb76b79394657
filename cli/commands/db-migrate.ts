// `pglc db migrate`: apply pending migrations, each in its own transaction.
import type { MigrateResult } from '../../protocol/index';
import { migrateWithBackup } from '../../core/backup/pre-migration-backup';
import { toolVersion } from '../tool-version';
import { openEnvironment } from '../../core/environments/open-environment';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';
import { appliedLines } from './migration-rows';

export default defineCommand<MigrateResult>({
  path: ['db', 'migrate'],
  summary: 'Apply pending migrations',
  configure: (cmd) =>
    cmd
      .option('--to <version>', 'apply up to and including this version')
      .option('--dry-run', 'list what would be applied, change nothing')
      .option('--allow-modified', 'proceed although an applied migration was edited since')
      .option('--allow-out-of-order', 'apply pending migrations older than the newest applied one')
      .option('--no-backup', 'skip the pre-migration backup (refused on protected environments)'),
  async run({ opts }, ctx) {
    const opened = await openEnvironment(ctx, opts.env);
    return migrateWithBackup(
      opened,
      {
        to: opts.to as string | undefined,
        dryRun: Boolean(opts.dryRun),
        allowModified: Boolean(opts.allowModified),
        allowOutOfOrder: Boolean(opts.allowOutOfOrder),
        // commander sets backup: false for --no-backup, true otherwise
        backup: opts.backup !== false,
        toolVersion,
      },
      ctx,
    );
  },
  render(r) {
    if (r.dryRun) {
      return r.pending.length
        ? [`Would apply ${r.pending.length} migration(s) to ${r.environment} (${r.database}):`, ...r.pending.map((v) => `  ${v}`)].join('\n')
        : `${r.environment} is up to date; nothing to apply.`;
    }
    if (r.applied.length === 0) return `${green('✔')} ${r.environment} is up to date; nothing to apply.`;
    const backup = r.preMigrationBackup ? [`  backup first: ${r.preMigrationBackup.id} (${r.preMigrationBackup.location})`] : [];
    return [`${green('✔')} Applied ${r.applied.length} migration(s) to ${r.environment} (${r.database})`, ...backup, ...appliedLines('↑', r.applied)].join('\n');
  },
});
