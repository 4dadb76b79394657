// `pglc db migrate:fresh`: drop everything and re-run all migrations (blocked on protected environments).
import type { FreshResult } from '../../protocol/index';
import { fresh } from '../../core/migrations/fresh';
import { openEnvironment } from '../../core/environments/open-environment';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';
import { appliedLines } from './migration-rows';

export default defineCommand<FreshResult>({
  path: ['db', 'migrate:fresh'],
  summary: 'Drop all schemas and re-run every migration (never on protected environments)',
  async run({ opts }, ctx) {
    const { project, env, target } = await openEnvironment(ctx, opts.env);
    return fresh(project, env, target, { confirm: opts.confirm }, ctx);
  },
  render: (r) =>
    [
      `${green('✔')} Recreated ${r.environment} (${r.database}): dropped ${r.droppedSchemas.length ? r.droppedSchemas.join(', ') : 'nothing'}, applied ${r.applied.length} migration(s)`,
      ...appliedLines('↑', r.applied),
    ].join('\n'),
});
