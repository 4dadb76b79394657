// `pglc restore undo`: swap the database the last restore replaced back in (the restored one is kept).
import type { RestoreUndoResult } from '../../protocol/index';
import { undoRestore } from '../../core/restore/undo-restore';
import { defineCommand } from '../command-definition';
import { formatDuration, green } from '../output/style';

export default defineCommand<RestoreUndoResult>({
  path: ['restore', 'undo'],
  summary: 'Undo the last restore: the replaced database becomes live again (the restored one is kept)',
  configure: (cmd) =>
    cmd
      .option('--dry-run', 'say which database would come back, change nothing')
      .option('--confirm <database>', 'the database name, required on protected environments'),
  async run({ opts }, ctx) {
    return undoRestore({ ...(opts.env ? { env: opts.env } : {}), ...(opts.confirm !== undefined ? { confirm: opts.confirm } : {}), dryRun: Boolean(opts.dryRun) }, ctx);
  },
  render(r) {
    if (r.durationMs === 0 && r.terminated === 0 && !r.keptAs.startsWith(r.database)) return `Would bring back ${r.restored} as ${r.database} on ${r.environment}.`;
    return [
      `${green('✔')} ${r.restored} is ${r.database} again on ${r.environment} (${formatDuration(r.durationMs)}${r.terminated ? `, ${r.terminated} session(s) closed` : ''}).`,
      r.keptAs ? `  The restored database is kept as ${r.keptAs}: \`pglc restore undo\` again swaps it back.` : '',
    ].filter(Boolean).join('\n');
  },
});
