// `pglc restore latest | <id> [--to ENV] …`: plan, confirm, restore (core/restore/restore.ts);
// `pglc restore --list` lists the backups that can be restored.
import type { BackupListResult, RestoreResult } from '../../protocol/index';
import { restore } from '../../core/restore/restore';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { ask, canPrompt } from '../prompt';
import { toolVersion } from '../tool-version';
import backupList from './backup-list';
import { doneLines, planLines } from './restore-plan-lines';

type Result = RestoreResult | { list: BackupListResult };

export default defineCommand<Result>({
  path: ['restore'],
  summary: 'Restore a backup without risking the live data: checked copy first, then an atomic swap (undo keeps the old one)',
  help: [
    'Examples:',
    '  pglc restore latest --dry-run                 # the plan, nothing changes',
    '  pglc restore latest --env prod --to staging --anonymize',
    '  pglc restore <id> --table public.orders --table public.order_items',
    '  pglc restore latest --env prod --confirm shop  # non-interactive, protected target',
    'The backup is resolved in --env\'s backups (default: the target environment).',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .argument('[backup]', '`latest`, a backup id or a unique prefix')
      .option('--to <environment>', 'the environment to restore into (default: --env, else the default environment)')
      .option('--list', 'list the backups that can be restored')
      .option('--dry-run', 'print the plan and change nothing')
      .option('--no-backup', 'skip the pre-restore backup (refused on protected environments)')
      .option('--schema-only', 'restore the structure only (into a new database, swapped in)')
      .option('--data-only', 'replace the rows of every table the target has, in one transaction')
      .option('--table <table...>', 'replace only these tables\' rows (schema.table, wildcards; repeatable)')
      .option('--anonymize', 'anonymize the restored data with the rules before anyone can use it')
      .option('--rules <file>', 'anonymization rules (default [restore] anonymize_rules, pglc/anonymize.yaml)')
      .option('--jobs <n>', 'parallel pg_restore workers')
      .option('--confirm <database>', 'the target database name (required on protected environments when not interactive)'),
  async run({ args, opts }, ctx) {
    if (opts.list) return { list: await backupList.run({ args: [], opts }, ctx) };
    const ref = args[0];
    if (!ref) {
      throw new PglcError('usage', { what: 'Which backup?', why: 'pglc restore needs `latest` or a backup id', fix: 'Run `pglc restore --list` to see them, then e.g. `pglc restore latest --dry-run`.' });
    }
    const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) {
      throw new PglcError('usage', { what: `--jobs ${String(opts.jobs)} is not a positive whole number`, why: 'it counts pg_restore workers', fix: 'Pass e.g. --jobs 4.' });
    }
    if (opts.rules && !opts.anonymize) {
      throw new PglcError('usage', { what: '--rules without --anonymize', why: 'the rules are only used when the restore anonymizes', fix: 'Add --anonymize.' });
    }
    const json = Boolean(opts.json);
    return restore(
      {
        ref,
        ...(opts.env ? { source: opts.env } : {}),
        ...(opts.to ? { to: opts.to as string } : {}),
        dryRun: Boolean(opts.dryRun),
        backup: opts.backup !== false,
        schemaOnly: Boolean(opts.schemaOnly),
        dataOnly: Boolean(opts.dataOnly),
        ...(opts.table ? { tables: opts.table as string[] } : {}),
        anonymize: Boolean(opts.anonymize),
        ...(opts.rules ? { rules: opts.rules as string } : {}),
        ...(jobs !== undefined ? { jobs } : {}),
        ...(opts.confirm !== undefined ? { confirm: opts.confirm } : {}),
        toolVersion,
      },
      ctx,
      {
        async confirm(plan) {
          if (!canPrompt(json)) return undefined;
          process.stderr.write(planLines(plan).join('\n') + '\n\n');
          return ask(
            plan.confirmation === 'typed-name'
              ? `Type the database name (${plan.target.database}) to restore into protected ${plan.target.environment}: `
              : `Restore into ${plan.target.environment} (${plan.target.database})? [y/N] `,
            json,
          );
        },
      },
    );
  },
  render(r, input) {
    if ('list' in r) return backupList.render(r.list, input);
    if (r.dryRun) return [...planLines(r.plan), '', `Dry run: nothing was changed. Run it: ${r.plan.command.join(' ')}${r.plan.confirmation === 'typed-name' ? ` --confirm ${r.plan.target.database}` : ''}`].join('\n');
    return doneLines(r).join('\n');
  },
});
