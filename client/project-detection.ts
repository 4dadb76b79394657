// Knows whether the workspace is a Postgres Lifecycle project (a pglc.toml at the root of a
// workspace folder) and publishes it as the context key `pglc.projectState` ('found' | 'none'),
// which the views' welcome content reads.
// Invariant: the key is unset until the first scan finishes, so no welcome text flickers at start.

import * as vscode from 'vscode';

export const PROJECT_STATE_KEY = 'pglc.projectState';
export const PROJECT_FILE = 'pglc.toml';

export interface ProjectWatch {
  /** Workspace folders that hold a pglc.toml, as of the last scan. */
  folders(): readonly vscode.WorkspaceFolder[];
  /** Absolute folder of the project's pglc.toml (the first such workspace folder), if any. */
  root(): string | undefined;
  /** Scans again now (after `pglc init`). */
  rescan(): Promise<void>;
  /** Settles after the first scan. */
  scanned: Promise<void>;
}

/** The workspace folders among `folders` with a pglc.toml at their root. */
export async function findProjectFolders(
  folders: readonly vscode.WorkspaceFolder[],
): Promise<vscode.WorkspaceFolder[]> {
  const found = await Promise.all(
    folders.map(async (f) => {
      try {
        const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(f.uri, PROJECT_FILE));
        return (stat.type & vscode.FileType.File) !== 0 ? f : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return found.filter((f): f is vscode.WorkspaceFolder => f !== undefined);
}

/** Scans now and again whenever a pglc.toml or the set of workspace folders changes. */
export function watchProject(context: vscode.ExtensionContext, onChange: () => void): ProjectWatch {
  let current: vscode.WorkspaceFolder[] = [];
  const rescan = async () => {
    current = await findProjectFolders(vscode.workspace.workspaceFolders ?? []);
    await vscode.commands.executeCommand('setContext', PROJECT_STATE_KEY, current.length ? 'found' : 'none');
    onChange();
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_FILE}`);
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate(rescan),
    watcher.onDidDelete(rescan),
    vscode.workspace.onDidChangeWorkspaceFolders(rescan),
  );
  return { folders: () => current, root: () => current[0]?.uri.fsPath, rescan, scanned: rescan() };
}
