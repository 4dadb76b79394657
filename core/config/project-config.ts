// The typed shape of pglc.toml after parsing, validation and overrides (no secrets: URLs
// keep their `${VAR}` references until an environment is resolved for a connection).
// Invariant: the only definition of the project format; load-config.ts produces it.

export interface EnvironmentConfig {
  name: string;
  /** Raw URL as written (may contain `${VAR}`); absent for the embedded local cluster. */
  url?: string;
  /** Database name for the embedded cluster (default: the project folder's name, sanitized). */
  database?: string;
  protected: boolean;
  /** Colour hint for the editor (status bar). */
  color?: string;
}

export interface LintConfig {
  assumeInTransaction: boolean;
  rules: Record<string, 'off' | 'warning' | 'error' | 'info'>;
  exclude: string[];
  postgresVersion?: number;
}

export interface BackupRetention {
  days?: number;
  count?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
}

export interface BackupConfig {
  storage: 'local' | 's3';
  path: string;
  encrypt: boolean;
  retention: BackupRetention;
  /**
   * Which migrations get a backup first (tagged pre-migration): "protected" environments only
   * (default) or "always". Protected environments always get one; no setting turns that off.
   */
  preMigration: 'protected' | 'always';
  /** Compression of new backups when `--compress` is not given, e.g. { zstd, 9 }; unset: zstd -3. */
  compression?: { algorithm: 'zstd' | 'gzip' | 'none'; level?: number };
  s3?: { endpoint?: string; region?: string; bucket?: string; prefix?: string; forcePathStyle?: boolean };
  /** After each scheduled run: a command (argv, JSON summary on stdin) and/or a webhook (raw, may hold ${VAR}). */
  notify?: { command?: string[]; webhook?: string };
}

export interface RestoreConfig {
  /** Replaced databases older than this many days are dropped by the next restore (unset: kept until dropped). */
  keepOldDays?: number;
  /** Anonymization rules (relative to the project root), default pglc/anonymize.yaml. */
  anonymizeRules: string;
  /**
   * maintenance_work_mem of the sessions that load a restored copy (index and constraint builds),
   * e.g. "1GB"; "server" keeps the server's. Unset: 1GB, capped on a server on this machine.
   */
  maintenanceWorkMem?: string;
  /**
   * Tables bigger than this (and than a fair share of the data) are loaded by all --jobs streams
   * side by side, e.g. "1GB"; "off" loads every table in one COPY. Unset: 64MB.
   */
  splitTablesLargerThan?: string;
}

export interface ProjectConfig {
  /** Absolute directory holding pglc.toml. */
  root: string;
  /** Absolute path of pglc.toml. */
  file: string;
  /** Project name (folder name unless [project].name). */
  name: string;
  /** Migration folders relative to root (first one is where new migrations are created). */
  migrations: string[];
  migrationTable: string;
  /** Timeout for taking the migration advisory lock, in ms. */
  lockTimeoutMs: number;
  environments: Record<string, EnvironmentConfig>;
  /** Default environment (always `local` unless [project].default_env). */
  defaultEnvironment: string;
  backup: BackupConfig;
  lint: LintConfig;
  restore: RestoreConfig;
}
