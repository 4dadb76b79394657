// `Postgres Lifecycle: Restore Latest Backup` (the Backups view's toolbar): the newest backup of the
// active environment that is not a restore's own pre-restore copy, through the confirmation panel.

import { openRestore } from './restore';
import { defineCommand } from './command-definition';

export const restoreLatestCommand = defineCommand({
  id: 'pglc.restoreLatest',
  async run(ctx) {
    return (await openRestore(ctx, 'latest')).result;
  },
});
