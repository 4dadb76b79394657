// `Postgres Lifecycle: Upload Backup` (rows stored only locally) — copies a local backup to the
// S3-compatible storage of [backup] (`pglc backup upload`), every file checked by SHA-256.

import * as vscode from 'vscode';
import type { BackupTransferResult } from '../../protocol/index';
import { runOperation } from '../operations';
import { formatBytes } from '../format';
import { reloadBackups, targetBackup } from './backup-args';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

export function transferMessage(r: BackupTransferResult): string {
  const verb = r.direction === 'upload' ? 'Uploaded' : 'Downloaded';
  return r.status === 'already'
    ? `${r.id} was already in ${r.to}`
    : `${verb} ${r.id} (${r.files} files, ${formatBytes(r.bytes)}) from ${r.from} to ${r.to}${r.replaced ? ', replacing a different copy' : ''}`;
}

export const backupUploadCommand = defineCommand({
  id: 'pglc.backup.upload',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const target = await targetBackup(ctx, arg, 'Upload Backup', (b) => b.location === 'local');
    try {
      const r = await runOperation<BackupTransferResult>(ctx, { title: `Uploading ${target.id}`, busy: `uploading ${target.id}`, args: ['backup', 'upload', target.id], env });
      void vscode.window.showInformationMessage(transferMessage(r));
      return r;
    } finally {
      await reloadBackups(ctx);
    }
  },
});
