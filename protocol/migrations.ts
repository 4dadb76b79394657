// Results of the `pglc db migrate*` commands as they cross the process boundary
// (the editor's Migrations view and CodeLens read these). Invariant: plain JSON data only.

import type { ErrorPayload } from './cli-events';
import type { ColumnOrderNote } from './schema';

/**
 * applied      — recorded in the tracking table and the file's Up checksum matches
 * pending      — a file with no record
 * modified     — recorded, but the file's Up section changed since it was applied
 * missing      — recorded, but no file has that version any more
 * out-of-order — pending, but older than the newest applied migration
 */
export type MigrationState = 'applied' | 'pending' | 'modified' | 'missing' | 'out-of-order';

export type MigrationFormat = 'pglc' | 'dbmate' | 'supabase' | 'split-files' | 'split-folder';

export interface MigrationStatusRow {
  version: string;
  name: string;
  state: MigrationState;
  /** Path relative to the project root, when a file exists. */
  file?: string;
  /** 1-based line of the Up section's first line in `file` (for CodeLens). */
  upLine?: number;
  format?: MigrationFormat;
  hasDown: boolean;
  noTransaction: boolean;
  checksum?: string;
  appliedChecksum?: string;
  appliedAt?: string;
  appliedBy?: string;
  durationMs?: number;
}

/**
 * Drift in `migrate:status`: the environment's schema against the shadow database of the
 * migrations applied there (the same comparison as `pglc schema drift`).
 */
export interface MigrationStatusDrift {
  /** `checked`: compared; `unavailable`: could not be compared — `problem` says why (the status itself is fine). */
  state: 'checked' | 'unavailable';
  /** Checked, and no object differs from what the applied migrations build (column order does not count). */
  identical: boolean;
  /** The newest applied migration the shadow database was built up to. */
  upTo?: string;
  /** Objects the environment has that no applied migration creates. */
  unmanaged: string[];
  /** Objects the applied migrations create that the environment lacks. */
  missing: string[];
  /** Objects both have, shaped differently (`object: field: actual → expected`). */
  different: string[];
  /** Tables whose columns are in another order than the migrations put them (reported, not drift). */
  columnOrder: ColumnOrderNote[];
  notes: string[];
  /** Why drift could not be checked (`unavailable`). */
  problem?: ErrorPayload;
  /** The shadow model came from .pglc/cache (the same applied migrations were built before). */
  cached: boolean;
  durationMs: number;
}

export interface MigrationStatusResult {
  environment: string;
  database: string;
  table: string;
  rows: MigrationStatusRow[];
  counts: Record<MigrationState, number>;
  /** Absent with --no-drift. */
  drift?: MigrationStatusDrift;
}

export interface AppliedMigration {
  version: string;
  name: string;
  durationMs: number;
  noTransaction: boolean;
  notes: string[];
}

export interface MigrateResult {
  environment: string;
  database: string;
  dryRun: boolean;
  applied: AppliedMigration[];
  /** Versions that would be applied (dry run) or remain pending afterwards. */
  pending: string[];
  /** The backup taken before applying (protected environments, or [backup] pre_migration = "always"). */
  preMigrationBackup?: { id: string; location: 'local' | 'remote' | 'both'; sizeBytes: number };
}

export interface RollbackResult {
  environment: string;
  database: string;
  dryRun: boolean;
  reverted: AppliedMigration[];
}

export interface FreshResult {
  environment: string;
  database: string;
  droppedSchemas: string[];
  applied: AppliedMigration[];
}

export interface RepairResult {
  environment: string;
  database: string;
  version: string;
  action: 'applied' | 'reverted';
  /** False when the history already said so (nothing was written). */
  changed: boolean;
}

export interface CreateMigrationResult {
  version: string;
  name: string;
  /** The new file holding the Up section, relative to the project root. */
  file: string;
  /** Every file created (split layouts create an Up and a Down file). */
  files: string[];
  format: MigrationFormat;
}
