// The contract between `pglc … --json` and whoever runs it (the editor, CI, scripts).
// Invariant: this file is the only definition of that stream; it has no imports beyond
// protocol/ and no run-time code that depends on Node or VS Code.
//
// Shape of a run with --json:
//   stderr: zero or more CliEvent objects, one JSON document per line, as they happen;
//   stdout: exactly one CliResult object (then the process exits: 0 ok, 1 failed, 2 usage).

import type { ErrorCode } from './error-codes';

/** A long operation's progress: steps (migrations applied), bytes or rows. */
export interface ProgressEvent {
  type: 'progress';
  /** Stable machine name of the step, e.g. `migrate.apply`, `cluster.start`. */
  step: string;
  /** Human sentence, e.g. "Applying 0003_add_posts". */
  message: string;
  current?: number;
  total?: number;
  unit?: 'steps' | 'bytes' | 'rows' | 'migrations' | 'tables';
}

/** Something the user should read that is not an error: notes, warnings. */
export interface LogEvent {
  type: 'log';
  level: 'info' | 'note' | 'warn';
  message: string;
}

export type CliEvent = ProgressEvent | LogEvent;

/** Every expected failure is reported as what failed, why, and what to do. */
export interface ErrorPayload {
  code: ErrorCode;
  what: string;
  why: string;
  fix: string;
  /** Structured facts for the editor (file, line, column, versions…). Never secrets. */
  details?: Record<string, unknown>;
}

export type CliResult<T = unknown> =
  | { ok: true; command: string; result: T }
  | { ok: false; command: string; error: ErrorPayload };

/** Exit codes of `pglc`. */
export const ExitCode = { ok: 0, failed: 1, usage: 2 } as const;
