// Per-test databases on the run's throwaway cluster (see test-cluster.ts).
// Invariant: every test gets a fresh database of its own and can drop it; nothing is shared.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { ConnectionTarget } from '../../core/db/connection-target';
import type { TestClusterInfo } from './test-cluster';

export function testCluster(): TestClusterInfo {
  const raw = process.env.PGLC_TEST_CLUSTER;
  if (!raw) {
    throw new Error('PGLC_TEST_CLUSTER is not set: run the tests with `npm test` (scripts/run-tests.ts starts the cluster).');
  }
  return JSON.parse(raw) as TestClusterInfo;
}

export interface TestDatabase {
  name: string;
  /** Over TCP with the password (what a user's URL looks like). */
  url: string;
  target: ConnectionTarget;
  /** A connected client for assertions; closed by drop(). */
  query<T extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  /** Closes the assertion client (before an operation that closes the database's sessions). */
  close(): Promise<void>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = testCluster();
  const client = new pg.Client({ host: c.socketDir, port: c.port, user: c.user, database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(prefix = 't'): Promise<TestDatabase> {
  const c = testCluster();
  const name = `${prefix}_${randomBytes(5).toString('hex')}`.toLowerCase();
  await admin((a) => a.query(`CREATE DATABASE "${name}"`));
  const target: ConnectionTarget = { host: '127.0.0.1', port: c.port, database: name, user: c.user, password: c.password, sslmode: 'disable' };
  const url = `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${name}?sslmode=disable`;
  let client: pg.Client | undefined;
  return {
    name,
    url,
    target,
    async query(sql, params) {
      if (!client) {
        client = new pg.Client({ host: c.socketDir, port: c.port, user: c.user, database: name });
        await client.connect();
      }
      return client.query(sql, params as unknown[]);
    },
    async close() {
      await client?.end().catch(() => undefined);
      client = undefined;
    },
    async drop() {
      await client?.end().catch(() => undefined);
      client = undefined;
      await admin((a) => a.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
