// `Postgres Lifecycle: Create Backup` (Backups view toolbar) — asks for an optional name, then
// backs up the active environment's database (`pglc backup create`) with progress and Cancel;
// with [backup] storage = "s3" the CLI uploads it too and says when that failed.

import * as vscode from 'vscode';
import type { BackupCreateResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { formatBytes } from '../format';
import { reloadBackups } from './backup-args';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

/** The message after a backup: id, size, and where it went. */
export function createdMessage(r: BackupCreateResult): string {
  const m = r.manifest;
  const where = r.location === 'both' ? 'stored locally and uploaded' : 'stored locally';
  return `Backed up ${m.environment} (${m.database}) as ${m.id}: ${formatBytes(m.totalSize)}, ${where}`;
}

export const backupCreateCommand = defineCommand({
  id: 'pglc.backup.create',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    // A string argument is the name (tests, keybindings); otherwise ask.
    const name =
      typeof arg === 'string'
        ? arg
        : await ctx.prompts.current().input({
            title: `Create a backup of ${env}`,
            prompt: 'A name for the backup (optional; it becomes part of the id, e.g. before-v2). Leave empty for none.',
            placeHolder: 'before-v2',
            validateInput: (v) => (v.length > 60 ? 'Keep the name under 60 characters.' : undefined),
          });
    if (name === undefined) throw cancelledByUser('Create Backup');
    try {
      const r = await runOperation<BackupCreateResult>(ctx, {
        title: `Backing up ${env}`,
        busy: `backing up ${env}`,
        args: ['backup', 'create', ...(name.trim() ? ['--name', name.trim()] : [])],
        env,
      });
      if (r.upload && !r.upload.uploaded) {
        const why = r.upload.error ? `${r.upload.error.what} — ${r.upload.error.why}` : 'the upload did not complete';
        void vscode.window.showWarningMessage(`${createdMessage(r)}; the upload failed: ${why}. Use "Upload Backup" to try again.`);
      } else {
        void vscode.window.showInformationMessage(createdMessage(r));
      }
      return r;
    } finally {
      await reloadBackups(ctx);
    }
  },
});
