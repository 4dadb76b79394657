// Starts the language server (dist/server.js, a Node process) over IPC and stops it with the
// extension: .sql files on disk go to it, pglc.toml changes are forwarded (the server reads it to
// know the migration folders until the first `pglc/migrationStatus`), and custom notifications
// are sent once it runs — the latest of each method again after the server restarts, so its
// CodeLens never fall back to "no status" after a crash.
// Invariant: a server that fails to start is logged and leaves the rest of the extension
// working; activation never waits for it.

import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { LanguageServerInfo } from './api';

export interface RunningLanguageClient {
  info: Promise<LanguageServerInfo | undefined>;
  /** Sends a notification once the server runs; dropped (false) when it never started. */
  sendNotification(method: string, params: unknown): Promise<boolean>;
  stop(): Promise<void>;
}

export function startLanguageClient(
  context: vscode.ExtensionContext,
  output: vscode.LogOutputChannel,
): RunningLanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const configWatcher = vscode.workspace.createFileSystemWatcher('**/pglc.toml');
  // saved migrations change the schema the server lints later migrations on
  const sqlWatcher = vscode.workspace.createFileSystemWatcher('**/*.sql');
  context.subscriptions.push(configWatcher, sqlWatcher);
  const clientOptions: LanguageClientOptions = {
    // .sql files whatever language another extension gives them (pgsql, postgres, …)
    documentSelector: [{ scheme: 'file', language: 'sql' }, { scheme: 'file', pattern: '**/*.sql' }],
    synchronize: { fileEvents: [configWatcher, sqlWatcher] },
    // { diagnosticsDebounceMs } is available here too; the server's default (150 ms) is the product's
    initializationOptions: {},
    outputChannel: output,
  };
  const client = new LanguageClient('pglc', 'Postgres Lifecycle Language Server', serverOptions, clientOptions);

  // The latest params of each custom notification, re-sent when a restarted server is running.
  const latest = new Map<string, unknown>();
  let started = false;
  context.subscriptions.push(
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      if (!started) {
        started = true;
        return;
      }
      for (const [method, params] of latest) {
        client.sendNotification(method, params).catch((err: unknown) => {
          output.warn(`Could not re-send ${method} to the restarted language server — ${err instanceof Error ? err.message : String(err)}`);
        });
      }
    }),
  );

  const info = client.start().then(
    () => {
      const s = client.initializeResult?.serverInfo;
      return s ? { name: s.name, version: s.version } : undefined;
    },
    (e: unknown) => {
      output.error(`The language server did not start — ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    },
  );
  return {
    info,
    sendNotification: async (method, params) => {
      latest.set(method, params);
      if (!(await info) || !client.isRunning()) return false;
      await client.sendNotification(method, params);
      return true;
    },
    stop: async () => {
      if (client.isRunning()) await client.stop();
    },
  };
}
