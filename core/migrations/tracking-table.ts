// The table that records which migrations a database has applied (default
// `public._pglc_migrations`; `[project] migration_table` may name `schema.table`).
// Invariant: the table is always addressed schema-qualified (a migration that changes
// search_path cannot redirect the bookkeeping), only created by mutating commands (status is
// read-only), and rows are written in the same transaction as the migration they record
// whenever the migration runs in a transaction.

import { PglcError } from '../errors';
import type { DbClient } from '../db/connect';
import { quoteIdent } from '../sql/quote';

export interface TrackingTable {
  schema: string;
  table: string;
  /** `"schema"."table"`, ready for SQL text. */
  sql: string;
  /** `schema.table`, for messages. */
  display: string;
}

export interface AppliedRecord {
  version: string;
  name: string;
  checksum: string;
  downChecksum?: string;
  /** ISO 8601. */
  appliedAt: string;
  durationMs: number;
  appliedBy?: string;
}

function unquote(part: string): string {
  const p = part.trim();
  return p.startsWith('"') && p.endsWith('"') && p.length >= 2 ? p.slice(1, -1).replace(/""/g, '"') : p;
}

/**
 * @example trackingTable('_pglc_migrations').display === 'public._pglc_migrations'
 * @example trackingTable('ops.migrations').sql === '"ops"."migrations"'
 */
export function trackingTable(configured: string): TrackingTable {
  const m = /^\s*("(?:[^"]|"")+"|[^."]+)\s*(?:\.\s*("(?:[^"]|"")+"|[^."]+)\s*)?$/.exec(configured);
  if (!m || !m[1]) {
    throw new PglcError('config-invalid', {
      what: `migration_table = "${configured}" is not a table name`,
      why: 'it must be `table` or `schema.table`',
      fix: 'Set [project] migration_table in pglc.toml to e.g. "_pglc_migrations" or "ops.migrations".',
      details: { key: 'migration_table' },
    });
  }
  const schema = m[2] ? unquote(m[1]) : 'public';
  const table = unquote(m[2] ?? m[1]);
  return { schema, table, sql: `${quoteIdent(schema)}.${quoteIdent(table)}`, display: `${schema}.${table}` };
}

/** Whether the tracking table exists (no side effects). */
export async function trackingTableExists(client: DbClient, t: TrackingTable): Promise<boolean> {
  const r = await client.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [t.sql]);
  return r.rows[0]?.ok === true;
}

/**
 * Creates the schema and table if missing. Call under the migration lock: two first runs at
 * once would otherwise race on CREATE TABLE. Existence is checked first so a role without
 * CREATE privilege can still use a table someone else created.
 */
export async function ensureTrackingTable(client: DbClient, t: TrackingTable): Promise<void> {
  if (await trackingTableExists(client, t)) return;
  try {
    const ns = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [t.schema]);
    if (ns.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${t.sql} (
      version text PRIMARY KEY,
      name text NOT NULL DEFAULT '',
      checksum text NOT NULL,
      down_checksum text,
      applied_at timestamptz NOT NULL DEFAULT now(),
      duration_ms integer NOT NULL DEFAULT 0,
      applied_by text
    )`);
    await client.query(`COMMENT ON TABLE ${t.sql} IS 'Migrations applied by pglc (Postgres Lifecycle). Do not edit by hand: use pglc db migrate:repair.'`);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === '42501') {
      throw new PglcError('migration-failed', {
        what: `Cannot create the migration tracking table ${t.display}`,
        why: err.message ?? 'permission denied',
        fix: `Grant this role CREATE on schema ${t.schema}, create the table once as its owner, or set [project] migration_table to a schema this role owns.`,
        details: { table: t.display, sqlState: err.code },
      });
    }
    throw e;
  }
}

/** Every recorded migration, in version order of the text (callers sort with compareVersions). */
export async function readApplied(client: DbClient, t: TrackingTable): Promise<AppliedRecord[]> {
  if (!(await trackingTableExists(client, t))) return [];
  try {
    const r = await client.query<{
      version: string; name: string | null; checksum: string | null; down_checksum: string | null;
      applied_at: Date | null; duration_ms: number | null; applied_by: string | null;
    }>(`SELECT version, name, checksum, down_checksum, applied_at, duration_ms, applied_by FROM ${t.sql} ORDER BY version`);
    return r.rows.map((row) => {
      const rec: AppliedRecord = {
        version: row.version,
        name: row.name ?? '',
        checksum: row.checksum ?? '',
        appliedAt: row.applied_at ? row.applied_at.toISOString() : '',
        durationMs: row.duration_ms ?? 0,
      };
      if (row.down_checksum) rec.downChecksum = row.down_checksum;
      if (row.applied_by) rec.appliedBy = row.applied_by;
      return rec;
    });
  } catch (e) {
    const err = e as { code?: string; message?: string };
    if (err.code === '42703' || err.code === '42P01') {
      throw new PglcError('config-invalid', {
        what: `${t.display} is not a pglc migration table`,
        why: err.message ?? 'it lacks the expected columns',
        fix: 'Point [project] migration_table in pglc.toml at a table pglc owns (default "_pglc_migrations"); another tool\'s history table cannot be shared.',
        details: { table: t.display, key: 'migration_table' },
      });
    }
    throw e;
  }
}

export interface RecordFields {
  version: string;
  name: string;
  checksum: string;
  downChecksum?: string;
  durationMs: number;
  appliedBy: string;
}

/** Inserts (or, for repair, replaces) the row of an applied migration. */
export async function recordApplied(client: DbClient, t: TrackingTable, f: RecordFields, replace = false): Promise<void> {
  await client.query(
    `INSERT INTO ${t.sql} (version, name, checksum, down_checksum, applied_at, duration_ms, applied_by)
     VALUES ($1, $2, $3, $4, now(), $5, $6)` +
      (replace ? ' ON CONFLICT (version) DO UPDATE SET name = EXCLUDED.name, checksum = EXCLUDED.checksum, down_checksum = EXCLUDED.down_checksum' : ''),
    [f.version, f.name, f.checksum, f.downChecksum ?? null, Math.round(f.durationMs), f.appliedBy],
  );
}

/** Deletes the row of a reverted migration; returns whether there was one. */
export async function recordReverted(client: DbClient, t: TrackingTable, version: string): Promise<boolean> {
  const r = await client.query(`DELETE FROM ${t.sql} WHERE version = $1`, [version]);
  return (r.rowCount ?? 0) > 0;
}
