// Copies a migration's version (a Migrations row's "Copy Version") to the clipboard.

import * as vscode from 'vscode';
import { expectedFailure } from '../failures';
import { versionArg } from './command-args';
import { defineCommand } from './command-definition';

export const copyVersionCommand = defineCommand({
  id: 'pglc.migrate.copyVersion',
  async run(_ctx, arg) {
    const version = versionArg(arg);
    if (!version) throw expectedFailure('usage', 'No migration to copy', 'the command needs a row of the Migrations view', 'Use it from the row\'s context menu.');
    await vscode.env.clipboard.writeText(version);
    return version;
  },
});
