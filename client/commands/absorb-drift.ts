// `Postgres Lifecycle: Absorb Drift…` (the Migrations view's drift row, the palette for the active
// environment, and Check Schema Drift's answer) — asks for the catch-up migration's name and runs
// `pglc schema drift --absorb NAME --env ENV --json`: the migration is written (self-checked) and
// recorded as applied on the environment, whose schema is not changed; then it is opened.
// Invariant: on a protected environment the CLI's guard asks for the database name (runOperation
// types it in as --confirm; the editor never confirms by itself); the Migrations view refreshes
// afterwards, so its drift row goes away once there is nothing left to absorb.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaDriftResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment, environmentArg } from './command-args';
import { defineCommand, type CommandContext } from './command-definition';

/** The environment of a drift row (`{ kind: 'drift', environment }`), a name, or an Environments row. */
function driftEnvironmentArg(arg: unknown): string | undefined {
  const node = arg as { kind?: string; environment?: unknown } | undefined;
  if ((node?.kind === 'drift' || node?.kind === 'drift-object') && typeof node.environment === 'string') return node.environment;
  return environmentArg(arg);
}

/**
 * Asks for the name and absorbs the drift of `env`; opens the migration it wrote.
 * @example await absorbDrift(ctx, 'staging') // pglc schema drift --absorb staging_drift --env staging --json
 */
export async function absorbDrift(ctx: CommandContext, env: string): Promise<SchemaDriftResult> {
  const root = ctx.requireRoot();
  const name = await ctx.prompts.current().input({
    title: 'Absorb Drift',
    prompt: `Name of the catch-up migration (it is recorded as applied on ${env}; its schema is not changed)`,
    value: `${env}_drift`,
    validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_ -]*$/.test(v.trim()) ? undefined : 'Use letters, digits, _ and - (spaces become _)'),
  });
  if (!name) throw cancelledByUser('Absorb Drift');
  const absorbed = await runOperation<SchemaDriftResult>(ctx, {
    title: `Absorbing the drift of ${env}`,
    busy: `absorbing drift of ${env}`,
    args: ['schema', 'drift', '--absorb', name.trim().replace(/\s+/g, '_')],
    env,
    guarded: true,
  });
  if (absorbed.absorbed) {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(join(root, absorbed.absorbed.file)));
    await vscode.window.showTextDocument(doc);
  } else if (absorbed.identical) {
    void vscode.window.showInformationMessage(`${env} has no drift: nothing to absorb.`);
  }
  return absorbed;
}

export const absorbDriftCommand = defineCommand({
  id: 'pglc.schema.absorbDrift',
  async run(ctx, arg) {
    return absorbDrift(ctx, driftEnvironmentArg(arg) ?? (await activeEnvironment(ctx)));
  },
});
