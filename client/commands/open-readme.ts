// `Postgres Lifecycle: Open README` — the README shipped inside the extension, rendered, so the
// welcome views can link to it without a network.

import * as vscode from 'vscode';
import { defineCommand } from './command-definition';

export const openReadmeCommand = defineCommand({
  id: 'pglc.openReadme',
  async run(ctx) {
    const readme = vscode.Uri.joinPath(ctx.extension.extensionUri, 'README.md');
    await vscode.workspace.fs.stat(readme);
    await vscode.commands.executeCommand('markdown.showPreview', readme);
  },
});
