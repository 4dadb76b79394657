// `Postgres Lifecycle: Download Backup` (rows stored only remotely) — copies a backup from the
// S3-compatible storage into the local store (`pglc backup download`), checked by SHA-256.

import * as vscode from 'vscode';
import type { BackupTransferResult } from '../../protocol/index';
import { runOperation } from '../operations';
import { reloadBackups, targetBackup } from './backup-args';
import { transferMessage } from './backup-upload';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

export const backupDownloadCommand = defineCommand({
  id: 'pglc.backup.download',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const target = await targetBackup(ctx, arg, 'Download Backup', (b) => b.location === 'remote');
    try {
      const r = await runOperation<BackupTransferResult>(ctx, { title: `Downloading ${target.id}`, busy: `downloading ${target.id}`, args: ['backup', 'download', target.id], env });
      void vscode.window.showInformationMessage(transferMessage(r));
      return r;
    } finally {
      await reloadBackups(ctx);
    }
  },
});
