// `Postgres Lifecycle: Initialize` — runs `pglc init --json` in a workspace folder (creates
// pglc.toml, the pglc/ folders and .gitignore entries, adopting an existing migrations folder),
// then rescans the workspace, fills the views and opens the new pglc.toml.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { InitResult } from '../../protocol/index';
import { expectedFailure } from '../failures';
import { cancelledByUser } from '../operations';
import { PROJECT_FILE } from '../project-detection';
import { defineCommand } from './command-definition';
import { openFileAt } from './open-migration';

export const initCommand = defineCommand({
  id: 'pglc.init',
  async run(ctx) {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) throw expectedFailure('config-missing', 'No folder is open', 'Initialize creates pglc.toml in a workspace folder', 'Open your project\'s folder first (File → Open Folder).');
    let folder = folders[0]!;
    if (folders.length > 1) {
      const picked = await ctx.prompts.current().pick(
        folders.map((f) => ({ label: f.name, description: f.uri.fsPath, folder: f })),
        { title: 'Initialize Postgres Lifecycle in which folder?' },
      );
      if (!picked) throw cancelledByUser('Initialize');
      folder = picked.folder;
    }
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Initializing Postgres Lifecycle in ${folder.name}` },
      () => ctx.cli.run<InitResult>(['init'], { cwd: folder.uri.fsPath }),
    );
    await ctx.project.rescan();
    await ctx.status.refresh({ environments: true });
    await openFileAt(join(r.root, PROJECT_FILE));
    void vscode.window.showInformationMessage(
      `Initialized Postgres Lifecycle in ${folder.name}: ${r.detected ? `using the existing migrations in ${r.detected}` : `migrations go to ${r.migrationsDir}`}.`,
    );
    return r;
  },
});
