// `Postgres Lifecycle: Apply Up To…` (also the "▶ Apply" CodeLens and the tree's "Apply up to
// here", EditorCommands.applyUpTo with a version) — applies pending migrations up to and including
// one version (`pglc db migrate --to V`). When earlier pending migrations would run too, it asks
// first: "Apply 0002, 0003 and 0004?".

import * as vscode from 'vscode';
import type { MigrateResult } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import { expectedFailure } from '../failures';
import { cancelledByUser, runOperation } from '../operations';
import { joinWords } from '../prompts';
import { activeEnvironment, freshStatus, rowLabel, versionArg } from './command-args';
import { defineCommand } from './command-definition';
import { appliedMessage } from './migrate';

const RUNNABLE = new Set(['pending', 'out-of-order']);

export const applyUpToCommand = defineCommand({
  id: EditorCommands.applyUpTo,
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const status = await freshStatus(ctx);
    const runnable = status.rows.filter((r) => RUNNABLE.has(r.state));
    let version = versionArg(arg);
    if (version === undefined) {
      if (!runnable.length) throw expectedFailure('migration-not-found', 'Nothing to apply', `every migration is applied on ${env}`, 'Create one with "Create Migration".');
      const picked = await ctx.prompts.current().pick(
        runnable.map((r) => ({ label: rowLabel(r), description: r.state === 'out-of-order' ? 'out of order' : '', version: r.version })),
        { title: `Apply up to which migration on ${env}?`, placeHolder: 'Every pending migration up to and including the one you pick is applied' },
      );
      if (!picked) throw cancelledByUser('Apply Up To');
      version = picked.version;
    }
    const target = status.rows.find((r) => r.version === version);
    if (!target) throw expectedFailure('migration-not-found', `There is no migration ${version}`, `pglc db migrate:status on ${env} does not list it`, 'Refresh the Migrations view and pick one of its rows.');
    if (!RUNNABLE.has(target.state)) throw expectedFailure('migration-not-found', `${rowLabel(target)} is not pending`, `it is ${target.state} on ${env}`, 'Pick a pending migration.');
    const index = runnable.indexOf(target);
    const todo = runnable.slice(0, index + 1);
    const outOfOrder = todo.some((r) => r.state === 'out-of-order');
    if (todo.length > 1 || outOfOrder) {
      const go = 'Apply';
      const answer = await ctx.prompts.current().ask(
        `Apply ${joinWords(todo.map((r) => r.version))}?`,
        {
          modal: true,
          detail:
            `These run in order on ${env}:\n${todo.map((r) => `  ${rowLabel(r)}${r.state === 'out-of-order' ? ' (out of order: older than the newest applied one)' : ''}`).join('\n')}`,
        },
        go,
      );
      if (answer !== go) throw cancelledByUser(`Applying ${version}`);
    }
    const args = ['db', 'migrate', '--to', target.version, ...(outOfOrder ? ['--allow-out-of-order'] : [])];
    const r = await runOperation<MigrateResult>(ctx, { title: `Applying migrations up to ${target.version} to ${env}`, busy: `migrating ${env}`, args, env });
    void vscode.window.showInformationMessage(appliedMessage(r));
    return r;
  },
});
