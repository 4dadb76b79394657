// Helpers for restore tests: queries on short-lived connections (a restore's swap closes every
// session of its target, and a long-lived test client would die with it), the databases a
// restore left around a test database, the schema as pg_dump prints it, and cleanup.
// Invariant: helpers never keep a connection open between calls.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { testCluster } from './database';

/** Runs `sql` in `database` on a fresh connection. */
export async function q<T extends pg.QueryResultRow = any>(database: string, sql: string, params?: unknown[]): Promise<pg.QueryResult<T>> {
  const c = testCluster();
  const client = new pg.Client({ host: c.socketDir, port: c.port, user: c.user, database });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await client.query<T>(sql, params as unknown[]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Databases on the test cluster whose name starts with `prefix`, sorted. */
export async function databasesLike(prefix: string): Promise<string[]> {
  const r = await q<{ d: string }>('postgres', 'SELECT datname AS d FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1', [prefix]);
  return r.rows.map((x) => x.d);
}

/** Drops `name` and every database a restore made for it. */
export async function dropWithRestoreLeftovers(name: string): Promise<void> {
  for (const d of await databasesLike(name)) await q('postgres', `DROP DATABASE IF EXISTS "${d.replace(/"/g, '""')}" WITH (FORCE)`);
}

/** `pg_dump --schema-only` of `database` (comments with the dump's own metadata removed). */
export function schemaDump(database: string): string {
  const c = testCluster();
  const r = spawnSync(join(c.binDir, 'pg_dump'), ['--schema-only', '--no-comments', '-h', c.socketDir, '-p', String(c.port), '-U', c.user, '-d', database], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_dump failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => !l.startsWith('--') && !l.startsWith('\\restrict') && !l.startsWith('\\unrestrict')).join('\n');
}

/** Table privileges, policies and RLS flags: what a restore must carry besides the DDL. */
export async function securityFacts(database: string): Promise<unknown> {
  const grants = await q(database, `SELECT table_schema, table_name, grantee, privilege_type FROM information_schema.role_table_grants
                                     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3, 4`);
  const policies = await q(database, 'SELECT schemaname, tablename, policyname, qual FROM pg_policies ORDER BY 1, 2, 3');
  const rls = await q(database, "SELECT relname, relrowsecurity FROM pg_class WHERE relrowsecurity ORDER BY 1");
  const defaults = await q(database, 'SELECT defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 2');
  return { grants: grants.rows, policies: policies.rows, rls: rls.rows, defaults: defaults.rows };
}

/**
 * Damages 64 bytes of a stored backup's dump at `at` (a fraction of its length) and takes the
 * manifest's SHA-256 over the damage, as if it had been damaged before it was stored: only
 * decompressing (or loading) it finds the damage. Returns the dump's length.
 */
export function damageBeforeStoring(backupDir: string, at: number): number {
  const dump = readdirSync(backupDir).find((f) => f.startsWith('dump'))!;
  const bytes = readFileSync(join(backupDir, dump));
  const from = Math.floor(bytes.length * at);
  for (let i = from; i < from + 64; i++) bytes[i] = bytes[i]! ^ 0x5a;
  writeFileSync(join(backupDir, dump), bytes);
  const manifestPath = join(backupDir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.files[0].sha256 = createHash('sha256').update(bytes).digest('hex');
  writeFileSync(manifestPath, JSON.stringify(manifest));
  return bytes.length;
}
