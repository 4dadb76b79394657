// `Postgres Lifecycle: Show ER Diagram` — the ER diagram of the migrations (default) or of an
// environment (an Environments row's action, or a source name as argument); the source can be
// switched in the panel.

import { erDiagramState, showErDiagramPanel } from '../er-diagram-panel';
import { environmentArg } from './command-args';
import { defineCommand } from './command-definition';

export const showErDiagramCommand = defineCommand({
  id: 'pglc.schema.showErDiagram',
  run(ctx, arg) {
    ctx.requireRoot();
    const source = arg === 'migrations' ? 'migrations' : environmentArg(arg) ?? 'migrations';
    showErDiagramPanel(ctx, { source, collapsed: false });
    return erDiagramState();
  },
});
