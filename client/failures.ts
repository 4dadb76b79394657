// How a failure looks in the editor: the ErrorPayload of `pglc … --json` (or the editor's own
// expected failures, in the same shape) as one line "what — why. fix", and the actions offered
// with it, chosen by error code.
// Invariant: plain functions of the payload (no vscode calls), so the choice of actions is the
// same everywhere and testable; never a stack for an expected failure.

import type { ErrorCode, ErrorPayload } from '../protocol/index';

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

/** An expected failure raised by the editor itself, in the CLI's shape. */
export function expectedFailure(code: ErrorCode, what: string, why: string, fix: string, details?: Record<string, unknown>): ErrorPayload {
  return { code, what, why, fix, ...(details ? { details } : {}) };
}

export function noProjectError(): ErrorPayload {
  return {
    code: 'config-missing',
    what: 'No Postgres Lifecycle project is open',
    why: 'no workspace folder has a pglc.toml at its root',
    fix: 'Run "Postgres Lifecycle: Initialize" in the folder of your project, or open a folder that has a pglc.toml.',
  };
}

/** What a button next to a failure does. */
export type FailureAction =
  | { kind: 'open-output'; title: string }
  | { kind: 'set-password'; title: string; environment?: string }
  | { kind: 'open-config'; title: string }
  | { kind: 'start-local'; title: string }
  | { kind: 'open-file'; title: string; file: string; line?: number; column?: number };

/**
 * The buttons for a failure: the specific action first (Set Password for auth-failed, Open
 * pglc.toml for config-* / env-*, the failing file at its line for migration-failed), Open
 * Output always last.
 * @example failureActions({ code: 'auth-failed', … }).map((a) => a.title) // ['Set Password', 'Open Output']
 */
export function failureActions(e: unknown): FailureAction[] {
  const actions: FailureAction[] = [];
  if (isErrorPayload(e)) {
    const d = e.details ?? {};
    const environment = typeof d.environment === 'string' ? d.environment : undefined;
    if (e.code === 'auth-failed') actions.push({ kind: 'set-password', title: environment ? `Set Password for ${environment}` : 'Set Password', environment });
    if (e.code.startsWith('config-') || e.code.startsWith('env-')) actions.push({ kind: 'open-config', title: 'Open pglc.toml' });
    if (e.code === 'local-cluster-stopped') actions.push({ kind: 'start-local', title: 'Start Local Database' });
    if ((e.code === 'migration-failed' || e.code === 'migration-invalid' || e.code === 'migration-modified' || e.code === 'shadow-build-failed') && typeof d.file === 'string') {
      const line = typeof d.line === 'number' ? d.line : undefined;
      const column = typeof d.column === 'number' ? d.column : undefined;
      const base = d.file.split(/[\\/]/).pop() ?? d.file;
      actions.push({ kind: 'open-file', title: `Open ${base}${line ? `:${line}` : ''}`, file: d.file, line, column });
    }
  }
  actions.push({ kind: 'open-output', title: 'Open Output' });
  return actions;
}
