// `Postgres Lifecycle: Rollback Last` (also the "↶ Rollback" CodeLens and the tree's Rollback,
// EditorCommands.rollbackLast with a version) — rolls back the newest applied migration after a
// modal listing what will be lost; on a protected environment the database name must be typed.

import * as vscode from 'vscode';
import type { RollbackResult } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import { expectedFailure } from '../failures';
import { runOperation } from '../operations';
import { activeEnvironment, freshStatus, plural, rowLabel, versionArg } from './command-args';
import { defineCommand } from './command-definition';
import { confirmRollback } from './confirm-rollback';

export function rolledBackMessage(r: RollbackResult): string {
  return r.reverted.length
    ? `Rolled back ${r.reverted.length === 1 ? rowLabel(r.reverted[0]!) : plural(r.reverted.length, 'migration')} on ${r.environment} (${r.database})`
    : `Nothing to roll back on ${r.environment}`;
}

export const rollbackLastCommand = defineCommand({
  id: EditorCommands.rollbackLast,
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const version = versionArg(arg);
    const plan = await confirmRollback(ctx, env, ['--steps', '1']);
    // A lens or row names the migration it was drawn for: if another one became the newest since, stop.
    if (version !== undefined && plan.reverted[0]?.version !== version) {
      await freshStatus(ctx);
      throw expectedFailure(
        'migration-conflict',
        `${version} is not the last applied migration on ${env}`,
        `the newest applied one is ${plan.reverted[0] ? rowLabel(plan.reverted[0]) : 'none'}`,
        'Roll back from the newest one (the view was refreshed), or use "Rollback…" to pick a version.',
      );
    }
    const r = await runOperation<RollbackResult>(ctx, {
      title: `Rolling back ${rowLabel(plan.reverted[0]!)} on ${env}`,
      busy: `rolling back ${env}`,
      args: ['db', 'migrate:rollback', '--steps', '1'],
      env,
      guarded: true,
    });
    void vscode.window.showInformationMessage(rolledBackMessage(r));
    return r;
  },
});
