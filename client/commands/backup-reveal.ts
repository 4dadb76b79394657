// `Postgres Lifecycle: Reveal Backup Folder` — shows a local backup's folder in the system's file
// manager: the path `pglc backup info` reports, else `backups/<id>` under the project root.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BackupInfoResult } from '../../protocol/index';
import { expectedFailure } from '../failures';
import { targetBackup } from './backup-args';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

export const backupRevealCommand = defineCommand({
  id: 'pglc.backup.reveal',
  async run(ctx, arg) {
    const root = ctx.requireRoot();
    const env = await activeEnvironment(ctx);
    const target = await targetBackup(ctx, arg, 'Reveal Backup Folder', (b) => b.location !== 'remote');
    if (target.summary?.location === 'remote') {
      throw expectedFailure('file-not-found', `${target.id} has no local folder`, 'it is stored only remotely', 'Download it first ("Download Backup").');
    }
    let path: string | undefined;
    if (!target.leftover) {
      const info = await ctx.cli.run<BackupInfoResult>(['backup', 'info', target.id], { cwd: root, env, quiet: true });
      path = info.path;
    }
    path ??= join(root, 'backups', target.id);
    await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(path));
    return path;
  },
});
