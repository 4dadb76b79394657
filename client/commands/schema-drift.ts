// `Postgres Lifecycle: Check Schema Drift` (an Environments row's menu, or the palette for the
// active environment) — runs `pglc schema drift`; when the environment has objects its applied
// migrations do not create, offers to show the catch-up SQL or to absorb it: write it as the
// next migration and record it as applied there (Absorb Drift…, client/commands/absorb-drift.ts;
// a protected environment asks for the database name through the CLI's guard).

import * as vscode from 'vscode';
import type { SchemaDriftResult } from '../../protocol/index';
import { runOperation } from '../operations';
import { absorbDrift } from './absorb-drift';
import { activeEnvironment, environmentArg } from './command-args';
import { defineCommand } from './command-definition';

const SHOW = 'Show SQL';
const ABSORB = 'Absorb Drift…';

export const schemaDriftCommand = defineCommand({
  id: 'pglc.schema.drift',
  async run(ctx, arg) {
    ctx.requireRoot();
    const env = environmentArg(arg) ?? (await activeEnvironment(ctx));
    const r = await runOperation<SchemaDriftResult>(ctx, { title: `Comparing ${env} with its migrations`, busy: `drift of ${env}`, args: ['schema', 'drift'], env });
    if (r.identical) {
      void vscode.window.showInformationMessage(`${env} has no drift: its schema is what its applied migrations build.`);
      return r;
    }
    const parts = [
      r.unmanaged.length && `${r.unmanaged.length} object${r.unmanaged.length === 1 ? '' : 's'} that no migration creates`,
      r.missing.length && `${r.missing.length} that the migrations create but it lacks`,
      r.different.length && `${r.different.length} shaped differently`,
    ].filter(Boolean);
    ctx.output.info(`Drift of ${env}:\n${[...r.unmanaged.map((x) => `  + ${x}`), ...r.missing.map((x) => `  - ${x}`), ...r.different.map((x) => `  ~ ${x}`)].join('\n')}`);
    const choice = await ctx.prompts.current().ask(`${env} has ${parts.join(', ')}.`, { detail: [...r.unmanaged, ...r.missing].slice(0, 12).join('\n') }, SHOW, ABSORB);
    if (choice === SHOW) {
      const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: r.migration });
      await vscode.window.showTextDocument(doc);
      return r;
    }
    if (choice !== ABSORB) return r;
    const absorbed = await absorbDrift(ctx, env);
    return absorbed;
  },
});
