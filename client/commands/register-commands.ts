// Registers the command table with one error wrapper.
// Invariant: an expected failure (an ErrorPayload from `pglc … --json` or the editor's own, same
// shape) is shown as "what failed — why — what to do" with actions chosen by its code
// (client/failures.ts: Set Password, Open pglc.toml, the failing file at its line, and always
// Open Output); a cancelled one is an information message; anything else is logged with its
// stack to the output channel and shown as a one-line message, never as a stack. Every failure
// is also recorded (the extension API exposes the last one to the tests).

import { isAbsolute, join } from 'node:path';
import * as vscode from 'vscode';
import type { ErrorPayload } from '../../protocol/index';
import { failureActions, failureMessage, isErrorPayload, type FailureAction } from '../failures';
import type { CommandContext, CommandDefinition } from './command-definition';
import { openFileAt } from './open-migration';

export { failureMessage, isErrorPayload } from '../failures';

/** A command's failure, as the wrapper saw it. */
export interface FailureRecord {
  commandId: string;
  /** The payload for expected failures; `internal` with the message for unexpected ones. */
  error: ErrorPayload;
  message: string;
  actions: string[];
}

export function registerCommands(
  context: vscode.ExtensionContext,
  table: readonly CommandDefinition[],
  ctx: CommandContext,
  onFailure: (f: FailureRecord) => void = () => undefined,
): void {
  for (const def of table) {
    context.subscriptions.push(
      vscode.commands.registerCommand(def.id, async (...args: unknown[]) => {
        try {
          return await def.run(ctx, ...args);
        } catch (e) {
          const record = failureRecord(def.id, e);
          onFailure(record);
          void showFailure(ctx, record, e);
          return undefined;
        }
      }),
    );
  }
}

function failureRecord(commandId: string, e: unknown): FailureRecord {
  const message = failureMessage(commandId, e);
  const error: ErrorPayload = isErrorPayload(e)
    ? e
    : { code: 'internal', what: `${commandId} failed unexpectedly`, why: e instanceof Error ? e.message : String(e), fix: 'See the Postgres Lifecycle output for details.' };
  return { commandId, error, message, actions: failureActions(e).map((a) => a.title) };
}

async function showFailure(ctx: CommandContext, record: FailureRecord, e: unknown): Promise<void> {
  const { output } = ctx;
  if (record.error.code === 'cancelled') {
    output.info(record.message);
    void vscode.window.showInformationMessage(record.message);
    return;
  }
  output.error(isErrorPayload(e) ? record.message : e instanceof Error ? (e.stack ?? record.message) : record.message);
  const actions = failureActions(e);
  const choice = await vscode.window.showErrorMessage(record.message, ...actions.map((a) => a.title));
  const action = actions.find((a) => a.title === choice);
  if (action) await runAction(ctx, action).catch((err: unknown) => output.error(`${action.title} failed — ${String(err)}`));
}

async function runAction(ctx: CommandContext, action: FailureAction): Promise<void> {
  switch (action.kind) {
    case 'open-output':
      ctx.output.show(true);
      return;
    case 'set-password':
      await vscode.commands.executeCommand('pglc.env.setPassword', action.environment);
      return;
    case 'open-config':
      await vscode.commands.executeCommand('pglc.openConfig');
      return;
    case 'start-local':
      await vscode.commands.executeCommand('pglc.db.start');
      return;
    case 'open-file': {
      const root = ctx.project.root();
      const path = isAbsolute(action.file) || !root ? action.file : join(root, action.file);
      await openFileAt(path, action.line, action.column);
      return;
    }
  }
}
