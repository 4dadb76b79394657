// The modal before a rollback: runs the same rollback with --dry-run first and lists the
// migrations whose Down sections will run, so the user sees exactly what will be lost.
// Invariant: nothing is rolled back unless the user chose "Roll Back" in that modal; a dry run
// changes nothing (it needs no confirmation, even on a protected environment).

import type { RollbackResult } from '../../protocol/index';
import { cancelledByUser } from '../operations';
import { rowLabel } from './command-args';
import type { CommandContext } from './command-definition';
import { expectedFailure } from '../failures';

/** Asks about rolling back what `selector` (e.g. ['--steps', '1']) selects; resolves with the dry run. */
export async function confirmRollback(ctx: CommandContext, env: string, selector: string[]): Promise<RollbackResult> {
  const root = ctx.requireRoot();
  const plan = await ctx.cli.run<RollbackResult>(['db', 'migrate:rollback', ...selector, '--dry-run'], { cwd: root, env });
  if (!plan.reverted.length) throw expectedFailure('migration-not-found', 'Nothing to roll back', `no migration is applied on ${env}`, 'Apply one first.');
  const protectedEnv = ctx.envs.find(env)?.protected;
  const list = plan.reverted.map((m) => `  ${rowLabel(m)}${m.noTransaction ? ' (runs outside a transaction)' : ''}`).join('\n');
  const go = 'Roll Back';
  const answer = await ctx.prompts.current().ask(
    plan.reverted.length === 1
      ? `Roll back ${rowLabel(plan.reverted[0]!)} on ${env} (${plan.database})?`
      : `Roll back ${plan.reverted.length} migrations on ${env} (${plan.database})?`,
    {
      modal: true,
      detail:
        `The Down section of each runs, newest first; what their Up sections created — tables, columns and the data in them — is lost:\n${list}` +
        (protectedEnv ? `\n\n"${env}" is protected: you will be asked to type the database name.` : ''),
    },
    go,
  );
  if (answer !== go) throw cancelledByUser('Rollback');
  return plan;
}
