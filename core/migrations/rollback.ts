// `migrate:rollback`: runs Down sections of applied migrations, newest first, each with the
// removal of its tracking row in one transaction (or statement by statement when needed).
// Invariant: every migration to revert is checked first — it has a file, the file has a Down
// section, and pglc can run it — so a refused rollback changes nothing; on a protected
// environment the database name must be typed (guards.ts).

import type { AppliedMigration, RollbackResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import type { ConnectionTarget } from '../db/connection-target';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { note, progress, type OperationContext } from '../operation-context';
import { loadSqlParser } from '../sql/parse';
import { discoverMigrations } from './discover';
import { planSection, type ExecutionPlan } from './execution-plan';
import type { MigrationEnv } from './migration-env';
import { migrationLabel, type MigrationFile } from './migration-file';
import { runSection } from './run-section';
import { cancelledError, withMigrationSession } from './session';
import { readApplied, recordReverted, type AppliedRecord } from './tracking-table';
import { compareVersions } from './version';

export interface RollbackOptions {
  /** Revert every applied migration. */
  all?: boolean;
  /** Revert everything newer than this version (it stays applied). */
  to?: string;
  /** Revert the newest N applied migrations (default 1). */
  steps?: number;
  /** Report what would be reverted; change nothing. */
  dryRun?: boolean;
  /** The database name, typed to confirm on a protected environment. */
  confirm?: string;
}

function usage(why: string): PglcError {
  return new PglcError('usage', {
    what: 'Invalid rollback options',
    why,
    fix: 'Pass one of --steps N (default 1), --to VERSION (keeps VERSION applied) or --all.',
  });
}

/** Applied records to revert, newest first. */
export function selectForRollback(applied: AppliedRecord[], opts: RollbackOptions, knownVersions: Set<string>): AppliedRecord[] {
  const newestFirst = [...applied].sort((a, b) => compareVersions(b.version, a.version));
  if (opts.all) return newestFirst;
  if (opts.to !== undefined) {
    const to = opts.to;
    if (!knownVersions.has(to) && !applied.some((a) => a.version === to)) {
      throw new PglcError('migration-not-found', {
        what: `There is no migration ${to} to roll back to`,
        why: 'no migration file and no applied migration has that version',
        fix: 'Run `pglc db migrate:status` to see the versions; `--to V` keeps V and reverts everything newer.',
        details: { version: to },
      });
    }
    return newestFirst.filter((a) => compareVersions(a.version, to) > 0);
  }
  return newestFirst.slice(0, opts.steps ?? 1);
}

/**
 * Reverts applied migrations with their Down sections.
 * @example await rollback(project, env, target, { steps: 2 }, ctx) // the two newest, newest first
 */
export async function rollback(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  opts: RollbackOptions,
  ctx: OperationContext,
): Promise<RollbackResult> {
  const chosen = [opts.all ? 'all' : '', opts.to !== undefined ? 'to' : '', opts.steps !== undefined ? 'steps' : ''].filter(Boolean);
  if (chosen.length > 1) throw usage(`${chosen.map((c) => `--${c}`).join(' and ')} were given together`);
  if (opts.steps !== undefined && (!Number.isInteger(opts.steps) || opts.steps < 1)) throw usage(`--steps must be a whole number of at least 1 (got ${opts.steps})`);
  // A dry run changes nothing, so it needs no confirmation.
  if (!opts.dryRun) checkGuard('migrate:rollback', env, target.database, opts.confirm);

  const files = await discoverMigrations(project, ctx);
  const byVersion = new Map(files.map((f) => [f.version, f]));
  await loadSqlParser();

  return withMigrationSession(project, env, target, ctx, { operation: 'migrate:rollback', lock: !opts.dryRun }, async (s) => {
    const applied = await readApplied(s.client, s.table);
    const targets = selectForRollback(applied, opts, new Set(byVersion.keys()));
    if (opts.steps !== undefined && opts.steps > targets.length) {
      note(ctx, `Only ${targets.length} migration${targets.length === 1 ? ' is' : 's are'} applied; reverting ${targets.length === 1 ? 'it' : 'them'}`, 'info');
    }

    // Check everything before reverting anything.
    const jobs: { file: MigrationFile; record: AppliedRecord; plan: ExecutionPlan }[] = [];
    for (const rec of targets) {
      const file = byVersion.get(rec.version);
      if (!file) {
        throw new PglcError('migration-not-found', {
          what: `Cannot roll back ${migrationLabel(rec)}: its file is missing`,
          why: 'it is recorded as applied, but no migration file has that version, so there is no Down section to run',
          fix: `Restore the file (e.g. from git), or if its changes are already gone, remove the record with \`pglc db migrate:repair ${rec.version} --reverted\`. Nothing was rolled back.`,
          details: { version: rec.version },
        });
      }
      if (!file.down) {
        throw new PglcError('migration-no-down', {
          what: `Cannot roll back ${migrationLabel(file)}: it has no Down section`,
          why: `${file.relPath} has no SQL that undoes it${file.format === 'supabase' ? ' (Supabase migrations are Up only)' : ''}`,
          fix: `${downHowTo(file)} Or, if you undid it by hand, run \`pglc db migrate:repair ${file.version} --reverted\`. Nothing was rolled back.`,
          details: { version: file.version, file: file.relPath },
        });
      }
      if (rec.checksum && rec.checksum !== file.checksum) {
        note(ctx, `${migrationLabel(file)} changed since it was applied; its Down section may not match what the database has`, 'warn');
      }
      jobs.push({ file, record: rec, plan: planSection(file.down, file.downRelPath ?? file.relPath) });
    }

    const base = { environment: env.name, database: target.database };
    if (opts.dryRun) {
      return { ...base, dryRun: true, reverted: jobs.map((j) => ({ version: j.file.version, name: j.file.name, durationMs: 0, noTransaction: j.plan.mode !== 'transaction', notes: [] })) };
    }
    if (jobs.length === 0) note(ctx, 'Nothing to roll back: no migration is applied', 'info');

    const done: AppliedMigration[] = [];
    for (const [i, job] of jobs.entries()) {
      if (ctx.signal?.aborted) throw cancelledError('pglc db migrate:rollback', { reverted: done.map((d) => d.version) });
      progress(ctx, 'migrate.rollback', `Reverting ${migrationLabel(job.file)}`, { current: i + 1, total: jobs.length, unit: 'migrations' });
      const outcome = await runSection(s, {
        file: job.file,
        direction: 'down',
        plan: job.plan,
        doneBefore: done.map((d) => d.version),
        record: async (client) => {
          await recordReverted(client, s.table, job.file.version);
        },
      });
      done.push({ version: job.file.version, name: job.file.name, durationMs: Math.round(outcome.durationMs), noTransaction: outcome.mode !== 'transaction', notes: outcome.notes });
    }
    return { ...base, dryRun: false, reverted: done };
  });
}

function downHowTo(file: MigrationFile): string {
  switch (file.format) {
    case 'pglc':
      return `Add a "-- Down" line at the end of ${file.relPath} followed by the SQL that undoes it.`;
    case 'dbmate':
      return `Add a "-- migrate:down" section to ${file.relPath} with the SQL that undoes it.`;
    case 'split-files':
      return `Write the SQL that undoes it in ${file.relPath.replace(/\.up\.sql$/i, '.down.sql')}.`;
    case 'split-folder':
      return `Write the SQL that undoes it in ${file.relPath.replace(/up\.sql$/i, 'down.sql')}.`;
    case 'supabase':
      return 'Write a new migration that undoes it and apply it with `pglc db migrate`.';
  }
}
