// `Postgres Lifecycle: Migration Status` — reads the status again and shows the Migrations view.

import * as vscode from 'vscode';
import { plural } from './command-args';
import { defineCommand } from './command-definition';

export const migrationStatusCommand = defineCommand({
  id: 'pglc.migrate.status',
  async run(ctx) {
    ctx.requireRoot();
    await vscode.commands.executeCommand('pglc.migrations.focus');
    await ctx.status.refresh({ environments: true });
    const s = ctx.status.current();
    if (s?.error) throw s.error;
    if (s?.status) {
      const c = s.status.counts;
      ctx.output.info(`${s.status.environment} (${s.status.database}): ${plural(c.applied, 'applied migration')}, ${c.pending} pending`);
    }
    return s?.status;
  },
});
