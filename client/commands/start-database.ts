// `Postgres Lifecycle: Start Local Database` — starts the embedded local PostgreSQL (`pglc db start`,
// initialized on first use).

import * as vscode from 'vscode';
import { runOperation } from '../operations';
import { defineCommand } from './command-definition';

interface StartResult {
  environment: string;
  started: boolean;
  port: number;
  database: string;
}

export const startDatabaseCommand = defineCommand({
  id: 'pglc.db.start',
  async run(ctx) {
    const r = await runOperation<StartResult>(ctx, { title: 'Starting the local PostgreSQL', busy: 'starting local', args: ['db', 'start'], env: 'local' });
    void vscode.window.showInformationMessage(`Local PostgreSQL ${r.started ? 'started' : 'is already running'} on port ${r.port} (database ${r.database})`);
    await ctx.envs.testConnection(r.environment);
    return r;
  },
});
