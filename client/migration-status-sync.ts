// Tells the language server the active environment's migration status after every refresh
// (`pglc/migrationStatus`, protocol/lsp.ts), so its CodeLens ("▶ Apply", "↶ Rollback", "✓ applied …")
// match the Migrations view. Invariant: the server learns status only from here — it never runs
// pglc or connects to a database; a status that could not be read is sent as `problem`.

import type * as vscode from 'vscode';
import { MigrationStatusNotification, type MigrationStatusParams } from '../protocol/lsp';
import type { RunningLanguageClient } from './language-client';
import type { MigrationStatusSnapshot, MigrationStatusStore } from './migration-status';

export function statusParams(snapshot: MigrationStatusSnapshot): MigrationStatusParams {
  const problem = snapshot.error ? `${snapshot.environment ? `${snapshot.environment}: ` : ''}${snapshot.error.what}` : undefined;
  return {
    root: snapshot.root,
    migrationDirs: snapshot.migrationDirs,
    ...(snapshot.status ? { status: snapshot.status } : {}),
    ...(problem ? { problem } : {}),
  };
}

export function syncMigrationStatus(
  status: MigrationStatusStore,
  client: RunningLanguageClient,
  output: vscode.LogOutputChannel,
): vscode.Disposable {
  return status.onDidChange((snapshot) => {
    if (!snapshot) return;
    client.sendNotification(MigrationStatusNotification, statusParams(snapshot)).catch((e: unknown) => {
      output.warn(`Could not send the migration status to the language server — ${e instanceof Error ? e.message : String(e)}`);
    });
  });
}
