// `Postgres Lifecycle: Drop Replaced Database` (a "Replaced by restores" row): drops a database a
// restore replaced (`pglc restore drop-old <name>`) after a modal; dropping the one Undo would bring
// back on a protected environment needs the database name typed (the CLI asks).

import * as vscode from 'vscode';
import type { DropReplacedResult } from '../../protocol/index';
import { expectedFailure } from '../failures';
import { formatBytes } from '../format';
import { cancelledByUser, runOperation } from '../operations';
import type { ReplacedDatabaseNode } from '../views/backups-tree';
import { activeEnvironment } from './command-args';
import { defineCommand } from './command-definition';

export const restoreDropOldCommand = defineCommand({
  id: 'pglc.restore.dropOld',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    let node = arg as ReplacedDatabaseNode | undefined;
    if (node?.kind !== 'replaced-database') {
      await ctx.views.backups.reload();
      const olds = ctx.views.backups.current()?.replaced?.databases ?? [];
      if (!olds.length) throw expectedFailure('restore-nothing-to-undo', `No replaced database on ${env}`, 'no restore replaced a database there, or they were dropped', 'Nothing to drop.');
      const picked = await ctx.prompts.current().pick(olds.map((o) => ({ label: o.name, description: `was ${o.database} · ${formatBytes(o.sizeBytes)}`, o })), { title: 'Drop Replaced Database', placeHolder: 'Pick a database' });
      if (!picked) throw cancelledByUser('Drop Replaced Database');
      node = { kind: 'replaced-database', replaced: picked.o, environment: env };
    }
    const r = node.replaced;
    const go = 'Drop';
    const answer = await ctx.prompts.current().ask(
      `Drop ${r.name}?`,
      { modal: true, detail: `It is ${r.database} as it was before a restore (${formatBytes(r.sizeBytes)}).${r.undoable ? ' After this, the restore can no longer be undone (the pre-restore backup remains).' : ''} This cannot be undone.` },
      go,
    );
    if (answer !== go) throw cancelledByUser('Drop Replaced Database');
    try {
      const done = await runOperation<DropReplacedResult>(ctx, { title: `Dropping ${r.name}`, busy: `dropping ${r.name}`, args: ['restore', 'drop-old', r.name], env, guarded: true });
      void vscode.window.showInformationMessage(`Dropped ${r.name}.`);
      return done;
    } finally {
      await ctx.views.backups.reload();
    }
  },
});
