// `Postgres Lifecycle: Show ER Diagram` — the ER diagram of an environment (an Environments
// row's action or a name as argument; from the palette the active one), or of `migrations`;
// the source can be switched in the panel.

import { erDiagramState, showErDiagramPanel } from '../er-diagram-panel';
import { environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const showErDiagramCommand = defineCommand({
  id: 'pglc.schema.showErDiagram',
  async run(ctx, arg) {
    ctx.requireRoot();
    const source = arg === 'migrations' ? 'migrations' : environmentArg(arg) ?? (await ctx.envs.ensure().then(() => ctx.envs.active()).catch(() => undefined)) ?? 'migrations';
    showErDiagramPanel(ctx, { source, collapsed: false });
    return erDiagramState();
  },
});
