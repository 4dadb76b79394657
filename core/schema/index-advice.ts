// `pglc schema indexes`: indexes nobody uses (no scan since the statistics were reset; indexes that
// enforce a primary key, unique or exclusion constraint are never suggested for removal), and
// indexes that are missing — foreign keys whose columns lead no index (deletes and joins on the
// referenced table scan the referencing one), and tables read mostly by sequential scans.
// Invariants: read-only; suggestions use CONCURRENTLY so they can run on a live database;
// identifiers are quoted, thresholds passed as parameters.

import type { MissingIndex, SchemaIndexesResult, UnusedIndex } from '../../protocol/index';
import { withConnection, type DbClient } from '../db/connect';
import { openEnvironment } from '../environments/open-environment';
import type { OperationContext } from '../operation-context';
import { ident, qname } from '../diff/sql-text';
import { introspect } from './introspect';

const UNUSED_SQL = `
SELECT s.schemaname AS schema, s.relname AS "table", s.indexrelname AS index, s.idx_scan::bigint AS scans,
       pg_catalog.pg_relation_size(s.indexrelid)::bigint AS bytes
FROM pg_catalog.pg_stat_user_indexes s
JOIN pg_catalog.pg_index i ON i.indexrelid = s.indexrelid
WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = s.indexrelid AND c.contype IN ('p', 'u', 'x'))
  AND NOT (s.schemaname = 'public' AND s.relname = $1)
ORDER BY bytes DESC, schema, "table", index`;

const SEQ_SQL = `
SELECT schemaname AS schema, relname AS "table", seq_scan::bigint AS seq, coalesce(idx_scan, 0)::bigint AS idx,
       seq_tup_read::bigint AS rows_read, n_live_tup::bigint AS live
FROM pg_catalog.pg_stat_user_tables
WHERE n_live_tup >= $1 AND seq_scan > coalesce(idx_scan, 0) AND seq_scan >= $2
  AND NOT (schemaname = 'public' AND relname = $3)
ORDER BY seq_tup_read DESC, schema, "table"`;

export interface IndexAdviceOptions {
  unused?: boolean;
  missing?: boolean;
  /** The project's migration table (left out). */
  migrationTable: string;
  /** Tables smaller than this are never "sequential-scan heavy" (default 10,000 rows). */
  minRows?: number;
}

/** Keys of an index definition's column list (`(a, b)` → ['a', 'b']), unquoted. */
function leading(keys: string[]): string[] {
  return keys.map((k) => (k.startsWith('"') ? k.slice(1, -1).replace(/""/g, '"') : k));
}

/**
 * @example const r = await indexAdvice(client, { unused: true, missing: true, migrationTable: '_pglc_migrations' }); r.missing
 */
export async function indexAdvice(client: DbClient, opts: IndexAdviceOptions): Promise<Omit<SchemaIndexesResult, 'environment' | 'database'>> {
  const both = !opts.unused && !opts.missing;
  const out: Omit<SchemaIndexesResult, 'environment' | 'database'> = {};
  const since = await client.query<{ reset: Date | null }>('SELECT stats_reset AS reset FROM pg_catalog.pg_stat_database WHERE datname = pg_catalog.current_database()');
  const reset = since.rows[0]?.reset;
  if (reset) out.statsSince = new Date(reset).toISOString();
  if (opts.unused || both) {
    const rows = (await client.query<{ schema: string; table: string; index: string; scans: string; bytes: string }>(UNUSED_SQL, [opts.migrationTable])).rows;
    out.unused = rows.map((r): UnusedIndex => ({
      schema: r.schema, table: r.table, index: r.index, scans: Number(r.scans), bytes: Number(r.bytes),
      suggestion: `DROP INDEX CONCURRENTLY ${qname(r.schema, r.index)};`,
    }));
  }
  if (opts.missing || both) {
    const model = await introspect(client, { exclude: [`public.${opts.migrationTable}`] });
    const missing: MissingIndex[] = [];
    for (const t of model.tables) {
      const indexes = model.indexes.filter((i) => i.schema === t.schema && i.table === t.name).map((i) => leading(i.keys));
      for (const c of t.constraints) {
        if (c.kind !== 'foreign-key' || !c.foreignKey) continue;
        const cols = new Set(c.columns);
        // An index covers the foreign key when its first columns are the key's columns, in any order.
        const covered = indexes.some((keys) => keys.length >= cols.size && keys.slice(0, cols.size).every((k) => cols.has(k)));
        if (covered || t.kind === 'partitioned') continue;
        missing.push({
          schema: t.schema, table: t.name, reason: 'foreign-key',
          detail: `${c.name} (${c.columns.join(', ')}) → ${c.foreignKey.schema}.${c.foreignKey.table} has no index: deleting or updating ${c.foreignKey.table} rows scans ${t.name}`,
          suggestion: `CREATE INDEX CONCURRENTLY ${ident(`${t.name}_${c.columns.join('_')}_idx`.slice(0, 63))} ON ${qname(t.schema, t.name)} (${c.columns.map(ident).join(', ')});`,
        });
      }
    }
    const seq = (await client.query<{ schema: string; table: string; seq: string; idx: string; rows_read: string; live: string }>(SEQ_SQL, [opts.minRows ?? 10_000, 50, opts.migrationTable])).rows;
    for (const r of seq) {
      missing.push({ schema: r.schema, table: r.table, reason: 'sequential-scans', detail: `${r.seq} sequential scans (${r.rows_read} rows read) vs ${r.idx} index scans on ${r.live} rows: look at the queries filtering ${r.table} (pg_stat_statements)` });
    }
    out.missing = missing;
  }
  return out;
}

/**
 * `pglc schema indexes` on an environment.
 * @example const r = await schemaIndexes(ctx, 'staging', { missing: true }); r.missing?.length
 */
export async function schemaIndexes(ctx: OperationContext, envName: string | undefined, opts: Omit<IndexAdviceOptions, 'migrationTable'>): Promise<SchemaIndexesResult> {
  const { env, target, project } = await openEnvironment(ctx, envName);
  const advice = await withConnection(target, { envName: env.name, applicationName: 'pglc schema indexes' }, (c) => indexAdvice(c, { ...opts, migrationTable: project.migrationTable }));
  return { environment: env.name, database: target.database, ...advice };
}
