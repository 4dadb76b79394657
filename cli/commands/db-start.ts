// `pglc db start`: start the embedded local PostgreSQL (initializing it on first use).
import { openProject } from '../../core/environments/open-environment';
import { resolveEnvironment } from '../../core/config/resolve-environment';
import { ensureLocalCluster } from '../../core/db/local-cluster';
import { describeTarget } from '../../core/db/connection-target';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<{ environment: string; started: boolean; target: string; port: number; database: string }>({
  path: ['db', 'start'],
  summary: 'Start the embedded local PostgreSQL of this project',
  async run({ opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const env = resolveEnvironment(project, opts.env ?? 'local', vars);
    if (env.kind !== 'embedded') {
      throw new PglcError('usage', {
        what: `"${env.name}" is not the embedded local database`,
        why: 'pglc starts and stops only the local cluster it owns (an environment without a url)',
        fix: 'Run `pglc db start` without --env, or start that server yourself.',
      });
    }
    const r = await ensureLocalCluster(project.root, env.database, { ...ctx, env: vars });
    return { environment: env.name, started: r.started, target: describeTarget(r.target), port: r.state.port, database: env.database };
  },
  render: (r) =>
    `${green('✔')} Local PostgreSQL ${r.started ? 'started' : 'is already running'} on port ${r.port} (database ${r.database})`,
});
