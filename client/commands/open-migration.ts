// Opens a migration file (a Migrations row's click, its "Open File" action, and
// EditorCommands.openMigration with an absolute path), optionally at a line and column.

import * as vscode from 'vscode';
import { EditorCommands } from '../../protocol/lsp';
import { expectedFailure } from '../failures';
import { defineCommand } from './command-definition';

/** Opens `path` and puts the cursor at 1-based `line`:`column` when given. */
export async function openFileAt(path: string, line?: number, column?: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
  const at = line ? new vscode.Position(Math.max(0, line - 1), Math.max(0, (column ?? 1) - 1)) : undefined;
  return vscode.window.showTextDocument(doc, at ? { selection: new vscode.Range(at, at) } : {});
}

export const openMigrationCommand = defineCommand({
  id: EditorCommands.openMigration,
  async run(_ctx, arg, line, column) {
    const node = arg as { kind?: string; path?: unknown } | undefined;
    const path = typeof arg === 'string' ? arg : node?.kind === 'migration' && typeof node.path === 'string' ? node.path : undefined;
    if (!path) throw expectedFailure('migration-not-found', 'No migration file to open', 'the migration has no file (it is missing)', 'Restore the file, or repair the history.');
    await openFileAt(path, typeof line === 'number' ? line : undefined, typeof column === 'number' ? column : undefined);
  },
});
