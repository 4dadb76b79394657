// The extension's entry point: wiring only. It creates the output channel, the views, the
// project detection, the command table and the language client; behaviour lives in those modules.
// Invariant: the client never imports core/ at run time (types only) — editor actions run the
// `pglc … --json` CLI, so the editor and cron run the same code.

import * as vscode from 'vscode';
import type { PglcExtensionApi } from './api';
import { commandTable } from './commands/command-table';
import { registerCommands } from './commands/register-commands';
import { startLanguageClient, type RunningLanguageClient } from './language-client';
import { watchProject } from './project-detection';
import { registerViews } from './views/register-views';

let languageClient: RunningLanguageClient | undefined;

export function activate(context: vscode.ExtensionContext): PglcExtensionApi {
  const output = vscode.window.createOutputChannel('Postgres Lifecycle', { log: true });
  context.subscriptions.push(output);
  const views = registerViews(context);
  const project = watchProject(context, () => views.refresh());
  registerCommands(context, commandTable, { extension: context, output, views, project });
  languageClient = startLanguageClient(context, output);
  output.info(`Activated (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, VS Code ${vscode.version})`);
  return { languageServer: languageClient.info, projectScanned: project.scanned };
}

export async function deactivate(): Promise<void> {
  await languageClient?.stop();
  languageClient = undefined;
}
