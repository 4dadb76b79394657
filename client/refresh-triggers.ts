// When the Migrations view reads the status again by itself: pglc.toml changed (environments
// too), or a .sql file under a migration folder was created, changed or deleted (when
// `pglc.refreshOnSave` is on). Operations and environment switches refresh on their own.
// Invariant: bursts of file events (a git checkout, a formatter) cause one debounced refresh.

import { sep } from 'node:path';
import * as vscode from 'vscode';
import type { MigrationStatusStore } from './migration-status';
import { PROJECT_FILE } from './project-detection';
import { readSettings } from './settings';

/** True when `file` lies inside one of `dirs` (absolute paths). */
export function isUnder(file: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => file === d || file.startsWith(d.endsWith(sep) ? d : d + sep));
}

export function watchForRefresh(status: MigrationStatusStore): vscode.Disposable {
  const config = vscode.workspace.createFileSystemWatcher(`**/${PROJECT_FILE}`);
  const sql = vscode.workspace.createFileSystemWatcher('**/*.sql');
  const onConfig = () => status.refreshSoon({ environments: true });
  const onSql = (uri: vscode.Uri) => {
    const dirs = status.current()?.migrationDirs ?? [];
    if (isUnder(uri.fsPath, dirs) && readSettings(uri).refreshOnSave) status.refreshSoon();
  };
  return vscode.Disposable.from(
    config,
    sql,
    config.onDidChange(onConfig),
    config.onDidCreate(onConfig),
    config.onDidDelete(onConfig),
    sql.onDidChange(onSql),
    sql.onDidCreate(onSql),
    sql.onDidDelete(onSql),
  );
}
