// `Postgres Lifecycle: Migrate Fresh` — drops every schema of the active environment's database
// and re-applies every migration, after a modal that says so. On a protected environment the CLI
// blocks it (guard-blocked), and that error is shown as is.

import * as vscode from 'vscode';
import type { FreshResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment, freshStatus, plural } from './command-args';
import { defineCommand } from './command-definition';

export const migrateFreshCommand = defineCommand({
  id: 'pglc.migrate.fresh',
  async run(ctx) {
    const env = await activeEnvironment(ctx);
    const status = await freshStatus(ctx);
    const files = status.rows.filter((r) => r.state !== 'missing').length;
    const go = 'Drop Everything and Re-apply';
    const answer = await ctx.prompts.current().ask(
      `Every schema in database ${status.database} on ${env} will be dropped.`,
      {
        modal: true,
        detail:
          `Everything in ${status.database} except the system catalogs is lost: every schema (public included) with its tables, data, views, functions and types. ` +
          `Then ${plural(files, 'migration')} ${files === 1 ? 'is' : 'are'} applied from scratch.`,
      },
      go,
    );
    if (answer !== go) throw cancelledByUser('Migrate Fresh');
    const r = await runOperation<FreshResult>(ctx, { title: `Recreating ${env} (${status.database})`, busy: `recreating ${env}`, args: ['db', 'migrate:fresh'], env });
    void vscode.window.showInformationMessage(
      `Recreated ${r.environment} (${r.database}): dropped ${r.droppedSchemas.length ? r.droppedSchemas.join(', ') : 'nothing'}, applied ${plural(r.applied.length, 'migration')}`,
    );
    return r;
  },
});
