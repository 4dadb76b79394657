// `pglc db migrate:repair`: record a migration as applied or reverted without running it
// (adopting a database that already has the schema, or cleaning up after a manual fix).
import type { RepairResult } from '../../protocol/index';
import { repair } from '../../core/migrations/repair';
import { openEnvironment } from '../../core/environments/open-environment';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<RepairResult>({
  path: ['db', 'migrate:repair'],
  summary: 'Mark a migration as applied or reverted in the history without running its SQL',
  configure: (cmd) =>
    cmd
      .option('--applied <version>', 'record this version as applied')
      .option('--reverted <version>', 'remove this version from the history')
      .option('--confirm <database>', 'the database name, required on protected environments'),
  async run({ opts }, ctx) {
    const applied = opts.applied as string | undefined;
    const reverted = opts.reverted as string | undefined;
    if (Boolean(applied) === Boolean(reverted)) {
      throw new PglcError('usage', {
        what: 'migrate:repair needs exactly one of --applied and --reverted',
        why: applied ? 'both were given' : 'neither was given',
        fix: 'Run e.g. `pglc db migrate:repair --applied 0003`.',
      });
    }
    const { project, env, target } = await openEnvironment(ctx, opts.env);
    return repair(project, env, target, { version: (applied ?? reverted)!, action: applied ? 'applied' : 'reverted', confirm: opts.confirm }, ctx);
  },
  render: (r) => `${green('✔')} ${r.version} is now recorded as ${r.action} on ${r.environment} (${r.database})`,
});
