// Environment and local-cluster facts shown by `pglc env list`, `pglc db status` and the
// editor's Environments view. Invariant: never carries a password.

export interface EnvironmentSummary {
  name: string;
  protected: boolean;
  /** `embedded` for the local cluster pglc owns; `url` for any other server. */
  kind: 'embedded' | 'url';
  /** host:port/database — safe to display. */
  target?: string;
  /** Why the target could not be resolved (e.g. an unset variable), if so. */
  problem?: string;
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
}

export interface InitResult {
  root: string;
  created: string[];
  migrationsDir: string;
  detected?: string;
}
