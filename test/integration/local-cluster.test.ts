// The embedded local PostgreSQL end to end with the real binaries: initdb on first use, the
// database created, socket and TCP access, a quick second call, status, stop, and moving to
// another port when its own was taken.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureLocalCluster, localClusterPaths, localClusterStatus, localClusterTcpTarget, stopLocalCluster, type LocalClusterState,
} from '../../core/db/local-cluster';
import { readPostmasterPid } from '../../core/db/local-cluster-state';
import { connect, withConnection } from '../../core/db/connect';
import { PglcError } from '../../core/errors';
import { serverVersion } from '../../core/db/server-info';
import { cleanupProject, makeProject, recordingContext } from '../fixtures/local-cluster/temp-project';

describe('the embedded local cluster of a fresh project', () => {
  let root: string;
  let state: LocalClusterState;
  const database = 'my_app';

  before(() => {
    root = makeProject();
  });
  after(async () => {
    await cleanupProject(root);
  });

  it('initializes, starts and creates the database on first use', async () => {
    const ctx = recordingContext(root);
    const r = await ensureLocalCluster(root, database, ctx);
    state = r.state;
    assert.equal(r.started, true);
    const steps = ctx.events.filter((e) => e.type === 'progress').map((e) => (e.type === 'progress' ? e.step : ''));
    assert.deepEqual(steps, ['cluster.init', 'cluster.start', 'cluster.create-db']);

    const paths = localClusterPaths(root);
    assert.equal(paths.dataDir, join(root, '.pglc', 'local', 'data'));
    assert.ok(existsSync(join(paths.dataDir, 'PG_VERSION')));
    assert.ok(existsSync(join(root, '.pglc', 'local', 'server.log')));
    assert.deepEqual(JSON.parse(readFileSync(join(root, '.pglc', 'local', 'cluster.json'), 'utf8')), JSON.parse(JSON.stringify(state)));
    assert.equal(state.superuser, 'postgres');
    assert.match(state.version, /^\d+\.\d+$/);

    const hash = createHash('sha256').update(root).digest('hex').slice(0, 12);
    assert.equal(state.socketDir, join(tmpdir(), `pglc-${hash}`));
    assert.ok(join(state.socketDir, `.s.PGSQL.${state.port}`).length < 107);
    assert.equal(r.target.host, state.socketDir);
    assert.equal(readPostmasterPid(paths.dataDir)?.pid, state.pid);
  });

  it('answers over the unix socket with dev settings and fsync on', async () => {
    const { target } = await ensureLocalCluster(root, database, recordingContext(root));
    const row = await withConnection({ ...target, password: undefined }, {}, async (c) => {
      const r = await c.query<Record<string, string>>(
        `SELECT current_database() AS db, current_user AS usr, current_setting('fsync') AS fsync,
                current_setting('max_connections') AS max_connections, current_setting('shared_buffers') AS shared_buffers,
                current_setting('log_min_messages') AS log_min_messages, current_setting('unix_socket_permissions') AS perms,
                current_setting('listen_addresses') AS listen`,
      );
      return r.rows[0]!;
    });
    assert.deepEqual(row, {
      db: database, usr: 'postgres', fsync: 'on', max_connections: '50', shared_buffers: '128MB',
      log_min_messages: 'warning', perms: '0700', listen: '127.0.0.1',
    });    const v = await withConnection(target, {}, (c) => serverVersion(c));
    assert.equal(v.text, state.version);
    assert.equal(v.major, Number(state.version.split('.')[0]));
    assert.equal(v.num, v.major * 10_000 + Number(state.version.split('.')[1]));
  });

  it('answers over TCP with the stored password, which is kept 0600 and nowhere else', async () => {
    const passwordFile = join(root, '.pglc', 'local', 'password');
    assert.equal(statSync(passwordFile).mode & 0o777, 0o600);
    const password = readFileSync(passwordFile, 'utf8').trim();
    assert.ok(password.length >= 24);
    const tcp = localClusterTcpTarget(root, state, database)!;
    assert.deepEqual({ host: tcp.host, port: tcp.port, user: tcp.user, password: tcp.password }, { host: '127.0.0.1', port: state.port, user: 'postgres', password });
    const db = await withConnection(tcp, {}, async (c) => (await c.query<{ d: string }>('select current_database() as d')).rows[0]?.d);
    assert.equal(db, database);
    // TCP really checks it (scram), unlike the socket.
    await assert.rejects(connect({ ...tcp, password: 'not-the-password' }), (e: unknown) => e instanceof PglcError && e.code === 'auth-failed');
    for (const f of ['cluster.json', 'server.log']) {
      assert.ok(!readFileSync(join(root, '.pglc', 'local', f), 'utf8').includes(password), `${f} contains the password`);
    }
  });

  it('returns started=false quickly when it already runs', async () => {
    const t0 = Date.now();
    const ctx = recordingContext(root);
    const r = await ensureLocalCluster(root, database, ctx);
    const ms = Date.now() - t0;
    assert.equal(r.started, false);
    assert.equal(r.state.pid, state.pid);
    assert.deepEqual(ctx.events, []);
    assert.ok(ms < 5_000, `took ${ms} ms`);
  });

  it('creates another database on the same cluster when asked', async () => {
    const r = await ensureLocalCluster(root, 'Other DB', recordingContext(root));
    assert.equal(r.started, false);
    const db = await withConnection(r.target, {}, async (c) => (await c.query<{ d: string }>('select current_database() as d')).rows[0]?.d);
    assert.equal(db, 'Other DB');
  });

  it('reports status: running, version, port, pid, size and uptime', async () => {
    const s = await localClusterStatus(root, database, recordingContext(root));
    assert.equal(s.running, true);
    assert.equal(s.initialized, true);
    assert.equal(s.port, state.port);
    assert.equal(s.pid, state.pid);
    assert.equal(s.socketDir, state.socketDir);
    assert.equal(s.dataDir, localClusterPaths(root).dataDir);
    assert.equal(s.version, state.version);
    assert.ok(s.sizeBytes! > 1_000_000, `size ${s.sizeBytes}`);
    assert.ok(Number.isInteger(s.uptimeSeconds) && s.uptimeSeconds! >= 0);
    assert.equal(s.databaseExists, true);
    const missing = await localClusterStatus(root, 'no_such_db', recordingContext(root));
    assert.equal(missing.databaseExists, false);
    assert.equal(missing.sizeBytes, undefined);
  });

  it('stops, and then status says so and connections fail', async () => {
    const { target } = await ensureLocalCluster(root, database, recordingContext(root));
    assert.deepEqual(await stopLocalCluster(root, recordingContext(root)), { stopped: true });
    const s = await localClusterStatus(root, database, recordingContext(root));
    assert.equal(s.running, false);
    assert.equal(s.port, state.port);
    assert.equal(s.uptimeSeconds, undefined);
    assert.equal(existsSync(join(localClusterPaths(root).dataDir, 'postmaster.pid')), false);
    await assert.rejects(connect(target), (e: unknown) => e instanceof PglcError && e.code === 'server-unreachable');
    assert.deepEqual(await stopLocalCluster(root, recordingContext(root)), { stopped: false });
  });

  it('moves to a free port when its own was taken while stopped, keeping the data', async () => {
    let { target } = await ensureLocalCluster(root, database, recordingContext(root));
    await withConnection(target, {}, (c) => c.query('CREATE TABLE kept (id int); INSERT INTO kept VALUES (42)'));
    await stopLocalCluster(root, recordingContext(root));

    const blocker = await listenOn(state.port);
    try {
      const ctx = recordingContext(root);
      const r = await ensureLocalCluster(root, database, ctx);
      target = r.target;
      assert.equal(r.started, true);
      assert.notEqual(r.state.port, state.port);
      const warned = ctx.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes(`Port ${state.port} is in use`));
      assert.ok(warned, JSON.stringify(ctx.events));
      const saved = JSON.parse(readFileSync(localClusterPaths(root).stateFile, 'utf8')) as LocalClusterState;
      assert.equal(saved.port, r.state.port);
      const autoConf = readFileSync(join(localClusterPaths(root).dataDir, 'postgresql.auto.conf'), 'utf8');
      assert.deepEqual(autoConf.match(/^port = .*$/gm), [`port = ${r.state.port}`]);
      const kept = await withConnection(target, {}, async (c) => (await c.query<{ id: number }>('SELECT id FROM kept')).rows);
      assert.deepEqual(kept, [{ id: 42 }]);
      const tcp = localClusterTcpTarget(root, r.state, database)!;
      await withConnection(tcp, {}, (c) => c.query('select 1'));
      state = r.state;
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('sets a new password when the password file was deleted', async () => {
    const paths = localClusterPaths(root);
    const old = readFileSync(paths.passwordFile, 'utf8').trim();
    rmSync(paths.passwordFile);
    const ctx = recordingContext(root);
    const r = await ensureLocalCluster(root, database, ctx);
    const fresh = readFileSync(paths.passwordFile, 'utf8').trim();
    assert.notEqual(fresh, old);
    assert.equal(statSync(paths.passwordFile).mode & 0o777, 0o600);
    assert.ok(ctx.events.some((e) => e.type === 'log' && e.level === 'warn' && /password file was missing/.test(e.message)));
    assert.ok(!JSON.stringify(ctx.events).includes(fresh));
    await withConnection(localClusterTcpTarget(root, r.state, database)!, {}, (c) => c.query('select 1'));
    await assert.rejects(connect({ ...localClusterTcpTarget(root, r.state, database)!, password: old }), (e: unknown) => e instanceof PglcError && e.code === 'auth-failed');
  });
});

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}
