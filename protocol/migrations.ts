// Results of the `pglc db migrate*` commands as they cross the process boundary
// (the editor's Migrations view and CodeLens read these). Invariant: plain JSON data only.

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

export interface MigrationStatusResult {
  environment: string;
  database: string;
  table: string;
  rows: MigrationStatusRow[];
  counts: Record<MigrationState, number>;
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
