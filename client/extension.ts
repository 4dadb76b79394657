// The extension's entry point: wiring only. It creates the output channel, the CLI runner, the
// stores (environments, migration status), the status bars (environment, backups), the views,
// the refresh triggers, the command table and the language client (with the migration status
// and the lint facts it is sent); behaviour lives in those modules.
// Invariants: the client never imports core/ at run time (types only) — editor actions run the
// `pglc … --json` CLI, so the editor and cron run the same code; activation does no I/O it waits
// for (the first status read and the language server start in the background).

import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { CommandFailure, PglcExtensionApi } from './api';
import type { CommandContext } from './commands/command-definition';
import { createBackupStatusBar } from './backup-status-bar';
import { commandTable } from './commands/command-table';
import { registerCommands } from './commands/register-commands';
import { currentRestorePanel, registerRestorePanelSerializer } from './restore-panel';
import { erDiagramState, registerErDiagramSerializer } from './er-diagram-panel';
import { createEnvironmentStore } from './environment-store';
import { noProjectError } from './failures';
import { startLanguageClient, type RunningLanguageClient } from './language-client';
import { syncLintFacts } from './lint-facts-sync';
import { createMigrationStatusStore } from './migration-status';
import { syncMigrationStatus } from './migration-status-sync';
import { createPglcCli } from './pglc-cli';
import { watchProject } from './project-detection';
import { prompterSlot } from './prompts';
import { watchForRefresh } from './refresh-triggers';
import { createEnvironmentStatusBar } from './status-bar';
import { registerViews } from './views/register-views';

let languageClient: RunningLanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): PglcExtensionApi {
  const started = performance.now();
  const output = vscode.window.createOutputChannel('Postgres Lifecycle', { log: true });
  context.subscriptions.push(output);

  // The stores and the CLI refer to each other and to the project only through callbacks.
  const root = () => project.root();
  const cli = createPglcCli({
    extensionPath: context.extensionPath,
    secrets: context.secrets,
    output,
    environments: () => envs.list()?.environments.map((e) => e.name) ?? [],
  });
  const envs = createEnvironmentStore({ cli, root, state: context.workspaceState });
  const status = createMigrationStatusStore({ cli, envs, root });
  const views = registerViews(context, { status, envs, cli, root });
  const project = watchProject(context, () => views.refresh());
  const statusBar = createEnvironmentStatusBar(envs, () => project.root() !== undefined);
  const backupStatusBar = createBackupStatusBar({ cli, envs, root, onBackupsLoaded: views.backups.onDidLoad });
  const prompts = prompterSlot();
  context.subscriptions.push(envs, status, statusBar, backupStatusBar, watchForRefresh(status));

  const ctx: CommandContext = {
    extension: context,
    output,
    views,
    project,
    cli,
    envs,
    status,
    statusBar,
    prompts,
    requireRoot: () => {
      const r = project.root();
      if (!r) throw noProjectError();
      return r;
    },
  };
  let lastFailure: CommandFailure | undefined;
  registerCommands(context, commandTable, ctx, (f) => (lastFailure = f));
  context.subscriptions.push(registerRestorePanelSerializer(ctx));
  context.subscriptions.push(registerErDiagramSerializer(ctx));

  languageClient = startLanguageClient(context, output);
  context.subscriptions.push(syncMigrationStatus(status, languageClient, output));
  context.subscriptions.push(syncLintFacts({ status, cli, client: languageClient, output }));
  const activationMs = performance.now() - started;
  output.info(`Activated in ${activationMs.toFixed(1)} ms (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, VS Code ${vscode.version})`);

  return {
    languageServer: languageClient.info,
    projectScanned: project.scanned,
    activationMs,
    trees: {
      migrations: views.migrations as vscode.TreeDataProvider<unknown>,
      environments: views.environments as vscode.TreeDataProvider<unknown>,
      backups: views.backups.provider as vscode.TreeDataProvider<unknown>,
    },
    statusBar: () => statusBar.state(),
    backupStatusBar: () => backupStatusBar.state(),
    backupsIdle: async () => {
      await views.backups.idle();
      await backupStatusBar.idle();
    },
    activeEnvironment: () => envs.active(),
    idle: async () => {
      await project.scanned;
      await status.idle();
    },
    lastFailure: () => lastFailure,
    restorePanel: currentRestorePanel,
    erDiagram: () => erDiagramState(),
    setPrompter: (p) => prompts.replace(p),
    runPglc: (args, options) => cli.run(args, { cwd: ctx.requireRoot(), ...options }),
  };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
  languageClient = undefined;
}
