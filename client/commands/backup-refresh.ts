// `Postgres Lifecycle: Refresh Backups` — reads the active environment's backups (and the backup
// status bar) again.

import { reloadBackups } from './backup-args';
import { defineCommand } from './command-definition';

export const backupRefreshCommand = defineCommand({
  id: 'pglc.backup.refresh',
  async run(ctx) {
    ctx.requireRoot();
    await reloadBackups(ctx);
  },
});
