// `pglc db stop`: stop the embedded local PostgreSQL.
import { openProject } from '../../core/environments/open-environment';
import { stopLocalCluster } from '../../core/db/local-cluster';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<{ stopped: boolean }>({
  path: ['db', 'stop'],
  summary: 'Stop the embedded local PostgreSQL of this project',
  usesEnvironment: false,
  async run(_input, ctx) {
    const { project, vars } = await openProject(ctx);
    return stopLocalCluster(project.root, { ...ctx, env: vars });
  },
  render: (r) => (r.stopped ? `${green('✔')} Local PostgreSQL stopped` : 'Local PostgreSQL was not running'),
});
