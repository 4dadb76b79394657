// `pglc db migrate:create <name>`: the next migration file with Up and Down sections.
import type { CreateMigrationResult } from '../../protocol/index';
import { createMigration } from '../../core/migrations/create';
import { openProject } from '../../core/environments/open-environment';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<CreateMigrationResult>({
  path: ['db', 'migrate:create'],
  summary: 'Create the next migration file',
  usesEnvironment: false,
  configure: (cmd) => cmd.argument('<name>', 'what the migration does, e.g. add_posts'),
  async run({ args }, ctx) {
    const { project } = await openProject(ctx);
    return createMigration(project, args[0]!, ctx);
  },
  render: (r) => `${green('✔')} Created ${r.file}`,
});
