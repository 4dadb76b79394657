// What every core operation receives instead of touching the process: the environment
// variables, the working directory, a clock, a cancellation signal and a progress sink.
// Invariant: core never reads process.env / process.cwd() directly or writes to the console;
// the CLI builds this context once, tests build their own.

import type { CliEvent } from '../protocol/index';

export interface OperationContext {
  /** Snapshot of the environment variables (process.env in the CLI). */
  env: Readonly<Record<string, string | undefined>>;
  /** Directory the command was started in; the project root is found from here. */
  cwd: string;
  signal?: AbortSignal;
  /** Progress and log events; the CLI renders them or writes JSON lines. */
  report?: (event: CliEvent) => void;
  now?: () => Date;
  /** Who runs the operation (recorded in applied_by); defaults to the OS user. */
  actor?: string;
}

export function note(ctx: OperationContext, message: string, level: 'info' | 'note' | 'warn' = 'note'): void {
  ctx.report?.({ type: 'log', level, message });
}

export function progress(
  ctx: OperationContext,
  step: string,
  message: string,
  extra: { current?: number; total?: number; unit?: 'steps' | 'bytes' | 'rows' | 'migrations' | 'tables' } = {},
): void {
  ctx.report?.({ type: 'progress', step, message, ...extra });
}

export function nowOf(ctx: OperationContext): Date {
  return ctx.now ? ctx.now() : new Date();
}
