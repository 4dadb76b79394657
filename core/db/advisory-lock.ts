// Session-level advisory locks that serialize mutating operations (migrate, restore, branch)
// on one database across processes: the editor, cron and CI never mutate the same database
// at once. Invariant: one key per (database, purpose); the lock is released before the
// connection is returned, even when fn throws.

import { createHash } from 'node:crypto';
import { PglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import type { DbClient } from './connect';

/** Stable signed 64-bit key for a purpose, e.g. lockKey('pglc:mutate'). */
export function lockKey(purpose: string): string {
  return createHash('sha256').update(purpose).digest().readBigInt64BE(0).toString();
}

/**
 * Runs fn while holding the advisory lock `purpose` on the client's database.
 * Waits up to timeoutMs (reporting that it waits), then fails with `lock-timeout`.
 * @example await withAdvisoryLock(client, 'pglc:mutate', { timeoutMs: 60_000 }, ctx, () => apply());
 */
export async function withAdvisoryLock<T>(
  client: DbClient,
  purpose: string,
  opts: { timeoutMs: number; what?: string },
  ctx: OperationContext,
  fn: () => Promise<T>,
): Promise<T> {
  const key = lockKey(purpose);
  const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
  if (!got.rows[0]?.ok) {
    const holder = await client.query<{ pid: number; application_name: string; backend_start: Date }>(
      `SELECT a.pid, a.application_name, a.backend_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND l.objsubid = 1 AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint LIMIT 1`,
      [key],
    ).catch(() => ({ rows: [] as { pid: number; application_name: string }[] }));
    const h = holder.rows[0];
    note(ctx, `Waiting for another ${opts.what ?? 'operation'} on this database to finish${h ? ` (pid ${h.pid}, ${h.application_name || 'unknown client'})` : ''}…`, 'info');
    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(opts.timeoutMs))}`);
    try {
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    } catch (e) {
      if ((e as { code?: string }).code === '55P03') {
        throw new PglcError('lock-timeout', {
          what: `Another ${opts.what ?? 'operation'} holds this database's pglc lock`,
          why: `it was still running after ${Math.round(opts.timeoutMs / 1000)} s${h ? ` (pid ${h.pid}, ${h.application_name || 'unknown client'})` : ''}`,
          fix: 'Wait for it to finish and run the command again, or raise [project] lock_timeout in pglc.toml.',
        });
      }
      throw e;
    } finally {
      await client.query('RESET lock_timeout').catch(() => undefined);
    }
  }
  try {
    return await fn();
  } finally {
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch(() => undefined);
  }
}
