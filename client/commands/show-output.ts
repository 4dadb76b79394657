// `Postgres Lifecycle: Show Output` — reveals the extension's output channel.

import { defineCommand } from './command-definition';

export const showOutputCommand = defineCommand({
  id: 'pglc.showOutput',
  run(ctx) {
    ctx.output.show(true);
  },
});
