// Stable error codes that cross the process boundary; the editor picks actions by code
// (e.g. `auth-failed` offers "Set password"). Invariant: codes are never renamed, only added.

export const ErrorCodes = [
  'config-missing',
  'config-invalid',
  'config-exists',
  'env-unknown',
  'env-var-unset',
  'server-unreachable',
  'auth-failed',
  'database-missing',
  'tools-missing',
  'tools-too-old',
  'local-cluster-failed',
  'local-cluster-busy',
  'guard-blocked',
  'confirmation-required',
  'confirmation-mismatch',
  'lock-timeout',
  'migration-failed',
  'migration-modified',
  'migration-invalid',
  'migration-not-found',
  'migration-no-down',
  'migration-conflict',
  'migration-out-of-order',
  'cancelled',
  'usage',
  'internal',
] as const;

export type ErrorCode = (typeof ErrorCodes)[number];
