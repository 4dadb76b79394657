// Reads what the linter may know of a connected environment: the server's major version, the
// estimated size of every table (pg_class.reltuples, pg_relation_size) and which migrations it
// has applied. Why estimates: they cost one catalog query however large the tables are, and a
// linter only needs the order of magnitude ("12M rows, 3.1 GB").
// Invariants: read-only (no tracking table is created, no lock is taken); the result carries no
// password and no row data — sizes and versions only.

import type { LintFacts } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { describeTarget, type ConnectionTarget } from '../db/connection-target';
import { serverVersion } from '../db/server-info';
import { readApplied, trackingTable, trackingTableExists } from '../migrations/tracking-table';
import { nowOf, type OperationContext } from '../operation-context';

export interface EnvironmentLintState {
  facts: LintFacts;
  /** What the environment's tracking table records as applied, by version (empty without the table). */
  applied: Map<string, { appliedAt: string; checksum: string }>;
}

/**
 * @example const { facts } = await readLintFacts(client, 'staging', target, '_pglc_migrations', ctx); facts.tables[0].rows
 */
export async function readLintFacts(client: DbClient, environment: string, target: ConnectionTarget, migrationTable: string, ctx: OperationContext): Promise<EnvironmentLintState> {
  const version = await serverVersion(client);
  // reltuples is -1 for a table never analysed (PostgreSQL 14+): count it as 0 rows but keep its size
  const r = await client.query<{ schema: string; name: string; rows: string; bytes: string }>(
    `SELECT n.nspname AS schema, c.relname AS name,
            greatest(c.reltuples, 0)::bigint AS rows,
            pg_total_relation_size(c.oid) AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'`,
  );
  const t = trackingTable(migrationTable);
  const applied = new Map<string, { appliedAt: string; checksum: string }>();
  if (await trackingTableExists(client, t)) for (const a of await readApplied(client, t)) applied.set(a.version, { appliedAt: a.appliedAt, checksum: a.checksum });
  return {
    facts: {
      environment,
      target: describeTarget(target),
      serverVersion: { major: version.major, minor: version.num % 10_000, text: version.text },
      tables: r.rows.map((row) => ({ schema: row.schema, name: row.name, rows: Number(row.rows), bytes: Number(row.bytes) })),
      readAt: nowOf(ctx).toISOString(),
    },
    applied,
  };
}
