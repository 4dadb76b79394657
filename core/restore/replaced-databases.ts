// The databases restores leave on a server: replaced ones (`<db>__pglc_old_<ts>`, kept so a
// restore can be undone) and leftovers of interrupted runs (`__pglc_restore_…`,
// `__pglc_scratch_…`). pglc knows them by the marker comment it wrote, never by name alone.
// Invariants: a database without pglc's marker is never listed or dropped — with one exception:
// a run killed while CREATE DATABASE was running leaves the new database before pglc could
// comment it, so an uncommented database with exactly the name pglc generates for an unfinished
// copy of THIS database counts as that run's leftover; a leftover is only dropped while this
// database's restore lock is held (so it is not a running restore's copy).

import type { ReplacedDatabase } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { quoteIdent } from '../sql/quote';
import { dropMarkedDatabase } from './database-admin';
import { parseMarker, restoreDatabaseName, type RestoreDatabaseKind, type RestoreMarker } from './restore-names';

export interface MarkedDatabase {
  name: string;
  marker: RestoreMarker;
  sizeBytes: number;
}

/** Every database on the server with a pglc marker (of `environment`, when given). */
export async function markedDatabases(admin: Pick<DbClient, 'query'>, environment?: string): Promise<MarkedDatabase[]> {
  const r = await admin.query<{ name: string; comment: string | null; size: string | null }>(
    `SELECT datname AS name, shobj_description(oid, 'pg_database') AS comment,
            CASE WHEN has_database_privilege(oid, 'CONNECT') THEN pg_database_size(oid)::text END AS size
       FROM pg_database WHERE datname LIKE '%\\_\\_pglc\\_%' ORDER BY datname`,
  );
  const out: MarkedDatabase[] = [];
  for (const row of r.rows) {
    const marker = parseMarker(row.comment);
    if (!marker || (environment && marker.environment !== environment)) continue;
    out.push({ name: row.name, marker, sizeBytes: Number(row.size ?? 0) });
  }
  return out;
}

/**
 * The replaced databases of `database` (all databases when undefined), newest first, with which
 * one `restore undo` would bring back and which are past `keepOldDays`.
 * @example const olds = replacedDatabases(await markedDatabases(admin, 'staging'), 'shop', 14, new Date());
 */
export function replacedDatabases(marked: MarkedDatabase[], database: string | undefined, keepOldDays: number | undefined, now: Date): ReplacedDatabase[] {
  const olds = marked.filter((m) => m.marker.kind === 'old' && (database === undefined || m.marker.database === database)).sort((a, b) => b.marker.at.localeCompare(a.marker.at));
  const newestOf = new Map<string, string>();
  for (const o of olds) if (!newestOf.has(o.marker.database)) newestOf.set(o.marker.database, o.name);
  return olds.map((o) => ({
    name: o.name,
    database: o.marker.database,
    environment: o.marker.environment,
    replacedAt: o.marker.at,
    ...(o.marker.backupId ? { backupId: o.marker.backupId } : {}),
    sizeBytes: o.sizeBytes,
    undoable: newestOf.get(o.marker.database) === o.name,
    expired: keepOldDays !== undefined && now.getTime() - Date.parse(o.marker.at) > keepOldDays * 86_400_000,
  }));
}

/**
 * Drops the leftovers of interrupted restores of `database` (call with its restore lock held).
 * @example const dropped = await dropLeftovers(admin, 'staging', 'shop');
 */
export async function dropLeftovers(admin: DbClient, environment: string, database: string): Promise<{ name: string }[]> {
  const leftovers = (await markedDatabases(admin, environment)).filter((m) => m.marker.kind !== 'old' && m.marker.database === database);
  for (const l of leftovers) await dropMarkedDatabase(admin, l.name);
  const unmarked = await admin.query<{ name: string }>(
    `SELECT datname AS name FROM pg_database
      WHERE (datname ~ $1 OR datname ~ $2) AND shobj_description(oid, 'pg_database') IS NULL`,
    [generatedName(database, 'restore'), generatedName(database, 'scratch')],
  );
  for (const u of unmarked.rows) await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(u.name)} WITH (FORCE)`);
  return [...leftovers, ...unmarked.rows];
}

/** A regular expression matching exactly the names restoreDatabaseName gives `database`'s copies of `kind`. */
export function generatedName(database: string, kind: RestoreDatabaseKind): string {
  const sample = restoreDatabaseName(database, kind, new Date(0));
  return '^' + sample.slice(0, -14).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[0-9]{14}$';
}
