// Runs a long `pglc` operation the way every command does: a progress notification with Cancel
// (cancelling SIGINTs the CLI, which rolls back), the CLI's progress events in it, a spinner in
// the status bar, and a refresh of the Migrations view afterwards — also after a failure.
// On a protected environment a guarded operation is run once without --confirm; when the CLI
// answers `confirmation-required`, the user types the database name and it runs again with
// --confirm <name>. Invariant: the editor never confirms by itself — the typed name goes to the
// CLI, which checks it again.

import * as vscode from 'vscode';
import type { ErrorPayload } from '../protocol/index';
import type { CommandContext } from './commands/command-definition';
import { isErrorPayload } from './failures';

export interface OperationSpec {
  /** Notification title, e.g. "Applying migrations to local". */
  title: string;
  /** Status bar text while it runs, e.g. "migrating local". */
  busy: string;
  /** pglc arguments without --env/--json, e.g. ['db', 'migrate', '--to', '0003']. */
  args: string[];
  /** --env; undefined for commands without an environment. */
  env?: string;
  /** The operation may need the database name typed on a protected environment. */
  guarded?: boolean;
  /** Refresh the environment list too afterwards (init, pglc.toml changes). */
  reloadEnvironments?: boolean;
  /** Also told every progress line (e.g. a panel that shows the run). */
  onProgress?(message: string): void;
}

/** Runs `spec` and returns the CLI's result; throws its ErrorPayload. */
export async function runOperation<T>(ctx: CommandContext, spec: OperationSpec): Promise<T> {
  const root = ctx.requireRoot();
  try {
    try {
      return await runWithProgress<T>(ctx, root, spec, spec.args);
    } catch (e) {
      if (!spec.guarded || !isConfirmationRequired(e)) throw e;
      const typed = await askDatabaseName(ctx, e);
      if (typed === undefined) throw cancelledByUser(spec.title);
      return await runWithProgress<T>(ctx, root, spec, [...spec.args, '--confirm', typed]);
    }
  } finally {
    await ctx.status.refresh({ environments: spec.reloadEnvironments });
  }
}

function isConfirmationRequired(e: unknown): e is ErrorPayload {
  return isErrorPayload(e) && e.code === 'confirmation-required';
}

/** The typed-name check of a protected environment; undefined when the user backs out. */
async function askDatabaseName(ctx: CommandContext, e: ErrorPayload): Promise<string | undefined> {
  const database = typeof e.details?.database === 'string' ? e.details.database : undefined;
  const environment = typeof e.details?.environment === 'string' ? e.details.environment : 'a protected environment';
  if (!database) return undefined;
  return ctx.prompts.current().input({
    title: `${e.what}`,
    prompt: `"${environment}" is protected. Type the database name (${database}) to continue.`,
    placeHolder: database,
    ignoreFocusOut: true,
    validateInput: (value) => (value === database ? undefined : `Type exactly ${database} to continue, or press Escape to stop (nothing was changed).`),
  });
}

export function cancelledByUser(title: string): ErrorPayload {
  return { code: 'cancelled', what: `${title} was not started`, why: 'it was not confirmed', fix: 'Nothing was changed.' };
}

async function runWithProgress<T>(ctx: CommandContext, root: string, spec: OperationSpec, args: string[]): Promise<T> {
  const busy = ctx.statusBar.busy(spec.busy);
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: spec.title, cancellable: true },
      (progress, token) => {
        let done = 0;
        return ctx.cli.run<T>(args, {
          cwd: root,
          env: spec.env,
          token,
          onEvent: (e) => {
            if (e.type !== 'progress') return;
            spec.onProgress?.(e.message);
            let increment: number | undefined;
            if (e.current !== undefined && e.total) {
              const now = Math.min(100, (e.current / e.total) * 100);
              increment = Math.max(0, now - done);
              done = Math.max(done, now);
            }
            progress.report({ message: e.message, increment });
          },
        });
      },
    );
  } finally {
    busy.dispose();
  }
}
