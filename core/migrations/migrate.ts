// `migrate`: applies pending migrations in version order, each in its own transaction
// together with its tracking row (or statement by statement when it cannot run in one).
// Invariant: under the advisory lock the applied set is re-read before anything runs, so two
// migrators never apply a migration twice; every pending migration of the run is planned
// (and rejected if pglc cannot execute it) before the first one runs; a failure stops the run
// and leaves the migrations before it applied.

import type { AppliedMigration, MigrateResult, MigrationStatusRow } from '../../protocol/index';
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
import { cancelledError, withMigrationSession, type MigrationSession } from './session';
import { computeStatus } from './status';
import { ensureTrackingTable, readApplied, recordApplied, type AppliedRecord } from './tracking-table';
import { compareVersions } from './version';

export interface MigrateOptions {
  /** Apply up to and including this version. */
  to?: string;
  /** Report what would be applied; change nothing (no lock, no tracking table). */
  dryRun?: boolean;
  /** Proceed although an applied migration's file changed since it was applied. */
  allowModified?: boolean;
  /** Apply pending migrations older than the newest applied one. */
  allowOutOfOrder?: boolean;
}

/**
 * Applies pending migrations.
 * @example const r = await migrate(project, { name: 'local', protected: false }, target, {}, ctx); r.applied.map((m) => m.version)
 */
export async function migrate(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  opts: MigrateOptions,
  ctx: OperationContext,
): Promise<MigrateResult> {
  checkGuard('migrate', env, target.database);
  const files = await discoverMigrations(project, ctx);
  await loadSqlParser();
  return withMigrationSession(project, env, target, ctx, { operation: 'migrate', lock: !opts.dryRun }, async (s) => {
    if (!opts.dryRun) await ensureTrackingTable(s.client, s.table);
    const applied = await readApplied(s.client, s.table);
    return applyPending(s, files, applied, opts);
  });
}

/** Plans the Up section of every file (throws `migration-invalid` for the first one pglc cannot run). */
export function planUps(files: MigrationFile[]): Map<string, ExecutionPlan> {
  return new Map(files.map((f) => [f.version, planSection(f.up, f.relPath)]));
}

/**
 * The body of migrate (and of fresh, after its drop), on a locked session whose tracking table
 * exists (unless dry run) and whose applied set was read under the lock.
 */
export async function applyPending(
  s: MigrationSession,
  files: MigrationFile[],
  applied: AppliedRecord[],
  opts: MigrateOptions,
): Promise<MigrateResult> {
  const { ctx } = s;
  const rows = computeStatus(files, applied);
  if (opts.to !== undefined && !rows.some((r) => r.version === opts.to)) {
    throw new PglcError('migration-not-found', {
      what: `There is no migration ${opts.to}`,
      why: 'no migration file and no applied migration has that version',
      fix: 'Run `pglc db migrate:status` to see the versions, and pass one of them.',
      details: { version: opts.to },
    });
  }
  const isPending = (r: MigrationStatusRow): boolean => r.state === 'pending' || r.state === 'out-of-order';
  const inRange = (r: MigrationStatusRow): boolean => opts.to === undefined || compareVersions(r.version, opts.to) <= 0;
  const selected = rows.filter((r) => isPending(r) && inRange(r));

  for (const r of rows.filter((x) => x.state === 'missing')) {
    note(ctx, `${migrationLabel(r)} is recorded as applied but its file is missing`, 'warn');
  }
  const modified = rows.filter((r) => r.state === 'modified');
  if (selected.length && modified.length) {
    if (!opts.allowModified) throw modifiedError(modified);
    for (const r of modified) note(ctx, `${migrationLabel(r)} changed since it was applied (continuing: --allow-modified)`, 'warn');
  } else {
    for (const r of modified) note(ctx, `${migrationLabel(r)} changed since it was applied; its edits are not in the database`, 'warn');
  }
  const outOfOrder = selected.filter((r) => r.state === 'out-of-order');
  if (outOfOrder.length) {
    if (!opts.allowOutOfOrder) throw outOfOrderError(outOfOrder, applied);
    for (const r of outOfOrder) note(ctx, `${migrationLabel(r)} is older than migrations already applied; applying it out of order (--allow-out-of-order)`, 'warn');
  }

  const byVersion = new Map(files.map((f) => [f.version, f]));
  const todo = selected.map((r) => byVersion.get(r.version) as MigrationFile);
  const plans = planUps(todo);
  const remaining = rows.filter((r) => isPending(r) && !inRange(r)).map((r) => r.version);
  const base = { environment: s.env.name, database: s.target.database };

  if (opts.dryRun) {
    // protocol: in a dry run, `pending` is what would be applied
    return { ...base, dryRun: true, applied: [], pending: todo.map((f) => f.version) };
  }

  const done: AppliedMigration[] = [];
  const total = todo.length;
  for (const [i, file] of todo.entries()) {
    if (ctx.signal?.aborted) throw cancelledError('pglc db migrate', { applied: done.map((d) => d.version) });
    const label = migrationLabel(file);
    progress(ctx, 'migrate.apply', `Applying ${label}`, { current: i + 1, total, unit: 'migrations' });
    const plan = plans.get(file.version) as ExecutionPlan;
    if (plan.statements.length === 0) {
      note(ctx, `${label} has no SQL in its Up section; it is recorded as applied anyway, so SQL added to it later will show as modified — put new changes in a new migration`, 'warn');
    }
    const outcome = await runSection(s, {
      file,
      direction: 'up',
      plan,
      doneBefore: done.map((d) => d.version),
      record: (client, durationMs) =>
        recordApplied(client, s.table, {
          version: file.version,
          name: file.name,
          checksum: file.checksum,
          ...(file.downChecksum ? { downChecksum: file.downChecksum } : {}),
          durationMs,
          appliedBy: s.actor,
        }),
    });
    done.push({ version: file.version, name: file.name, durationMs: Math.round(outcome.durationMs), noTransaction: outcome.mode !== 'transaction', notes: outcome.notes });
  }
  if (total === 0) note(ctx, 'Nothing to apply: the database is up to date', 'info');
  progress(ctx, 'migrate.apply', total ? `Applied ${total} migration${total === 1 ? '' : 's'}` : 'Up to date', { current: total, total, unit: 'migrations' });
  return { ...base, dryRun: false, applied: done, pending: remaining };
}

function modifiedError(modified: MigrationStatusRow[]): PglcError {
  const list = modified.map((r) => `${migrationLabel(r)}${r.file ? ` (${r.file})` : ''}`).join(', ');
  const first = modified[0]?.version ?? '';
  return new PglcError('migration-modified', {
    what: `${modified.length === 1 ? 'An applied migration was' : `${modified.length} applied migrations were`} changed after being applied: ${list}`,
    why: 'the Up section in the file no longer matches the checksum recorded when it ran, so the database does not have those edits',
    fix: `Undo the edit and put the change in a new migration (pglc db migrate:create). If the edit does not matter (comments, formatting), record the new checksum with \`pglc db migrate:repair ${first} --applied\`, or run this once with --allow-modified.`,
    details: { versions: modified.map((r) => r.version), files: modified.map((r) => r.file).filter(Boolean) },
  });
}

function outOfOrderError(rows: MigrationStatusRow[], applied: AppliedRecord[]): PglcError {
  const newest = applied.map((a) => a.version).sort(compareVersions).at(-1) ?? '';
  const list = rows.map((r) => migrationLabel(r)).join(', ');
  return new PglcError('migration-out-of-order', {
    what: `${rows.length === 1 ? 'A pending migration is' : `${rows.length} pending migrations are`} older than the newest applied one (${newest}): ${list}`,
    why: 'they were probably merged from another branch after newer migrations ran here; applying them now runs them in a different order than elsewhere',
    fix: 'Check that they do not depend on the order, then run again with --allow-out-of-order; or give them new versions after the newest (rename the files).',
    details: { versions: rows.map((r) => r.version), newestApplied: newest, flag: '--allow-out-of-order' },
  });
}
