// `Postgres Lifecycle: Initialize` — creates pglc.toml and the migrations folder.
// Skeleton: the real command runs `pglc init --json` in the chosen workspace folder.

import * as vscode from 'vscode';
import { defineCommand } from './command-definition';

export const initCommand = defineCommand({
  id: 'pglc.init',
  async run(ctx) {
    ctx.output.info('Initialize was requested; it will run `pglc init` once the CLI is wired to the editor.');
    await vscode.window.showInformationMessage(
      'Postgres Lifecycle: Initialize is not wired to the editor yet — run `pglc init` in a terminal for now.',
    );
  },
});
