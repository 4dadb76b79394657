// Registers the command table with one error wrapper.
// Invariant: an expected failure (an ErrorPayload from `pglc … --json`) is shown as
// "what failed — why — what to do" with an Open Output action; anything else is logged with its
// stack to the output channel and shown as a one-line message, never as a stack.

import * as vscode from 'vscode';
import type { ErrorPayload } from '../../protocol/index';
import type { CommandContext, CommandDefinition } from './command-definition';

export function registerCommands(
  context: vscode.ExtensionContext,
  table: readonly CommandDefinition[],
  ctx: CommandContext,
): void {
  for (const def of table) {
    context.subscriptions.push(
      vscode.commands.registerCommand(def.id, async (...args: unknown[]) => {
        try {
          return await def.run(ctx, ...args);
        } catch (e) {
          void showFailure(ctx.output, def.id, e);
          return undefined;
        }
      }),
    );
  }
}

/** True for the `error` object of a failed CliResult (protocol/cli-events.ts). */
export function isErrorPayload(e: unknown): e is ErrorPayload {
  const p = e as Partial<ErrorPayload> | null;
  return typeof p === 'object' && p !== null && typeof p.what === 'string' && typeof p.why === 'string' && typeof p.fix === 'string';
}

/** The one-line message for a failure: "what — why. fix" for expected ones. */
export function failureMessage(commandId: string, e: unknown): string {
  if (isErrorPayload(e)) return `${e.what} — ${e.why}. ${e.fix}`;
  const reason = e instanceof Error ? e.message : String(e);
  return `${commandId} failed unexpectedly — ${reason}. See the Postgres Lifecycle output for details.`;
}

async function showFailure(output: vscode.LogOutputChannel, commandId: string, e: unknown): Promise<void> {
  const message = failureMessage(commandId, e);
  output.error(isErrorPayload(e) ? message : e instanceof Error ? (e.stack ?? message) : message);
  const openOutput = 'Open Output';
  const choice = await vscode.window.showErrorMessage(message, openOutput);
  if (choice === openOutput) output.show(true);
}
