// `pglc db migrate`: apply pending migrations, each in its own transaction.
import type { MigrateResult } from '../../protocol/index';
import { migrate } from '../../core/migrations/migrate';
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
      .option('--allow-out-of-order', 'apply pending migrations older than the newest applied one'),
  async run({ opts }, ctx) {
    const { project, env, target } = await openEnvironment(ctx, opts.env);
    return migrate(
      project,
      env,
      target,
      {
        to: opts.to as string | undefined,
        dryRun: Boolean(opts.dryRun),
        allowModified: Boolean(opts.allowModified),
        allowOutOfOrder: Boolean(opts.allowOutOfOrder),
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
    return [`${green('✔')} Applied ${r.applied.length} migration(s) to ${r.environment} (${r.database})`, ...appliedLines('↑', r.applied)].join('\n');
  },
});
