// `Postgres Lifecycle: Verify Backup` (a Backups row's context menu) — checks a backup
// (`pglc backup verify`: SHA-256 of every file, decryption, pg_restore --list); the outcome is
// recorded by the CLI and shown as the row's icon. The deep variant is backup-verify-deep.ts.

import * as vscode from 'vscode';
import type { BackupVerifyResult } from '../../protocol/index';
import { runOperation } from '../operations';
import { formatBytes } from '../format';
import { reloadBackups, targetBackup } from './backup-args';
import { activeEnvironment } from './command-args';
import type { CommandContext } from './command-definition';
import { defineCommand } from './command-definition';

/** Runs `backup verify <id> [--deep]` on the active environment and reports the outcome. */
export async function verifyBackup(ctx: CommandContext, arg: unknown, deep: boolean): Promise<BackupVerifyResult> {
  const env = await activeEnvironment(ctx);
  const target = await targetBackup(ctx, arg, deep ? 'Verify Backup (deep)' : 'Verify Backup');
  try {
    const r = await runOperation<BackupVerifyResult>(ctx, {
      title: `Verifying ${target.id}${deep ? ' (deep: restoring into a scratch database)' : ''}`,
      busy: `verifying ${target.id}`,
      args: ['backup', 'verify', target.id, ...(deep ? ['--deep'] : [])],
      env,
    });
    const rows = r.rowsCompared !== undefined ? `, ${r.rowsCompared} rows compared` : '';
    const tables = r.tablesChecked !== undefined ? `, ${r.tablesChecked} tables checked` : '';
    void vscode.window.showInformationMessage(`${r.id} is sound${deep ? ' (deep)' : ''}: ${r.files} files, ${formatBytes(r.bytes)} checked${tables}${rows}`);
    return r;
  } finally {
    await reloadBackups(ctx);
  }
}

export const backupVerifyCommand = defineCommand({
  id: 'pglc.backup.verify',
  run: (ctx, arg) => verifyBackup(ctx, arg, false),
});
