// `pglc init`: create pglc.toml, the pglc/ folders and .gitignore entries.
import type { InitResult } from '../../protocol/index';
import { initProject } from '../../core/project/init';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<InitResult>({
  path: ['init'],
  summary: 'Create pglc.toml and the pglc/ folders in this directory (detects existing migrations folders)',
  usesEnvironment: false,
  configure: (cmd) => cmd.option('--force', 'overwrite an existing pglc.toml'),
  run: ({ opts }, ctx) => initProject(ctx, { force: Boolean(opts.force) }),
  render: (r) =>
    [
      `${green('✔')} Initialized Postgres Lifecycle in ${r.root}`,
      ...r.created.map((f) => `  created ${f}`),
      r.detected ? `  using existing migrations: ${r.detected}` : `  migrations folder: ${r.migrationsDir}`,
      '',
      'Next: pglc db migrate:create <name>, then pglc db migrate',
    ].join('\n'),
});
