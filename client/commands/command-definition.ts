// The shape of one editor command and what every command receives.
// Invariant: a command file declares one command and throws on failure; it never shows error
// messages itself — commands/register-commands.ts does that for every command the same way.

import type * as vscode from 'vscode';
import type { ProjectWatch } from '../project-detection';
import type { Views } from '../views/register-views';

export interface CommandContext {
  extension: vscode.ExtensionContext;
  output: vscode.LogOutputChannel;
  views: Views;
  project: ProjectWatch;
}

export interface CommandDefinition {
  /** The id declared in package.json `contributes.commands`, e.g. `pglc.init`. */
  id: string;
  run(ctx: CommandContext, ...args: unknown[]): unknown;
}

export function defineCommand(def: CommandDefinition): CommandDefinition {
  return def;
}
