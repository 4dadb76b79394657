// One connection for a migration command: connected, watched for cancellation, and (for
// commands that change the database) holding the `pglc:mutate` advisory lock, so the editor,
// cron and CI never migrate the same database at once.
// Invariant: the lock is taken before anything is read that decides what to apply — callers
// read the applied set inside fn, after the lock — and the connection is always closed.

import { userInfo } from 'node:os';
import type { ProjectConfig } from '../config/project-config';
import { withAdvisoryLock } from '../db/advisory-lock';
import { connect, connectionError, type DbClient } from '../db/connect';
import { describeTarget, type ConnectionTarget } from '../db/connection-target';
import { PglcError } from '../errors';
import type { OperationContext } from '../operation-context';
import { cancelOnAbort } from './cancel-on-abort';
import type { MigrationEnv } from './migration-env';
import { trackingTable, type TrackingTable } from './tracking-table';

export interface MigrationSession {
  client: DbClient;
  target: ConnectionTarget;
  table: TrackingTable;
  project: ProjectConfig;
  env: MigrationEnv;
  ctx: OperationContext;
  /** Recorded in applied_by. */
  actor: string;
}

function defaultActor(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function cancelledError(what: string, details?: Record<string, unknown>): PglcError {
  return new PglcError('cancelled', {
    what: `${what} was cancelled`,
    why: 'a cancellation was requested',
    fix: 'Run it again when ready.',
    ...(details ? { details } : {}),
  });
}

/**
 * A failure of pglc's own queries (reading the history, taking the lock): the server's error,
 * or a lost connection, as what / why / fix. Anything else is a bug and stays as it is.
 */
function bookkeepingError(e: unknown, operation: string, target: ConnectionTarget, env: MigrationEnv): unknown {
  const err = e as { severity?: unknown; code?: string; message?: string };
  if (typeof err.severity === 'string') {
    return new PglcError('migration-failed', {
      what: `pglc db ${operation} failed on ${describeTarget(target)} (environment "${env.name}")`,
      why: `PostgreSQL reported: ${err.message ?? String(e)}`,
      fix: err.code === '42501'
        ? `Grant this role access to the migration tracking table, or connect as the role that owns it.`
        : 'Fix the cause above and run the command again; no migration was left half-applied.',
      details: { sqlState: err.code, message: err.message },
    });
  }
  if (/Connection terminated|ECONNRESET|EPIPE|socket|ended/i.test(err.message ?? '')) return connectionError(e, target, env.name);
  return e;
}

/**
 * Runs fn on a fresh connection to target; with `lock`, inside the migration advisory lock.
 * @example await withMigrationSession(project, env, target, ctx, { operation: 'migrate', lock: true }, (s) => apply(s));
 */
export async function withMigrationSession<T>(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  ctx: OperationContext,
  opts: { operation: string; lock: boolean },
  fn: (session: MigrationSession) => Promise<T>,
): Promise<T> {
  const table = trackingTable(project.migrationTable);
  const client = await connect(target, { envName: env.name, applicationName: `pglc ${opts.operation}` });
  try {
    const watch = await cancelOnAbort(client, target, ctx.signal);
    try {
      const session: MigrationSession = { client, target, table, project, env, ctx, actor: ctx.actor ?? defaultActor() };
      if (!opts.lock) return await fn(session);
      return await withAdvisoryLock(client, 'pglc:mutate', { timeoutMs: project.lockTimeoutMs, what: 'migration' }, ctx, () => fn(session));
    } catch (e) {
      if (e instanceof PglcError) throw e;
      // A cancel that lands while waiting for the lock (or between statements) surfaces as
      // the server's query_canceled: report it as the cancellation it is.
      if (ctx.signal?.aborted) throw cancelledError(`pglc ${opts.operation}`);
      throw bookkeepingError(e, opts.operation, target, env);
    } finally {
      await watch.dispose();
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
