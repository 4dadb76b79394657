// `Postgres Lifecycle: Undo Last Restore` (the palette, and the replaced database's row): swaps the
// database the last restore replaced back in (`pglc restore undo`), after a modal naming both.
// On a protected environment the CLI asks for the database name, typed by the user.

import * as vscode from 'vscode';
import type { RestoreUndoResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

export const restoreUndoCommand = defineCommand({
  id: 'pglc.restore.undo',
  async run(ctx) {
    const env = await activeEnvironment(ctx);
    const plan = await runOperation<RestoreUndoResult>(ctx, { title: `Finding the last restore of ${env}`, busy: 'reading restores', args: ['restore', 'undo', '--dry-run'], env });
    const go = 'Undo Restore';
    const answer = await ctx.prompts.current().ask(
      `Undo the last restore of ${plan.database} on ${env}?`,
      { modal: true, detail: `${plan.restored} becomes ${plan.database} again. Open sessions of ${plan.database} are closed. The restored database is kept under a new name, so this can be undone too.` },
      go,
    );
    if (answer !== go) throw cancelledByUser('Undo Last Restore');
    try {
      const r = await runOperation<RestoreUndoResult>(ctx, { title: `Undoing the last restore of ${env}`, busy: `undoing restore on ${env}`, args: ['restore', 'undo'], env, guarded: true });
      void vscode.window.showInformationMessage(`${r.restored} is ${r.database} again${r.keptAs ? `; the restored database is kept as ${r.keptAs}` : ''}.`);
      return r;
    } finally {
      await ctx.views.backups.reload();
    }
  },
});
