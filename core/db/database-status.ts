// `pglc db status`: is the environment's server reachable, which version, how big, how long up.
// Invariant: reports unreachable servers as a result (reachable: false + why), so a status
// view can show every environment even when one is down; never throws for that case.

import type { DbStatusResult } from '../../protocol/index';
import { isPglcError } from '../errors';
import type { OperationContext } from '../operation-context';
import { withConnection } from './connect';
import { describeTarget, type ConnectionTarget } from './connection-target';

/**
 * @example const s = await databaseStatus('staging', target, ctx); s.reachable && s.serverVersion
 */
export async function databaseStatus(envName: string, target: ConnectionTarget, _ctx: OperationContext): Promise<DbStatusResult> {
  const base = { environment: envName, target: describeTarget(target) };
  try {
    return await withConnection(target, { envName, applicationName: 'pglc status' }, async (c) => {
      const r = await c.query<{ version: string; db: string; size: string; uptime: string }>(
        `SELECT current_setting('server_version') AS version, current_database() AS db,
                pg_database_size(current_database())::text AS size,
                extract(epoch FROM now() - pg_postmaster_start_time())::bigint::text AS uptime`,
      );
      const row = r.rows[0]!;
      return { ...base, reachable: true, serverVersion: row.version, database: row.db, sizeBytes: Number(row.size), uptimeSeconds: Number(row.uptime) };
    });
  } catch (e) {
    if (isPglcError(e)) return { ...base, reachable: false, problem: `${e.what} — ${e.why}`, problemCode: e.code };
    throw e;
  }
}
