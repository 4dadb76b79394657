// Restore facts as they cross the process boundary (`pglc restore … --json`, the restore
// confirmation panel, the Backups view's replaced databases). Invariant: plain JSON; never a
// key or a password — targets are host:port/database.

import type { BackupFormat, BackupLocation, BackupScope } from './backups';
import type { AnonymizeSummary } from './anonymize';

/**
 * How a restore changes the target:
 * - `full`: the whole backup into a new database, checked, then swapped in (the old one is kept);
 * - `schema-only`: the backup's structure without rows into a new database, swapped in likewise;
 * - `data-only`: the target keeps its structure; every table of the backup it has gets the
 *   backup's rows, in one transaction;
 * - `tables`: like data-only, for the tables named with --table.
 */
export type RestoreMode = 'full' | 'schema-only' | 'data-only' | 'tables';

export interface RestoreTableChange {
  schema: string;
  name: string;
  /** What happens to it: replaced by the backup's, created from it, gone (not in the backup), or left alone. */
  action: 'replace' | 'create' | 'remove' | 'keep' | 'skip';
  /** Rows now (estimate, pg_class.reltuples) and its size, when the target has it. */
  currentRows?: number;
  currentBytes?: number;
  /** Rows in the backup (exact when counted, else the estimate). */
  backupRows?: number;
  backupRowsExact?: boolean;
  /** Why it is skipped or what differs (e.g. "column nickname is not in the backup: gets its default"). */
  notes?: string[];
}

export interface RestoreConnection {
  pid: number;
  user: string;
  application: string;
  client?: string;
  state?: string;
}

export interface RestorePlan {
  mode: RestoreMode;
  backup: {
    id: string;
    name?: string;
    createdAt: string;
    /** Stored bytes, and what pg_dump wrote when known. */
    size: number;
    rawSize?: number;
    environment: string;
    database: string;
    source: string;
    serverVersion: string;
    format: BackupFormat;
    scope: BackupScope;
    encrypted: boolean;
    location: BackupLocation;
    tables: number;
    /** Sum of the exact row counts the backup recorded. */
    rows?: number;
    /** Checks passed before anything was planned (checksums, decryption, pg_restore --list). */
    checks: string[];
  };
  target: {
    environment: string;
    protected: boolean;
    /** Colour hint of the environment (pglc.toml). */
    color?: string;
    database: string;
    /** host:port (never a password). */
    server: string;
    serverVersion: string;
    exists: boolean;
    sizeBytes?: number;
    tables: number;
    connections: RestoreConnection[];
  };
  /** Every table the restore touches or could surprise the user about. */
  tables: RestoreTableChange[];
  preRestoreBackup: { taken: boolean; reason: string };
  /** Full and schema-only restores: the new database and the name the current one gets. */
  swap?: { newDatabase: string; oldDatabase: string; terminatesConnections: number };
  /** Partial restores: the scratch database the rows pass through. */
  scratchDatabase?: string;
  /** Whether owners and grants of the backup are restored (false when the target lacks the roles). */
  owners: boolean;
  privileges: boolean;
  missingRoles: string[];
  /** Likely personal data without a rule is named while the copy is anonymized (result warnings), when its columns can be read. */
  anonymize?: { rules: string; tables: number; columns: number };
  jobs: number;
  /** What the restore does, in order, in words. */
  steps: string[];
  /** What cannot happen atomically, said before it happens. */
  nonAtomic: string[];
  warnings: string[];
  /** Rough duration, from the backup's own duration and size. */
  estimatedMs: number;
  /** `typed-name`: the target is protected and its database name must be typed. */
  confirmation: 'typed-name' | 'none';
  /** The command that runs this plan (without --confirm), for copy-paste and the editor. */
  command: string[];
}

export interface RestoreResult {
  plan: RestorePlan;
  dryRun: boolean;
  /** Set when the restore ran. */
  done?: {
    durationMs: number;
    preRestoreBackup?: { id: string; location: BackupLocation };
    tablesRestored: number;
    rowsRestored: number;
    /** The replaced database, kept until dropped (full and schema-only restores). */
    oldDatabase?: string;
    /** Checks of the restored copy before it was swapped in / moved. */
    checks: string[];
    anonymized?: AnonymizeSummary;
    /** How to undo: e.g. `pglc restore undo --env staging`. */
    undo: string;
    warnings: string[];
  };
}

/** A database a restore replaced, kept so the restore can be undone. */
export interface ReplacedDatabase {
  /** Its name now, e.g. `shop__pglc_old_20260115143000`. */
  name: string;
  /** The database it was, e.g. `shop`. */
  database: string;
  environment: string;
  replacedAt: string;
  /** The backup that replaced it. */
  backupId?: string;
  sizeBytes: number;
  /** True for the newest one of its database: `restore undo` swaps it back. */
  undoable: boolean;
  /** Past `[restore] keep_old_days`: the next restore or `drop-old --expired` removes it. */
  expired: boolean;
}

export interface ReplacedDatabasesResult {
  environment: string;
  server: string;
  databases: ReplacedDatabase[];
  /** Leftovers of interrupted restores (`__pglc_restore_…`, `__pglc_scratch_…`) not in use. */
  leftovers: { name: string; sizeBytes: number }[];
}

export interface RestoreUndoResult {
  environment: string;
  database: string;
  /** The database that is live again. */
  restored: string;
  /** Where the database it replaced went (kept: undo is itself undoable). */
  keptAs: string;
  terminated: number;
  durationMs: number;
}

export interface DropReplacedResult {
  environment: string;
  dropped: { name: string; sizeBytes: number }[];
}
