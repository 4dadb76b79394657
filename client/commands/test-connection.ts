// `Postgres Lifecycle: Test Connection` — runs `pglc db status --env X` and shows whether the
// environment is reachable and its server version (or the problem, with its actions).

import * as vscode from 'vscode';
import { expectedFailure } from '../failures';
import { activeEnvironment, environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const testConnectionCommand = defineCommand({
  id: 'pglc.env.testConnection',
  async run(ctx, arg) {
    const env = environmentArg(arg) ?? (await activeEnvironment(ctx));
    const state = await vscode.window.withProgress(
      { location: { viewId: 'pglc.environments' }, title: `Testing ${env}` },
      () => ctx.envs.testConnection(env),
    );
    if (!state.ok) throw state.error;
    const s = state.status;
    if (!s.reachable) {
      // A failure like any other, so it comes with its action (Set Password for auth-failed).
      const [what, why] = (s.problem ?? `${s.target} does not answer`).split(' — ');
      throw expectedFailure(
        s.problemCode ?? 'server-unreachable',
        `${env} is not reachable: ${what}`,
        why ?? 'the server did not answer',
        s.problemCode === 'auth-failed' ? `Set the password of ${env}, or fix the user in its url.` : 'Check that the server runs and that pglc.toml points at it.',
        { environment: env },
      );
    }
    void vscode.window.showInformationMessage(`${env} is reachable: ${s.target}${s.serverVersion ? `, PostgreSQL ${s.serverVersion}` : ''}`);
    return s;
  },
});
