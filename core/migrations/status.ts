// `migrate:status`: what the files say against what the database recorded — applied, pending,
// modified since applied, file missing, or pending but older than something already applied.
// Invariant: computeStatus is pure (files × records → rows, sorted by version); the command
// only reads (it never creates the tracking table).

import type { MigrationState, MigrationStatusResult, MigrationStatusRow } from '../../protocol/index';
import type { ConnectionTarget } from '../db/connection-target';
import type { ProjectConfig } from '../config/project-config';
import type { OperationContext } from '../operation-context';
import { discoverMigrations } from './discover';
import type { MigrationEnv } from './migration-env';
import type { MigrationFile } from './migration-file';
import { withMigrationSession } from './session';
import { readApplied, type AppliedRecord } from './tracking-table';
import { compareVersions } from './version';

/**
 * One row per version, from the files and the tracking table's records.
 * @example computeStatus([file0001, file0002], [record0001]).map((r) => r.state) // ['applied', 'pending']
 */
export function computeStatus(files: MigrationFile[], applied: AppliedRecord[]): MigrationStatusRow[] {
  const records = new Map(applied.map((r) => [r.version, r]));
  const fileVersions = new Set(files.map((f) => f.version));
  const newestApplied = applied.reduce<string | undefined>(
    (max, r) => (max === undefined || compareVersions(r.version, max) > 0 ? r.version : max),
    undefined,
  );
  const rows: MigrationStatusRow[] = [];
  for (const f of files) {
    const rec = records.get(f.version);
    let state: MigrationState;
    if (rec) state = !rec.checksum || rec.checksum === f.checksum ? 'applied' : 'modified';
    else state = newestApplied !== undefined && compareVersions(f.version, newestApplied) < 0 ? 'out-of-order' : 'pending';
    const row: MigrationStatusRow = {
      version: f.version,
      name: f.name,
      state,
      file: f.relPath,
      upLine: f.up.line,
      format: f.format,
      hasDown: f.down !== undefined,
      noTransaction: f.noTransaction,
      checksum: f.checksum,
    };
    if (rec) addRecord(row, rec);
    rows.push(row);
  }
  for (const rec of applied) {
    if (fileVersions.has(rec.version)) continue;
    const row: MigrationStatusRow = { version: rec.version, name: rec.name, state: 'missing', hasDown: false, noTransaction: false };
    addRecord(row, rec);
    rows.push(row);
  }
  return rows.sort((a, b) => compareVersions(a.version, b.version));
}

function addRecord(row: MigrationStatusRow, rec: AppliedRecord): void {
  if (rec.checksum) row.appliedChecksum = rec.checksum;
  if (rec.appliedAt) row.appliedAt = rec.appliedAt;
  if (rec.appliedBy) row.appliedBy = rec.appliedBy;
  row.durationMs = rec.durationMs;
}

export function countStates(rows: MigrationStatusRow[]): Record<MigrationState, number> {
  const counts: Record<MigrationState, number> = { applied: 0, pending: 0, modified: 0, missing: 0, 'out-of-order': 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}

/**
 * Reads the files and the database's records (read-only).
 * @example const s = await migrationStatus(project, { name: 'local', protected: false }, target, ctx); s.counts.pending
 */
export async function migrationStatus(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  ctx: OperationContext,
): Promise<MigrationStatusResult> {
  const files = await discoverMigrations(project, ctx);
  return withMigrationSession(project, env, target, ctx, { operation: 'migrate:status', lock: false }, async (s) => {
    const rows = computeStatus(files, await readApplied(s.client, s.table));
    return { environment: env.name, database: target.database, table: s.table.display, rows, counts: countStates(rows) };
  });
}
