// `Postgres Lifecycle: Migrate` — applies every pending migration to the active environment
// (`pglc db migrate`). On a protected environment it asks first (migrate is allowed there, but a
// person should see where it goes).

import * as vscode from 'vscode';
import type { MigrateResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment, plural } from './command-args';
import { defineCommand } from './command-definition';

export function appliedMessage(r: MigrateResult): string {
  return r.applied.length
    ? `Applied ${plural(r.applied.length, 'migration')} to ${r.environment} (${r.database})`
    : `${r.environment} (${r.database}) is up to date; nothing to apply`;
}

export const migrateCommand = defineCommand({
  id: 'pglc.migrate',
  async run(ctx) {
    const env = await activeEnvironment(ctx);
    if (ctx.envs.find(env)?.protected) {
      const go = 'Apply';
      const answer = await ctx.prompts.current().ask(`Apply every pending migration to protected environment "${env}"?`, { modal: true }, go);
      if (answer !== go) throw cancelledByUser('Migrate');
    }
    const r = await runOperation<MigrateResult>(ctx, { title: `Applying migrations to ${env}`, busy: `migrating ${env}`, args: ['db', 'migrate'], env });
    void vscode.window.showInformationMessage(appliedMessage(r));
    return r;
  },
});
