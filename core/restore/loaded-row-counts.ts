// How many rows the load put into each table of a new copy, from the server's cumulative
// statistics instead of a scan of every table. In a database created for this restore, that only
// this role can connect to, and whose triggers and rules are created after the data (pg_restore's
// post-data), every row a COPY inserted is counted in n_tup_ins and nothing updates or deletes;
// a COPY that failed failed the whole load (--exit-on-error), and its rows would count as dead,
// not live — so where n_tup_ins equals n_live_tup, it is the table's row count. PostgreSQL 15 keeps these statistics in shared memory and writes a session's counts when
// the session ends, so they are complete once the loading sessions are gone.
// Invariants: undefined (and the caller scans) whenever that reasoning does not hold: a server
// before 15, track_counts off, loaders still connected, a table with rolled-back inserts, updates
// or deletes. A count
// from here only ever confirms a match: the caller scans any table whose count differs.

import type { DbClient } from '../db/connect';
import { quoteQualified } from '../sql/quote';

/** How long the loading sessions may take to go after their clients exited. */
const LOADERS_GONE_MS = 5000;

/**
 * Inserted rows per `schema.name` (as quoteQualified writes it), or undefined: count by scanning.
 * @example const loaded = await loadedRowCounts(client); loaded?.get('"public"."users"') // 1000
 */
export async function loadedRowCounts(c: Pick<DbClient, 'query'>, opts: { signal?: AbortSignal } = {}): Promise<Map<string, number> | undefined> {
  const s = await c.query<{ v: number; counts: string }>("SELECT current_setting('server_version_num')::int AS v, current_setting('track_counts') AS counts");
  if ((s.rows[0]?.v ?? 0) < 150000 || s.rows[0]?.counts !== 'on') return undefined;
  if (!(await loadersGone(c, opts.signal))) return undefined;
  // A fresh snapshot of the statistics (a cached one could predate the last loader's exit).
  await c.query('SELECT pg_stat_clear_snapshot()');
  // Inserted rows that all count as live: no insert was rolled back, nothing was updated or
  // deleted. (A table that autovacuum has analyzed meanwhile may show an estimate: it is scanned.)
  const r = await c.query<{ schema: string; name: string; rows: string }>(
    `SELECT schemaname AS schema, relname AS name, n_tup_ins::text AS rows
       FROM pg_stat_user_tables
      WHERE n_tup_ins = n_live_tup AND n_tup_upd = 0 AND n_tup_del = 0`,
  );
  return new Map(r.rows.map((row) => [quoteQualified(row.schema, row.name), Number(row.rows)]));
}

/** True once no other client session is connected to this database (the loaders wrote their counts). */
async function loadersGone(c: Pick<DbClient, 'query'>, signal?: AbortSignal): Promise<boolean> {
  const until = Date.now() + LOADERS_GONE_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    const r = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    if (r.rows[0]?.n === 0) return true;
    if (Date.now() > until || signal?.aborted) return false;
    // Sessions end within milliseconds of their client; there is no event to wait on for that.
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
