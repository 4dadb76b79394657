// `Postgres Lifecycle: Open pglc.toml` — opens the project's configuration.

import { join } from 'node:path';
import { defineCommand } from './command-definition';
import { openFileAt } from './open-migration';
import { PROJECT_FILE } from '../project-detection';

export const openConfigCommand = defineCommand({
  id: 'pglc.openConfig',
  async run(ctx) {
    await openFileAt(join(ctx.requireRoot(), PROJECT_FILE));
  },
});
