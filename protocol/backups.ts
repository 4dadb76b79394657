// Backup facts as they cross the process boundary (`pglc backup … --json`, the Backups view,
// the status bar). Invariant: plain JSON; never a key or a password — only a key id.

import type { ErrorPayload } from './cli-events';

export type BackupTag = 'manual' | 'scheduled' | 'pre-migration' | 'pre-restore';
export type BackupFormat = 'custom' | 'directory' | 'plain';
export type BackupCompression = 'zstd' | 'gzip' | 'none';
export type BackupScope = 'full' | 'schema-only' | 'data-only';

export interface BackupFileEntry {
  /** Path inside the backup folder / object prefix, e.g. `dump.pgcustom.zst.enc` or `dump/3012.dat.zst`. */
  name: string;
  /** Bytes as stored (after compression and encryption). */
  size: number;
  /** SHA-256 (hex) of the stored bytes. */
  sha256: string;
  /** Bytes before compression/encryption (what pg_dump wrote), when known. */
  rawSize?: number;
}

export interface BackupTableEntry {
  schema: string;
  name: string;
  /** pg_class.reltuples at backup time (an estimate). */
  rowEstimate: number;
  /** Exact count, when the backup counted rows (verify --deep compares against these). */
  rows?: number;
  bytes?: number;
}

/** manifest.json, written last: a backup folder without a complete manifest is not a backup. */
export interface BackupManifest {
  manifestVersion: 1;
  id: string;
  name?: string;
  tags: BackupTag[];
  environment: string;
  /** The environment was protected (production) when it was backed up: its data leaves it only anonymized. */
  protected?: boolean;
  database: string;
  /** host:port/database, never a password. */
  source: string;
  serverVersion: string;
  pgDumpVersion: string;
  toolVersion: string;
  format: BackupFormat;
  scope: BackupScope;
  /** Tables given with --tables, if any. */
  tablesFilter?: string[];
  compression: { algorithm: BackupCompression; level?: number };
  encryption: { algorithm: 'none' } | { algorithm: 'aes-256-gcm-chunked'; keyId: string; chunkSize: number };
  files: BackupFileEntry[];
  totalSize: number;
  tables: BackupTableEntry[];
  databaseSize: number;
  /** Large objects in the database at backup time (full backups without --tables). */
  largeObjects?: number;
  createdAt: string;
  finishedAt: string;
  durationMs: number;
  warnings: string[];
}

export type BackupLocation = 'local' | 'remote' | 'both';

export interface BackupSummary {
  id: string;
  name?: string;
  tags: BackupTag[];
  environment: string;
  database: string;
  createdAt: string;
  totalSize: number;
  encrypted: boolean;
  format: BackupFormat;
  scope: BackupScope;
  location: BackupLocation;
  /** Complete (manifest present and valid). Incomplete ones are listed only as leftovers. */
  complete: boolean;
  lastVerifiedAt?: string;
  lastVerifyResult?: 'ok' | 'failed';
  lastVerifyDeep?: boolean;
}

export interface BackupListResult {
  environment?: string;
  backups: BackupSummary[];
  /** Folders/prefixes without a complete manifest (never shown as backups). */
  leftovers: { id: string; location: 'local' | 'remote'; modifiedAt?: string; size: number }[];
}

// ---------------------------------------------------------------------------------------------
// Remote storage, retention, schedule and status (`pglc backup upload|download|sync|prune|
// schedule|status|storage set|config`).


/** `upload <id>` / `download <id>`: one backup copied between the local store and S3. */
export interface BackupTransferResult {
  id: string;
  direction: 'upload' | 'download';
  /** `copied`: bytes moved and their SHA-256 matched the manifest; `already`: the destination held the same files. */
  status: 'copied' | 'already';
  /** Where from and to, e.g. `./backups` and `s3://bucket/prefix` (never credentials). */
  from: string;
  to: string;
  files: number;
  bytes: number;
  durationMs: number;
  /** The destination had a different backup under the same id, which this one replaced. */
  replaced?: boolean;
}

/** What happened to the remote copy right after `backup create` (storage = "s3"). */
export interface BackupUploadOutcome {
  /** True only when every file and the manifest are in the remote store and checked. */
  uploaded: boolean;
  location: 'local' | 'both';
  remote?: string;
  /** Why it stayed local-only. */
  error?: ErrorPayload;
}

export interface BackupSyncAction {
  id: string;
  action: 'upload' | 'download' | 'unchanged';
  reason: string;
  result: 'done' | 'planned' | 'failed' | 'skipped';
  bytes?: number;
  error?: ErrorPayload;
}

export interface BackupSyncResult {
  dryRun: boolean;
  local: string;
  remote: string;
  actions: BackupSyncAction[];
  uploaded: number;
  downloaded: number;
  unchanged: number;
  failed: number;
}

/** [backup] retention; a rule set to 0 or absent is off. */
export interface RetentionPolicyInfo {
  days?: number;
  count?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
  /** Backups tagged pre-restore are kept at least this many days (the undo of a restore). */
  preRestoreDays: number;
  /** On protected environments backups younger than this are kept (seed 002: never delete < 7 days). */
  protectedRecentDays: number;
}

export interface RetentionDecisionInfo {
  id: string;
  environment: string;
  database: string;
  createdAt: string;
  tags: BackupTag[];
  action: 'keep' | 'delete';
  /** Each rule's word, e.g. "newest of week 2026-W46", "older than 30 days". */
  reasons: string[];
  /** One line: "kept: newest of week 2026-W46" / "deleted: older than 30 days and beyond the 10 newest". */
  summary: string;
}

export interface BackupPruneEntry extends RetentionDecisionInfo {
  location: BackupLocation;
  size: number;
  /** Stores it was removed from (empty on --dry-run or for kept ones). */
  removedFrom: ('local' | 'remote')[];
  error?: ErrorPayload;
}

export interface BackupPruneLeftover {
  id: string;
  location: 'local' | 'remote';
  modifiedAt?: string;
  size: number;
  action: 'delete' | 'keep';
  reason: string;
  error?: ErrorPayload;
}

export interface BackupPruneResult {
  dryRun: boolean;
  /** The environment pruned, or undefined for every environment's backups. */
  environment?: string;
  policy: RetentionPolicyInfo;
  /** Whether any rule is on; without one nothing is deleted. */
  policyActive: boolean;
  stores: string[];
  decisions: BackupPruneEntry[];
  leftovers: BackupPruneLeftover[];
  leftoverGraceHours: number;
  /** Backups (and leftovers) removed, or that would be on --dry-run. */
  deleted: number;
  freedBytes: number;
  /** Stores that could not be read (e.g. the remote is unreachable): pruned only where readable. */
  storeErrors: { store: string; error: ErrorPayload }[];
}

export type ScheduleVia = 'cron' | 'systemd';

export interface BackupScheduleResult {
  action: 'set' | 'show' | 'disable';
  environment: string;
  /** Whether a schedule exists after the command. */
  enabled: boolean;
  via?: ScheduleVia;
  cron?: string;
  preset?: 'hourly' | 'daily' | 'weekly';
  /** The crontab line, or the unit files' text. */
  entry?: string;
  /** Files written or removed (systemd units). */
  files?: string[];
  /** The job's argv (absolute node and pglc paths). */
  command?: string[];
  logFile?: string;
  /** Variables file the job reads (mode 0600, outside the repository). */
  envFile?: string;
  nextRuns: string[];
  notes: string[];
}

/** .pglc/backup-status.json: the last scheduled run, read by `backup status` and the editor. */
export interface BackupRunStatus {
  environment: string;
  startedAt: string;
  finishedAt: string;
  result: 'ok' | 'failed';
  message: string;
  backupId?: string;
  /** undefined when there is no remote storage. */
  uploaded?: boolean;
  location?: BackupLocation;
  pruned?: number;
  steps: { create: StepOutcome; upload: StepOutcome; prune: StepOutcome; notify: StepOutcome };
}

export type StepOutcome = 'ok' | 'failed' | 'skipped';

export interface StoreSummary {
  store: string;
  count: number;
  totalSize: number;
  oldest?: string;
  newest?: string;
  leftovers: number;
  /** Set when the store could not be read (remote unreachable, no credentials…). */
  error?: ErrorPayload;
}

export interface BackupStatusResult {
  environment?: string;
  latest?: BackupSummary;
  /** The newest backup whose last verify passed. */
  latestVerified?: BackupSummary;
  local: StoreSummary;
  remote?: StoreSummary;
  storage: 'local' | 's3';
  encrypt: boolean;
  schedule?: { via: ScheduleVia; cron: string; nextRun?: string; entry: string };
  /** Why the schedule could not be read (no crontab tool…), if so. */
  scheduleError?: string;
  lastRun?: BackupRunStatus;
  retention: { policy: RetentionPolicyInfo; active: boolean; wouldDelete: RetentionDecisionInfo[] };
}

export interface BackupStorageSetResult {
  file: string;
  storage: 'local' | 's3';
  /** Keys written, e.g. ["backup.storage", "backup.s3.bucket"]. */
  changed: string[];
  path?: string;
  s3?: { endpoint?: string; region?: string; bucket?: string; prefix?: string; forcePathStyle?: boolean };
  /** Names of the variables holding the credentials, and whether they are set now. */
  credentials?: { variables: string[]; set: boolean };
}

export interface BackupConfigResult {
  file: string;
  changed: string[];
  encrypt: boolean;
  /** Compression of new backups, e.g. "zstd:3". */
  compression: string;
  retention: { days?: number; count?: number; keepDaily?: number; keepWeekly?: number; keepMonthly?: number };
  /** Only right after `config --encrypt` generated a key: shown once, stored nowhere by pglc. */
  generatedKey?: { key: string; keyId: string; variable: string };
  /** The key id of BACKUP_ENCRYPTION_KEY when it was already set. */
  existingKeyId?: string;
}

// ---- create / info / verify / delete / decrypt, and `pglc db dump` / `db load` -----------------

export interface BackupCreateResult {
  manifest: BackupManifest;
  location: BackupLocation;
  /** Folder of the backup in the local store. */
  path: string;
  /** Set when [backup] storage = "s3" (the upload right after creation). */
  upload?: BackupUploadOutcome;
}

export interface BackupInfoResult {
  manifest: BackupManifest;
  /** False when a file no longer matches the manifest (damaged since; `backup verify` says how). */
  complete: boolean;
  location: BackupLocation;
  path?: string;
  verify?: { at: string; result: 'ok' | 'failed'; deep: boolean; message?: string };
}

export interface BackupVerifyResult {
  id: string;
  ok: true;
  deep: boolean;
  /** When this verification finished (recorded in verify.json). */
  at: string;
  files: number;
  /** Stored bytes read and checked. */
  bytes: number;
  /** What was checked, in words ("SHA-256 of 3 files", "pg_restore --list: 42 entries", …). */
  checks: string[];
  /** --deep: tables whose presence (and row count, when recorded) matched the manifest. */
  tablesChecked?: number;
  rowsCompared?: number;
  durationMs: number;
}

export interface BackupDeleteResult {
  id: string;
  /** False for a leftover (an incomplete backup). */
  complete: boolean;
  size: number;
  environment?: string;
}

export interface BackupDecryptResult {
  id: string;
  /** The file (custom, plain) or folder (directory) written. */
  output: string;
  format: BackupFormat;
  bytes: number;
  /** The command that restores it, e.g. `pg_restore -d DB out.dump`. */
  restoreHint: string;
}

export interface DbDumpResult {
  environment: string;
  database: string;
  file: string;
  format: 'custom' | 'plain';
  compression: BackupCompression;
  size: number;
  sha256: string;
  rawSize?: number;
  tables: number;
  durationMs: number;
}

export interface DbLoadResult {
  environment: string;
  database: string;
  file: string;
  format: 'custom' | 'plain' | 'directory';
  compression: BackupCompression;
  tool: 'pg_restore' | 'psql';
  durationMs: number;
}
