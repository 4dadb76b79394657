// CodeLens in migration files inside the real extension host: the language server draws them
// from the status this extension sends after every refresh (`pglc/migrationStatus`), and their
// commands are this extension's (EditorCommands): "▶ Apply" on a pending migration, "↶ Rollback"
// on the last applied one, "✓ applied …" on the others — and they follow an operation.

import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EditorCommands } from '../../protocol/lsp';
import { migrationsDir, resetTestDatabase, waitFor } from './helpers';

interface LensView {
  title: string;
  command?: string;
  args?: unknown[];
}

async function lensesOf(file: string): Promise<LensView[]> {
  const uri = vscode.Uri.file(join(migrationsDir(), file));
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 10)) ?? [];
  return lenses.filter((l) => l.command).map((l) => ({ title: l.command!.title, command: l.command!.command, args: l.command!.arguments }));
}

/** Waits until `file` has a lens whose title matches `title`, and returns it. */
async function lens(file: string, title: RegExp): Promise<LensView> {
  let found: LensView | undefined;
  let last: LensView[] = [];
  await waitFor(`a lens ${title} in ${file} (last seen: ${JSON.stringify(last)})`, async () => {
    last = await lensesOf(file);
    found = last.find((l) => title.test(l.title));
    return found !== undefined;
  });
  return found!;
}

describe('CodeLens from the migration status', () => {
  before(async () => {
    await resetTestDatabase();
    for (const f of ['0001_create_users.sql', '0002_create_posts.sql', '0003_create_comments.sql']) {
      await vscode.window.showTextDocument(vscode.Uri.file(join(migrationsDir(), f)), { preview: false });
    }
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetTestDatabase();
  });

  it('offers "▶ Apply" on pending migrations, running Apply Up To with their version', async () => {
    const first = await lens('0001_create_users.sql', /^▶ Apply/);
    assert.equal(first.command, EditorCommands.applyUpTo);
    assert.deepEqual(first.args, ['0001']);
    const third = await lens('0003_create_comments.sql', /^▶ Apply/);
    assert.deepEqual(third.args, ['0003']);
    assert.match(third.title, /2 earlier/);
  });

  it('after an apply, shows "↶ Rollback" on the last applied one and "✓ applied" on the others', async () => {
    await vscode.commands.executeCommand(EditorCommands.applyUpTo, '0001');
    await vscode.commands.executeCommand(EditorCommands.applyUpTo, '0002');
    const rollback = await lens('0002_create_posts.sql', /^↶ Rollback/);
    assert.equal(rollback.command, EditorCommands.rollbackLast);
    assert.deepEqual(rollback.args, ['0002']);
    await lens('0001_create_users.sql', /^✓ applied \d{4}-\d\d-\d\d \d\d:\d\d/);
    const pending = await lens('0003_create_comments.sql', /^▶ Apply/);
    assert.doesNotMatch(pending.title, /earlier/);
  });
});
