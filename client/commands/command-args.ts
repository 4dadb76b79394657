// What the migration and environment commands share: reading their argument (a version or a
// name from CodeLens, a row of a tree view, or nothing from the palette), the active
// environment, the current status, and the phrasing of results.
// Invariant: a command that needs the status reads a fresh one (it waits for a running refresh)
// and fails with the status's own error when it could not be read.

import type { MigrationStatusResult, MigrationStatusRow } from '../../protocol/index';
import { expectedFailure } from '../failures';
import type { CommandContext } from './command-definition';

/** A version from a CodeLens argument (`'0003'`) or a Migrations row. */
export function versionArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; row?: { version?: unknown } } | undefined;
  return node?.kind === 'migration' && typeof node.row?.version === 'string' ? node.row.version : undefined;
}

/** An environment name from an argument (`'staging'`) or an Environments row. */
export function environmentArg(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as { kind?: string; env?: { name?: unknown }; environment?: unknown } | undefined;
  if (node?.kind === 'environment' && typeof node.env?.name === 'string') return node.env.name;
  if (node?.kind === 'connection' && typeof node.environment === 'string') return node.environment;
  return undefined;
}

/** The active environment's name (loading the list first if needed); throws why there is none. */
export async function activeEnvironment(ctx: CommandContext): Promise<string> {
  ctx.requireRoot();
  await ctx.envs.ensure();
  const name = ctx.envs.active();
  if (!name) throw ctx.envs.problem() ?? expectedFailure('env-unknown', 'No environment is active', 'pglc env list returned none', 'Add an [environments.<name>] table to pglc.toml.');
  return name;
}

/** The active environment's status, read fresh; throws its error when it could not be read. */
export async function freshStatus(ctx: CommandContext): Promise<MigrationStatusResult> {
  ctx.requireRoot();
  await ctx.status.refresh();
  const s = ctx.status.current();
  if (!s?.status) throw s?.error ?? expectedFailure('internal', 'The migration status is not available', 'it could not be read', 'Run Refresh and see the output.');
  return s.status;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function rowLabel(r: Pick<MigrationStatusRow, 'version' | 'name'>): string {
  return `${r.version} ${r.name}`;
}
