// `Postgres Lifecycle: Create Migration` — asks for a name, runs `pglc db migrate:create <name>`
// and opens the new file.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CreateMigrationResult } from '../../protocol/index';
import { cancelledByUser } from '../operations';
import { defineCommand } from './command-definition';

export const createMigrationCommand = defineCommand({
  id: 'pglc.migrate.create',
  async run(ctx, arg) {
    const root = ctx.requireRoot();
    const name =
      typeof arg === 'string'
        ? arg
        : await ctx.prompts.current().input({
            title: 'Create Migration',
            prompt: 'What does the migration do? (letters, digits, _ and -; e.g. add_posts)',
            placeHolder: 'add_posts',
            validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_ -]*$/.test(v.trim()) ? undefined : 'Use letters, digits, _ and - (spaces become _)'),
          });
    if (!name) throw cancelledByUser('Create Migration');
    const r = await ctx.cli.run<CreateMigrationResult>(['db', 'migrate:create', name.trim().replace(/\s+/g, '_')], { cwd: root });
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(root, r.file)));
    await vscode.window.showTextDocument(doc);
    await ctx.status.refresh();
    return r;
  },
});
