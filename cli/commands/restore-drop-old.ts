// `pglc restore drop-old NAME… | --all | --expired`: drop databases restores replaced.
import type { DropReplacedResult } from '../../protocol/index';
import { dropOldDatabases } from '../../core/restore/old-databases';
import { defineCommand } from '../command-definition';
import { formatBytes, green } from '../output/style';

export default defineCommand<DropReplacedResult>({
  path: ['restore', 'drop-old'],
  summary: 'Drop databases restores replaced (by name, --all, or --expired past [restore] keep_old_days)',
  configure: (cmd) =>
    cmd
      .argument('[names...]', 'replaced databases (see `pglc restore old`)')
      .option('--all', 'every replaced database of the environment')
      .option('--expired', 'those older than [restore] keep_old_days')
      .option('--dry-run', 'list what would be dropped')
      .option('--confirm <database>', 'the database name, required on protected environments to drop the last way back'),
  async run({ args, opts }, ctx) {
    return dropOldDatabases({
      ...(opts.env ? { env: opts.env } : {}),
      names: args,
      all: Boolean(opts.all),
      expired: Boolean(opts.expired),
      dryRun: Boolean(opts.dryRun),
      ...(opts.confirm !== undefined ? { confirm: opts.confirm } : {}),
    }, ctx);
  },
  render(r, input) {
    if (!r.dropped.length) return `Nothing to drop on ${r.environment}.`;
    const verb = input.opts.dryRun ? 'Would drop' : `${green('✔')} Dropped`;
    return r.dropped.map((d) => `${verb} ${d.name} (${formatBytes(d.sizeBytes)})`).join('\n');
  },
});
