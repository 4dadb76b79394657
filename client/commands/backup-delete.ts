// `Postgres Lifecycle: Delete Backup` (a Backups row's context menu) — deletes a local backup or
// an incomplete leftover (`pglc backup delete`) after a modal naming its id, size and age. On a
// protected environment the CLI asks for the database name (recent backups), which the user
// types (client/operations.ts); the editor never confirms by itself.

import * as vscode from 'vscode';
import type { BackupDeleteResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { LOCATION_TEXT } from '../views/backups-tree';
import { formatAge, formatBytes } from '../format';
import { reloadBackups, targetBackup, type BackupTarget } from './backup-args';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

/** The modal's detail: id, size, age, where it is stored. */
export function deleteDetail(t: BackupTarget, leftoverSize?: number): string {
  const lines = [`Id: ${t.id}`];
  if (t.summary) {
    lines.push(`Size: ${formatBytes(t.summary.totalSize)}`);
    lines.push(`Age: ${formatAge(t.summary.createdAt)} (${t.summary.createdAt})`);
    lines.push(`Stored: ${LOCATION_TEXT[t.summary.location]}${t.summary.location === 'both' ? ' (only the local copy is deleted)' : ''}`);
  } else if (t.leftover) {
    lines.push('Incomplete backup (no complete manifest)');
    if (leftoverSize !== undefined) lines.push(`Size: ${formatBytes(leftoverSize)}`);
  }
  lines.push('', 'The files are removed from the local backup store; this cannot be undone.');
  return lines.join('\n');
}

export const backupDeleteCommand = defineCommand({
  id: 'pglc.backup.delete',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const target = await targetBackup(ctx, arg, 'Delete Backup', (b) => b.location !== 'remote');
    const leftoverSize = (arg as { leftover?: { size?: number } } | undefined)?.leftover?.size;
    const go = 'Delete';
    const answer = await ctx.prompts
      .current()
      .ask(`Delete backup ${target.id}${target.leftover ? ' (incomplete)' : ''} of ${env}?`, { modal: true, detail: deleteDetail(target, leftoverSize) }, go);
    if (answer !== go) throw cancelledByUser('Delete Backup');
    try {
      const r = await runOperation<BackupDeleteResult>(ctx, {
        title: `Deleting ${target.id}`,
        busy: `deleting ${target.id}`,
        args: ['backup', 'delete', target.id],
        env,
        guarded: true,
      });
      void vscode.window.showInformationMessage(`Deleted ${r.complete ? 'backup' : 'incomplete backup'} ${r.id} (${formatBytes(r.size)})`);
      return r;
    } finally {
      await reloadBackups(ctx);
    }
  },
});

