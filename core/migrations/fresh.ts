// `migrate:fresh`: drops every non-system schema (everything but pg_* and information_schema),
// recreates `public` the way a new database of this server version has it, then applies every
// migration. Blocked on protected environments.
// Invariant: nothing is dropped unless every migrations folder exists and every file in them can
// be read and planned first, and
// the drop plus the recreation of `public` is one transaction — it happens completely or not.

import type { FreshResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import type { ConnectionTarget } from '../db/connection-target';
import type { DbClient } from '../db/connect';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { note, progress, type OperationContext } from '../operation-context';
import { loadSqlParser } from '../sql/parse';
import { quoteIdent } from '../sql/quote';
import { discoverMigrations, missingFolderError } from './discover';
import type { MigrationEnv } from './migration-env';
import { applyPending, planUps } from './migrate';
import { cancelledError, withMigrationSession } from './session';
import { ensureTrackingTable, readApplied } from './tracking-table';

/**
 * Drops everything and re-runs all migrations.
 * @example const r = await fresh(project, { name: 'local', protected: false }, target, {}, ctx); r.droppedSchemas // ['public']
 */
export async function fresh(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  opts: { confirm?: string },
  ctx: OperationContext,
): Promise<FreshResult> {
  checkGuard('migrate:fresh', env, target.database, opts.confirm);
  const missing = await missingFolderError(project);
  if (missing) throw missing;
  const files = await discoverMigrations(project, ctx);
  await loadSqlParser();
  planUps(files); // a file pglc cannot run must stop us before the drop

  return withMigrationSession(project, env, target, ctx, { operation: 'migrate:fresh', lock: true }, async (s) => {
    if (ctx.signal?.aborted) throw cancelledError('pglc db migrate:fresh');
    progress(ctx, 'migrate.fresh', `Dropping every schema of ${target.database}`, { current: 1, total: 2, unit: 'steps' });
    const droppedSchemas = await dropEverything(s.client, target.database);
    note(ctx, `Dropped ${droppedSchemas.length} schema${droppedSchemas.length === 1 ? '' : 's'}${droppedSchemas.length ? `: ${droppedSchemas.join(', ')}` : ''}; recreated public`, 'info');
    progress(ctx, 'migrate.fresh', `Applying ${files.length} migration${files.length === 1 ? '' : 's'}`, { current: 2, total: 2, unit: 'steps' });
    await ensureTrackingTable(s.client, s.table);
    const applied = await readApplied(s.client, s.table);
    const result = await applyPending(s, files, applied, { allowModified: true, allowOutOfOrder: true });
    return { environment: env.name, database: target.database, droppedSchemas, applied: result.applied };
  });
}

/** Drops all non-system schemas and recreates `public` with the server's defaults, atomically. */
async function dropEverything(client: DbClient, database: string): Promise<string[]> {
  await client.query('BEGIN');
  try {
    const r = await client.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY nspname",
    );
    const schemas = r.rows.map((x) => x.nspname);
    if (schemas.length) await client.query(`DROP SCHEMA ${schemas.map(quoteIdent).join(', ')} CASCADE`);
    await recreatePublic(client);
    await client.query('COMMIT');
    return schemas;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (e instanceof PglcError) throw e;
    const err = e as { message?: string; code?: string };
    throw new PglcError('migration-failed', {
      what: `Could not drop the schemas of ${database}`,
      why: `PostgreSQL reported: ${err.message ?? String(e)}`,
      fix: 'Run migrate:fresh as the database owner (or a role that owns every schema); nothing was dropped.',
      details: { step: 'drop', sqlState: err.code, message: err.message },
    });
  }
}

/**
 * `public` as initdb creates it: owned by pg_database_owner with USAGE for everyone on
 * PostgreSQL 15+, and USAGE + CREATE for everyone before.
 */
async function recreatePublic(client: DbClient): Promise<void> {
  const v = await client.query<{ num: number; owner: boolean; superuser: boolean; bootstrap: string }>(
    `SELECT current_setting('server_version_num')::int AS num,
            CASE WHEN current_setting('server_version_num')::int >= 150000
                 THEN pg_has_role('pg_database_owner', 'MEMBER') ELSE false END AS owner,
            (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
            (SELECT rolname FROM pg_roles WHERE oid = 10) AS bootstrap`,
  );
  const info = v.rows[0];
  if (!info) throw new Error('internal: no server version');
  if (info.num >= 150000) {
    await client.query(info.owner ? 'CREATE SCHEMA public AUTHORIZATION pg_database_owner' : 'CREATE SCHEMA public');
    await client.query('GRANT USAGE ON SCHEMA public TO PUBLIC');
  } else {
    await client.query(info.superuser ? `CREATE SCHEMA public AUTHORIZATION ${quoteIdent(info.bootstrap)}` : 'CREATE SCHEMA public');
    await client.query('GRANT USAGE, CREATE ON SCHEMA public TO PUBLIC');
  }
  await client.query("COMMENT ON SCHEMA public IS 'standard public schema'");
}
