// Starts the language server (dist/server.js, a Node process) over IPC and stops it with the
// extension. Invariant: a server that fails to start is logged and leaves the rest of the
// extension working; activation never waits for it.

import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import type { LanguageServerInfo } from './api';

export interface RunningLanguageClient {
  info: Promise<LanguageServerInfo | undefined>;
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
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'sql' }],
    outputChannel: output,
  };
  const client = new LanguageClient('pglc', 'Postgres Lifecycle Language Server', serverOptions, clientOptions);
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
    stop: async () => {
      if (client.isRunning()) await client.stop();
    },
  };
}
