// `Postgres Lifecycle: Rollback…` — picks what to roll back (the last N migrations, everything
// after a version, or all), shows what will be lost in a modal (from a dry run), and rolls back;
// on a protected environment the database name must be typed.

import * as vscode from 'vscode';
import type { RollbackResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment, freshStatus, rowLabel } from './command-args';
import { defineCommand } from './command-definition';
import { confirmRollback } from './confirm-rollback';
import { rolledBackMessage } from './rollback-last';

type Mode = 'steps' | 'to' | 'all';

export const rollbackCommand = defineCommand({
  id: 'pglc.migrate.rollback',
  async run(ctx) {
    const env = await activeEnvironment(ctx);
    const status = await freshStatus(ctx);
    const applied = status.rows.filter((r) => r.state === 'applied' || r.state === 'modified' || r.state === 'missing');
    const prompts = ctx.prompts.current();
    const mode = await prompts.pick<vscode.QuickPickItem & { mode: Mode }>(
      [
        { label: 'Last migrations…', description: 'roll back the newest N', mode: 'steps' },
        { label: 'Back to a version…', description: 'keep it applied, roll back everything newer', mode: 'to' },
        { label: 'All', description: `roll back every applied migration (${applied.length})`, mode: 'all' },
      ],
      { title: `Rollback on ${env}` },
    );
    if (!mode) throw cancelledByUser('Rollback');
    let selector: string[];
    if (mode.mode === 'steps') {
      const steps = await prompts.input({
        title: `Rollback on ${env}`,
        prompt: 'How many of the newest applied migrations?',
        value: '1',
        validateInput: (v) => (/^[1-9]\d*$/.test(v.trim()) ? undefined : 'A whole number of at least 1'),
      });
      if (!steps) throw cancelledByUser('Rollback');
      selector = ['--steps', steps.trim()];
    } else if (mode.mode === 'to') {
      const picked = await prompts.pick(
        applied.map((r) => ({ label: rowLabel(r), version: r.version })).reverse(),
        { title: `Rollback on ${env}: keep which version?`, placeHolder: 'Everything newer than the one you pick is rolled back' },
      );
      if (!picked) throw cancelledByUser('Rollback');
      selector = ['--to', picked.version];
    } else {
      selector = ['--all'];
    }
    const plan = await confirmRollback(ctx, env, selector);
    const r = await runOperation<RollbackResult>(ctx, {
      title: `Rolling back ${plan.reverted.length} migration${plan.reverted.length === 1 ? '' : 's'} on ${env}`,
      busy: `rolling back ${env}`,
      args: ['db', 'migrate:rollback', ...selector],
      env,
      guarded: true,
    });
    void vscode.window.showInformationMessage(rolledBackMessage(r));
    return r;
  },
});
