// The shape of one editor command and what every command receives.
// Invariant: a command file declares one command and throws on failure (an ErrorPayload for
// expected ones); it never shows error messages itself — commands/register-commands.ts does that
// for every command the same way. Questions go through ctx.prompts (client/prompts.ts).

import type * as vscode from 'vscode';
import type { EnvironmentStore } from '../environment-store';
import type { MigrationStatusStore } from '../migration-status';
import type { PglcCli } from '../pglc-cli';
import type { ProjectWatch } from '../project-detection';
import type { PrompterSlot } from '../prompts';
import type { EnvironmentStatusBar } from '../status-bar';
import type { Views } from '../views/register-views';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  views: Views;
  project: ProjectWatch;
  cli: PglcCli;
  envs: EnvironmentStore;
  status: MigrationStatusStore;
  statusBar: EnvironmentStatusBar;
  prompts: PrompterSlot;
  /** The project root (folder of pglc.toml); throws config-missing when there is none. */
  requireRoot(): string;
}

export interface CommandDefinition {
  /** The id declared in package.json `contributes.commands`, e.g. `pglc.init`. */
  id: string;
  run(ctx: CommandContext, ...args: unknown[]): unknown;
}

export function defineCommand(def: CommandDefinition): CommandDefinition {
  return def;
}
