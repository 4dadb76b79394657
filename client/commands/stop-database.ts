// `Postgres Lifecycle: Stop Local Database` — stops the embedded local PostgreSQL (`pglc db stop`).

import * as vscode from 'vscode';
import { runOperation } from '../operations';
import { defineCommand } from './command-definition';

export const stopDatabaseCommand = defineCommand({
  id: 'pglc.db.stop',
  async run(ctx) {
    const r = await runOperation<{ stopped: boolean }>(ctx, { title: 'Stopping the local PostgreSQL', busy: 'stopping local', args: ['db', 'stop'] });
    void vscode.window.showInformationMessage(r.stopped ? 'Local PostgreSQL stopped' : 'The local PostgreSQL was not running');
    if (ctx.envs.find('local')) await ctx.envs.testConnection('local');
    return r;
  },
});
