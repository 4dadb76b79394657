// `pglc env list`: the environments of pglc.toml, which are protected, and where they point.
import { resolve } from 'node:path';
import type { EnvListResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { listEnvironments } from '../../core/config/resolve-environment';
import { defineCommand } from '../command-definition';
import { dim, red, yellow, table } from '../output/style';

export default defineCommand<EnvListResult>({
  path: ['env', 'list'],
  summary: 'List the environments and where they point (never shows passwords)',
  usesEnvironment: false,
  async run(_input, ctx) {
    const { project, vars } = await openProject(ctx);
    return {
      defaultEnvironment: project.defaultEnvironment,
      environments: listEnvironments(project, vars),
      root: project.root,
      migrationDirs: project.migrations.map((m) => resolve(project.root, m)),
    };
  },
  render: (r) =>
    table(
      r.environments.map((e) => [
        e.name === r.defaultEnvironment ? `${e.name} ${dim('(default)')}` : e.name,
        e.protected ? red('protected') : '',
        e.kind === 'embedded' ? 'embedded local PostgreSQL' : (e.target ?? ''),
        e.problem ? yellow(e.problem) : '',
      ]),
      ['environment', '', 'target', ''],
    ),
});
