// Environment and local-cluster facts shown by `pglc env list`, `pglc db status` and the
// editor's Environments view. Invariant: never carries a password.

import type { ErrorCode } from './error-codes';

export interface EnvironmentSummary {
  name: string;
  protected: boolean;
  /** `embedded` for the local cluster pglc owns; `url` for any other server. */
  kind: 'embedded' | 'url';
  /** host:port/database — safe to display. */
  target?: string;
  /** Why the target could not be resolved (e.g. an unset variable), if so. */
  problem?: string;
  /** Colour hint from pglc.toml (`color = "#d33"`), for the editor's status bar. */
  color?: string;
}

/** `pglc env list --json`: the environments and what the editor needs to know of the project. */
export interface EnvListResult {
  defaultEnvironment: string;
  environments: EnvironmentSummary[];
  /** Absolute folder of pglc.toml. */
  root?: string;
  /** Absolute migration folders (the first is where new migrations go). */
  migrationDirs?: string[];
}

export interface DbStatusResult {
  environment: string;
  target: string;
  reachable: boolean;
  serverVersion?: string;
  database?: string;
  sizeBytes?: number;
  uptimeSeconds?: number;
  /** Present for the embedded local cluster. */
  local?: { dataDir: string; port: number; socketDir: string; pid?: number; running: boolean };
  /** Why it is not reachable ("what — why"), when it is not. */
  problem?: string;
  /** The error code behind `problem` (e.g. `auth-failed`, so the editor offers Set Password). */
  problemCode?: ErrorCode;
}

export interface InitResult {
  root: string;
  created: string[];
  migrationsDir: string;
  detected?: string;
}
