// `pglc db migrate:rollback`: run Down sections, newest first.
import type { RollbackResult } from '../../protocol/index';
import { rollback } from '../../core/migrations/rollback';
import { openEnvironment } from '../../core/environments/open-environment';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';
import { appliedLines } from './migration-rows';

export default defineCommand<RollbackResult>({
  path: ['db', 'migrate:rollback'],
  summary: 'Roll back the last migration (or --steps N, --to V, --all)',
  configure: (cmd) =>
    cmd
      .option('--steps <n>', 'roll back the last N migrations')
      .option('--to <version>', 'roll back everything after this version (it stays applied)')
      .option('--all', 'roll back every applied migration')
      .option('--dry-run', 'list what would be rolled back, change nothing')
      .option('--confirm <database>', 'the database name, required on protected environments'),
  async run({ opts }, ctx) {
    const chosen = [opts.steps !== undefined, opts.to !== undefined, Boolean(opts.all)].filter(Boolean).length;
    if (chosen > 1) {
      throw new PglcError('usage', {
        what: 'Conflicting rollback options',
        why: 'use only one of --steps, --to and --all',
        fix: 'Run e.g. `pglc db migrate:rollback --steps 2`.',
      });
    }
    const steps = opts.steps === undefined ? undefined : Number(opts.steps);
    if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) {
      throw new PglcError('usage', { what: `--steps ${String(opts.steps)} is not a positive whole number`, why: 'it counts migrations', fix: 'Pass e.g. --steps 1.' });
    }
    const { project, env, target } = await openEnvironment(ctx, opts.env);
    return rollback(project, env, target, { steps, to: opts.to as string | undefined, all: Boolean(opts.all), dryRun: Boolean(opts.dryRun), confirm: opts.confirm }, ctx);
  },
  render(r) {
    if (r.reverted.length === 0) return `Nothing to roll back on ${r.environment}.`;
    if (r.dryRun) return [`Would roll back ${r.reverted.length} migration(s) on ${r.environment} (${r.database}):`, ...r.reverted.map((m) => `  ${m.version}_${m.name}`)].join('\n');
    return [`${green('✔')} Rolled back ${r.reverted.length} migration(s) on ${r.environment} (${r.database})`, ...appliedLines('↓', r.reverted)].join('\n');
  },
});
