// The shape of one `pglc` command. Invariant: a command file declares its arguments and
// options, calls one core function, and renders the result; it never prints, exits or catches
// errors itself — cli/run-command.ts does that for every command the same way.

import type { Command } from 'commander';
import type { OperationContext } from '../core/operation-context';

export interface CommandInput {
  /** Positional arguments in declaration order. */
  args: string[];
  /** Parsed options (commander's camelCase names), including the common ones. */
  opts: Record<string, unknown> & { env?: string; json?: boolean; confirm?: string };
}

export interface CommandDefinition<R = unknown> {
  /** Words after `pglc`, e.g. ['db', 'migrate:status']. */
  path: string[];
  summary: string;
  /** Extra help text (examples). */
  help?: string;
  /** Adds arguments and options to the commander command. */
  configure?(cmd: Command): void;
  /** False for commands that work without an environment (init, migrate:create). */
  usesEnvironment?: boolean;
  run(input: CommandInput, ctx: OperationContext): Promise<R>;
  /**
   * A result that is printed in full and still exits with 1 (a diff whose self-check found
   * defects: the reader needs the SQL and the defects, and scripts need the failure).
   */
  failed?(result: R): boolean;
  /** Human rendering of the result (stdout). */
  render(result: R, input: CommandInput): string | undefined;
  /** A result that is itself a verdict (lint findings) may fail the run; default 0. */
  exitCode?(result: R): number;
}

export function defineCommand<R>(def: CommandDefinition<R>): CommandDefinition<R> {
  return def;
}
