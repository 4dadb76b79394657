// `Postgres Lifecycle: Set Password` — stores an environment's password in VS Code's
// SecretStorage (`pglc.password.<env>`); the CLI gets it as PGLC_PASSWORD_<ENV>.
// Invariant: the password is never shown, logged, or written anywhere else.

import * as vscode from 'vscode';
import { cancelledByUser } from '../operations';
import { passwordKey, passwordVariable } from '../passwords';
import { activeEnvironment, environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const setPasswordCommand = defineCommand({
  id: 'pglc.env.setPassword',
  async run(ctx, arg) {
    const env = environmentArg(arg) ?? (await activeEnvironment(ctx));
    const password = await ctx.prompts.current().input({
      title: `Password for ${env}`,
      prompt: `Stored in the editor's secret storage and passed to pglc as ${passwordVariable(env)} (used when the url of "${env}" has no password).`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'Type the password, or press Escape'),
    });
    if (!password) throw cancelledByUser('Set Password');
    await ctx.extension.secrets.store(passwordKey(env), password);
    ctx.output.info(`Stored a password for ${env} in the secret storage.`);
    void vscode.window.showInformationMessage(`Password for ${env} stored.`);
    await Promise.all([ctx.status.refresh(), ctx.envs.connection(env) ? ctx.envs.testConnection(env) : undefined]);
    return env;
  },
});
