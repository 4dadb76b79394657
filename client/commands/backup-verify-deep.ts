// `Postgres Lifecycle: Verify Backup (deep)` — like Verify Backup, and restores the backup into a
// scratch database on the local PostgreSQL to compare tables and row counts (`--deep`).

import { defineCommand } from './command-definition';
import { verifyBackup } from './backup-verify';

export const backupVerifyDeepCommand = defineCommand({
  id: 'pglc.backup.verifyDeep',
  run: (ctx, arg) => verifyBackup(ctx, arg, true),
});
