// `Postgres Lifecycle: Clear Password` — removes an environment's password from the secret storage.

import * as vscode from 'vscode';
import { passwordKey } from '../passwords';
import { activeEnvironment, environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const clearPasswordCommand = defineCommand({
  id: 'pglc.env.clearPassword',
  async run(ctx, arg) {
    const env = environmentArg(arg) ?? (await activeEnvironment(ctx));
    await ctx.extension.secrets.delete(passwordKey(env));
    ctx.output.info(`Removed the stored password of ${env}.`);
    void vscode.window.showInformationMessage(`Password for ${env} cleared.`);
    await ctx.status.refresh();
    return env;
  },
});
