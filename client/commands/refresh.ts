// `Postgres Lifecycle: Refresh` — redraws every view of the container.

import { defineCommand } from './command-definition';

export const refreshCommand = defineCommand({
  id: 'pglc.refresh',
  run(ctx) {
    ctx.views.refresh();
  },
});
