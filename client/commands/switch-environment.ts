// `Postgres Lifecycle: Switch Environment` (also the status bar item and the Environments view's
// Switch) — picks the active environment, which the Migrations view, the CodeLens and every
// command then use. The choice is workspace state, not a setting.

import * as vscode from 'vscode';
import { cancelledByUser } from '../operations';
import { expectedFailure } from '../failures';
import { environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const switchEnvironmentCommand = defineCommand({
  id: 'pglc.env.switch',
  async run(ctx, arg) {
    ctx.requireRoot();
    const list = await ctx.envs.ensure();
    if (!list) throw ctx.envs.problem() ?? expectedFailure('config-missing', 'No environments', 'pglc env list failed', 'See the output.');
    let name = environmentArg(arg);
    if (name === undefined) {
      const active = ctx.envs.active();
      const picked = await ctx.prompts.current().pick(
        list.environments.map((e) => ({
          label: `${e.name === active ? '$(check) ' : ''}${e.name}`,
          description: [e.protected ? 'protected' : '', e.kind === 'embedded' ? 'embedded local PostgreSQL' : (e.target ?? '')].filter(Boolean).join(' · '),
          detail: e.problem,
          name: e.name,
        })),
        { title: 'Switch Postgres Lifecycle environment', placeHolder: `Active: ${active ?? 'none'}` },
      );
      if (!picked) throw cancelledByUser('Switch Environment');
      name = picked.name;
    }
    if (!list.environments.some((e) => e.name === name)) {
      throw expectedFailure('env-unknown', `Unknown environment "${name}"`, `pglc.toml defines ${list.environments.map((e) => e.name).join(', ')}`, 'Pick one of them.');
    }
    await ctx.envs.setActive(name);
    await ctx.status.refresh();
    vscode.window.setStatusBarMessage(`Postgres Lifecycle: ${name} is active`, 3000);
    return name;
  },
});
