// `Postgres Lifecycle: Refresh` — reads the environments and the migration status again and
// redraws every view of the container.

import { defineCommand } from './command-definition';

export const refreshCommand = defineCommand({
  id: 'pglc.refresh',
  async run(ctx) {
    ctx.views.refresh();
    await ctx.status.idle();
  },
});
