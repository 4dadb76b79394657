// `Postgres Lifecycle: Restore Backup…` (a Backups row's context menu, or the palette with a quick
// pick of the active environment's backups): plans the restore (`pglc restore <id> --dry-run`) and
// opens the confirmation panel, which runs it once confirmed (client/restore-panel.ts).

import { planRestore, showRestorePanel, type RestorePanelOutcome } from '../restore-panel';
import { targetBackup } from './backup-args';
import { activeEnvironment } from './command-args';
import type { CommandContext } from './command-definition';
import { defineCommand } from './command-definition';

/** Plans the restore of `backupId` into the active environment and shows the panel. */
export async function openRestore(ctx: CommandContext, backupId: string): Promise<RestorePanelOutcome> {
  const environment = await activeEnvironment(ctx);
  const input = { backupId, environment, args: [] };
  const plan = await planRestore(ctx, input);
  return showRestorePanel(ctx, input, plan);
}

export const restoreCommand = defineCommand({
  id: 'pglc.restore',
  async run(ctx, arg) {
    const target = await targetBackup(ctx, arg, 'Restore Backup', (b) => b.complete);
    return (await openRestore(ctx, target.id)).result;
  },
});
