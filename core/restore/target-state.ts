// What a restore needs to know about its target before it plans anything: whether the database
// exists, its tables and sizes, who is connected, which roles the server has, and whether this
// role may do what the restore needs (create databases, rename the target, close sessions).
// Invariant: read-only — nothing here changes the target or its server.

import type { ConnectionTarget } from '../db/connection-target';
import { withConnection, type DbClient } from '../db/connect';
import { serverVersion, type ServerVersion } from '../db/server-info';
import type { RestoreConnection } from '../../protocol/index';
import { readTables, type TableFact } from '../backup/table-facts';
import { readDatabaseShell, type DatabaseShell } from './database-admin';

export interface TargetState {
  exists: boolean;
  server: ServerVersion;
  shell?: DatabaseShell;
  sizeBytes?: number;
  tables: TableFact[];
  connections: RestoreConnection[];
  /** Logical replication slots tied to the database (they stay with the replaced one). */
  replicationSlots: string[];
  role: { name: string; superuser: boolean; createdb: boolean; ownsTarget: boolean; canSignal: boolean };
  /** Roles of the target's server. */
  roles: Set<string>;
  /** Roles this one may act as (member of), for restoring ownership. */
  memberOf: Set<string>;
}

/**
 * Reads the target's state through the maintenance connection `admin` (and the target itself when it exists).
 * @example const state = await readTargetState(admin, target, 'staging');
 */
export async function readTargetState(admin: DbClient, target: ConnectionTarget, envName: string): Promise<TargetState> {
  const server = await serverVersion(admin);
  const shell = await readDatabaseShell(admin, target.database);
  // Sessions first (the connection reading the tables must not count among them); the tables are
  // then read on that connection of their own while the server's facts are read here.
  const connections = shell ? await readConnections(admin, target.database) : [];
  const readingTables = shell ? withConnection(target, { envName, applicationName: 'pglc restore' }, (c) => readTables(c)) : Promise.resolve([]);
  readingTables.catch(() => undefined);
  const me = (await admin.query<{ name: string; superuser: boolean; createdb: boolean; signal: boolean }>(
    `SELECT current_user AS name, r.rolsuper AS superuser, r.rolcreatedb AS createdb,
            r.rolsuper OR pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal
       FROM pg_roles r WHERE r.rolname = current_user`,
  )).rows[0]!;
  const roles = new Set((await admin.query<{ n: string }>('SELECT rolname AS n FROM pg_roles')).rows.map((r) => r.n));
  const memberOf = new Set((await admin.query<{ n: string }>("SELECT rolname AS n FROM pg_roles WHERE pg_has_role(current_user, oid, 'MEMBER')")).rows.map((r) => r.n));
  let ownsTarget = false;
  let sizeBytes: number | undefined;
  let replicationSlots: string[] = [];
  if (shell) {
    ownsTarget = me.superuser || memberOf.has(shell.owner);
    sizeBytes = Number((await admin.query<{ s: string }>('SELECT pg_database_size($1)::text AS s', [target.database])).rows[0]?.s ?? 0);
    replicationSlots = (await admin.query<{ n: string }>("SELECT slot_name AS n FROM pg_replication_slots WHERE database = $1 AND slot_type = 'logical'", [target.database])).rows.map((r) => r.n);
  }
  const tables: TableFact[] = await readingTables;
  return {
    exists: Boolean(shell),
    server,
    ...(shell ? { shell } : {}),
    ...(sizeBytes !== undefined ? { sizeBytes } : {}),
    tables,
    connections,
    replicationSlots,
    role: { name: me.name, superuser: me.superuser, createdb: me.createdb || me.superuser, ownsTarget, canSignal: me.signal },
    roles,
    memberOf,
  };
}

/** Sessions on `database` other than this one. */
export async function readConnections(admin: DbClient, database: string): Promise<RestoreConnection[]> {
  const r = await admin.query<{ pid: number; usename: string | null; application_name: string | null; client: string | null; state: string | null }>(
    `SELECT pid, usename, application_name, client_addr::text AS client, state FROM pg_stat_activity
      WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY pid`,
    [database],
  );
  return r.rows.map((c) => ({
    pid: c.pid,
    user: c.usename ?? '',
    application: c.application_name ?? '',
    ...(c.client ? { client: c.client } : {}),
    ...(c.state ? { state: c.state } : {}),
  }));
}
