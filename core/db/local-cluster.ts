// The embedded local PostgreSQL: the cluster pglc owns for the `local` environment without a
// URL (data in <root>/.pglc/local/data, socket in the temp dir, 127.0.0.1 on a kept port).
// Invariants: only one process at a time initializes, starts or stops it (a lock file); initdb
// runs into a temporary directory that is renamed into place only when complete, so a data
// directory is never half-made; fsync stays on (this is a user's data); the superuser
// password lives in .pglc/local/password (0600) and in returned connection targets only —
// never in argv, logs, events or the state file.

import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, unlinkSync, lstatSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { pgDriver } from './pg-driver';
import type { DbStatusResult } from '../../protocol/index';
import { PglcError, isPglcError, throwIfAborted } from '../errors';
import { note, progress, type OperationContext } from '../operation-context';
import { runProcess, runningAsRoot } from '../process/run-process';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { initCluster, serverOsUser, startCluster, stopCluster, type ClusterSpec } from './cluster-process';
import { withConnection } from './connect';
import type { ConnectionTarget } from './connection-target';
import { prepareServerBinDir, resolveServerBinDir } from './local-cluster-binaries';
import { pause, processAlive, withLockFile } from './local-cluster-lock';
import { freePort, portIsFree } from './local-cluster-port';
import {
  LOCAL_SUPERUSER, autoConfValue, confString, dataDirMajor, generatePassword, isInitialized, localClusterPaths,
  localSocketDir, lockFilePid, readPassword, readPostmasterPid, readState, scramVerifier, setAutoConf, writePassword,
  writeState, type LocalClusterPaths, type LocalClusterState, type PostmasterPid,
} from './local-cluster-state';
import { findServerBinDir, toolVersion } from './pg-binaries';

export { localClusterPaths, localSocketDir, type LocalClusterPaths, type LocalClusterState } from './local-cluster-state';

/** Settings of a development cluster. fsync is deliberately not among them: it stays on. */
const DEV_SETTINGS: Record<string, string> = {
  max_connections: '50',
  shared_buffers: "'128MB'",
  log_min_messages: 'warning',
  unix_socket_permissions: '0700',
};

const DEFAULT_LOCK_TIMEOUT_MS = 120_000;
const SETTLE_TIMEOUT_MS = 60_000;

export interface EnsureOptions {
  /** How long to wait for another pglc holding the cluster's lock (default 120 s). */
  lockTimeoutMs?: number;
}

export interface LocalClusterStatus extends NonNullable<DbStatusResult['local']> {
  /** False until the first `ensureLocalCluster` ran initdb. */
  initialized: boolean;
  version?: string;
  uptimeSeconds?: number;
  /** Size of `database`, when it exists and the server runs. */
  sizeBytes?: number;
  databaseExists?: boolean;
}

/**
 * Starts the project's local cluster if needed (initdb on first use), creates `database` if
 * missing, and returns where to connect (the unix socket; the password also works over TCP).
 * @example
 * const { target } = await ensureLocalCluster(root, 'app', ctx);
 * await withConnection(target, {}, (c) => c.query('select 1'));
 */
export async function ensureLocalCluster(
  projectRoot: string,
  database: string,
  ctx: OperationContext,
  opts: EnsureOptions = {},
): Promise<{ target: ConnectionTarget; state: LocalClusterState; started: boolean }> {
  checkDatabaseName(database);
  const paths = localClusterPaths(projectRoot);
  prepareClusterDir(paths);
  return withLockFile(
    paths.lockFile,
    ctx,
    { timeoutMs: opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, waitMessage: 'Waiting for another pglc to start the local database…' },
    async () => {
      let state: LocalClusterState;
      let started = false;
      if (!isInitialized(paths)) {
        state = await initLocal(projectRoot, paths, ctx);
      } else {
        state = readState(paths) ?? reconstructState(projectRoot, paths);
      }
      const running = await findRunning(paths, ctx);
      if (running) {
        state = adoptRunning(paths, state, running);
      } else {
        state = await startLocal(projectRoot, paths, state, ctx);
        started = true;
      }
      let password = readPassword(paths);
      const admin: ConnectionTarget = {
        host: state.socketDir, port: state.port, database: 'postgres', user: state.superuser, sslmode: 'disable',
      };
      await withConnection(admin, { applicationName: 'pglc' }, async (c) => {
        if (!password) {
          // The password file was deleted: set a new one (as a SCRAM verifier, never in clear).
          password = generatePassword();
          await c.query(`ALTER ROLE ${quoteIdent(state.superuser)} WITH PASSWORD ${quoteLiteral(scramVerifier(password))}`);
          writePassword(paths, password);
          note(ctx, `The local database's password file was missing; a new password was written to ${paths.passwordFile}`, 'warn');
        }
        const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
        if (!exists.rowCount) {
          progress(ctx, 'cluster.create-db', `Creating database "${database}" on the local PostgreSQL…`);
          await c.query(`CREATE DATABASE ${quoteIdent(database)}`);
        }
      });
      const target: ConnectionTarget = { ...admin, database, password };
      return { target, state, started };
    },
  );
}

/**
 * The same database over TCP on 127.0.0.1 with the stored password — what an application's
 * DATABASE_URL points at. Undefined when the password file is missing.
 * @example const t = localClusterTcpTarget(root, state, 'app'); // { host: '127.0.0.1', port: state.port, … }
 */
export function localClusterTcpTarget(projectRoot: string, state: LocalClusterState, database: string): ConnectionTarget | undefined {
  const password = readPassword(localClusterPaths(projectRoot));
  if (!password) return undefined;
  return { host: '127.0.0.1', port: state.port, database, user: state.superuser, password, sslmode: 'disable' };
}

/**
 * Stops the local cluster (fast shutdown: open transactions roll back). No-op when it is not running.
 * @example const { stopped } = await stopLocalCluster(root, ctx);
 */
export async function stopLocalCluster(projectRoot: string, ctx: OperationContext, opts: EnsureOptions = {}): Promise<{ stopped: boolean }> {
  const paths = localClusterPaths(projectRoot);
  if (!isInitialized(paths)) return { stopped: false };
  return withLockFile(
    paths.lockFile,
    ctx,
    { timeoutMs: opts.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS, waitMessage: 'Waiting for another pglc to finish with the local database…' },
    async () => {
      const pm = readPostmasterPid(paths.dataDir);
      if (!pm || !processAlive(pm.pid)) return { stopped: false };
      const state = readState(paths) ?? reconstructState(projectRoot, paths);
      const { binDir } = await resolveServerBinDir(ctx.env, dataDirMajor(paths.dataDir), state.binDir || undefined);
      progress(ctx, 'cluster.stop', 'Stopping the local PostgreSQL…');
      if (!(await stopCluster({ binDir, dataDir: paths.dataDir }, ctx.signal))) {
        throw new PglcError('local-cluster-failed', {
          what: 'The local PostgreSQL did not stop',
          why: 'pg_ctl stop failed or timed out',
          fix: `Read the server log at ${paths.logFile}; run \`pglc db stop\` again.`,
        });
      }
      writeState(paths, { ...state, pid: undefined, startedAt: undefined });
      return { stopped: true };
    },
  );
}

/**
 * Whether the local cluster runs, where, and (when it does) its version, uptime and the size of `database`.
 * Never starts anything.
 * @example const s = await localClusterStatus(root, 'app', ctx); s.running && s.uptimeSeconds
 */
export async function localClusterStatus(projectRoot: string, database: string, ctx: OperationContext): Promise<LocalClusterStatus> {
  const paths = localClusterPaths(projectRoot);
  const state = readState(paths);
  const base: LocalClusterStatus = {
    dataDir: paths.dataDir,
    port: state?.port ?? 0,
    socketDir: state?.socketDir ?? localSocketDir(projectRoot),
    running: false,
    initialized: isInitialized(paths),
    version: state?.version || undefined,
  };
  if (!base.initialized) return base;
  const pm = await findRunning(paths, ctx, { restartIfDeaf: false });
  if (!pm?.port || !pm.socketDir) return base;
  const target: ConnectionTarget = {
    host: pm.socketDir, port: pm.port, database: 'postgres', user: state?.superuser ?? LOCAL_SUPERUSER, sslmode: 'disable',
  };
  return withConnection(target, { applicationName: 'pglc' }, async (c) => {
    const r = await c.query<{ version: string; uptime: string; size: string | null; exists: boolean }>(
      `SELECT current_setting('server_version') AS version,
              extract(epoch FROM now() - pg_postmaster_start_time())::float8 AS uptime,
              (SELECT pg_database_size(oid) FROM pg_database WHERE datname = $1) AS size,
              EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists`,
      [database],
    );
    const row = r.rows[0]!;
    return {
      ...base,
      port: pm.port!,
      socketDir: pm.socketDir!,
      pid: pm.pid,
      running: true,
      version: row.version.split(' ')[0],
      uptimeSeconds: Math.max(0, Math.floor(Number(row.uptime))),
      sizeBytes: row.size === null ? undefined : Number(row.size),
      databaseExists: row.exists,
    };
  });
}

// ---------------------------------------------------------------------------------------------

function checkDatabaseName(database: string): void {
  if (!database || Buffer.byteLength(database) > 63 || database.includes('\0')) {
    throw new PglcError('config-invalid', {
      what: `"${database}" cannot be the local database's name`,
      why: 'PostgreSQL database names are 1 to 63 bytes long',
      fix: 'Set [environments.local] database = "…" in pglc.toml to a shorter name.',
    });
  }
}

/**
 * Creates .pglc/local. Under root the server runs as `postgres`, which must be able to reach
 * the data directory and the log inside it, so the folders get o+x (traverse, not list).
 */
function prepareClusterDir(paths: LocalClusterPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  if (runningAsRoot()) {
    for (const d of [dirname(paths.dir), paths.dir]) {
      const mode = statSync(d).mode & 0o7777;
      if ((mode & 0o011) !== 0o011) chmodSync(d, mode | 0o011);
    }
  }
}

/** Under root: fails early, with a fix, when the `postgres` user cannot reach .pglc/local. */
async function checkServerCanReach(paths: LocalClusterPaths, ctx: OperationContext): Promise<void> {
  const user = serverOsUser();
  if (!user) return;
  const r = await runProcess('test', ['-x', paths.dir], { asUser: user, signal: ctx.signal, env: { PATH: ctx.env.PATH } });
  if (r.code !== 0) {
    throw new PglcError('local-cluster-failed', {
      what: 'The local PostgreSQL cannot use the project folder',
      why: `pglc runs as root, so the server runs as the \`${user}\` user, which cannot reach ${paths.dir} (a parent folder is not traversable)`,
      fix: `Run pglc as a normal user, or allow traversal of the project's parent folders (chmod o+x on each), or use an environment with a URL.`,
    });
  }
}

/**
 * The socket dir must be ours: a directory (not a symlink) owned by us or, under root, by the
 * server's OS user — otherwise another local user could stand in for the server.
 */
function checkSocketDir(socketDir: string): void {
  let st;
  try {
    st = lstatSync(socketDir);
  } catch {
    return; // created by initCluster/startCluster
  }
  const me = process.getuid?.();
  const allowed = new Set<number>();
  if (me !== undefined) allowed.add(me);
  const user = serverOsUser();
  if (user) allowed.add(Number(execFileSync('id', ['-u', user]).toString().trim()));
  if (!st.isDirectory() || st.isSymbolicLink() || (me !== undefined && !allowed.has(st.uid))) {
    throw new PglcError('local-cluster-failed', {
      what: `The local PostgreSQL's socket directory ${socketDir} is not pglc's`,
      why: 'it exists but is not a directory owned by you (or by the server user)',
      fix: `Remove ${socketDir} (check who created it) and run the command again.`,
    });
  }
}

async function initLocal(projectRoot: string, paths: LocalClusterPaths, ctx: OperationContext): Promise<LocalClusterState> {
  if (existsSync(paths.dataDir) && readdirSync(paths.dataDir).length > 0) {
    throw new PglcError('local-cluster-failed', {
      what: `${paths.dataDir} is not a PostgreSQL data directory`,
      why: 'it is not empty but has no PG_VERSION file',
      fix: `Move ${paths.dataDir} away (it may hold something you need) and run the command again to create a new local database.`,
    });
  }
  await checkServerCanReach(paths, ctx);
  progress(ctx, 'cluster.init', 'Creating the local PostgreSQL cluster (initdb)…');
  const binDir = await prepareServerBinDir(await findServerBinDir(ctx.env), join(paths.dir, 'pg'), ctx);
  const version = (await toolVersion(join(binDir, 'postgres'))).full;
  // Leftovers of an initdb that was interrupted: never a cluster anyone used.
  for (const entry of readdirSync(paths.dir)) {
    if (entry.startsWith('data.init-')) rmSync(join(paths.dir, entry), { recursive: true, force: true });
  }
  rmSync(paths.dataDir, { recursive: true, force: true }); // empty, checked above
  const tmpData = join(paths.dir, `data.init-${process.pid}`);
  const socketDir = localSocketDir(projectRoot);
  checkSocketDir(socketDir);
  const password = generatePassword();
  writePassword(paths, password);
  const port = await freePort();
  const spec: ClusterSpec = {
    binDir, dataDir: tmpData, socketDir, port, superuser: LOCAL_SUPERUSER, password, tcp: true, logFile: paths.logFile,
    settings: DEV_SETTINGS,
  };
  try {
    await initCluster(spec, ctx.signal);
    throwIfAborted(ctx.signal, 'Creating the local database');
    // initCluster runs initdb --no-sync (fine for throwaway test clusters); this one holds a
    // user's data, so flush it before it becomes the data directory.
    const sync = await runProcess(join(binDir, 'initdb'), ['--sync-only', '-D', tmpData], {
      asUser: serverOsUser(), signal: ctx.signal, env: { PATH: ctx.env.PATH, LANG: 'C', LC_ALL: 'C' },
    });
    if (sync.code !== 0) {
      throw new PglcError('local-cluster-failed', {
        what: 'Could not flush the new local database to disk',
        why: (sync.stderr || sync.stdout).trim() || `initdb --sync-only exited with ${sync.code}`,
        fix: `Check the disk holding ${paths.dir} and run the command again.`,
      });
    }
    renameSync(tmpData, paths.dataDir);
    fsyncDir(paths.dir);
  } catch (e) {
    rmSync(tmpData, { recursive: true, force: true });
    throw e;
  }
  const state: LocalClusterState = { port, socketDir, binDir, version, superuser: LOCAL_SUPERUSER };
  writeState(paths, state);
  return state;
}

/** State for a data directory whose cluster.json was lost: what the data directory itself says. */
function reconstructState(projectRoot: string, paths: LocalClusterPaths): LocalClusterState {
  const port = Number(autoConfValue(paths.dataDir, 'port') ?? '');
  return {
    port: Number.isInteger(port) && port > 0 ? port : 5432,
    socketDir: localSocketDir(projectRoot),
    binDir: '',
    version: '',
    superuser: LOCAL_SUPERUSER,
  };
}

/** A running server is the truth about its port and socket; the state file follows it. */
function adoptRunning(paths: LocalClusterPaths, state: LocalClusterState, pm: PostmasterPid): LocalClusterState {
  const next: LocalClusterState = {
    ...state,
    port: pm.port ?? state.port,
    socketDir: pm.socketDir ?? state.socketDir,
    pid: pm.pid,
    startedAt: pm.startedAt?.toISOString() ?? state.startedAt,
  };
  if (JSON.stringify(next) !== JSON.stringify(state)) writeState(paths, next);
  return next;
}

/**
 * The running server's postmaster.pid, or undefined when none runs. Waits while it is starting
 * or shutting down. A live postmaster that no longer answers on its socket (the temp dir was
 * cleaned) is stopped so that the caller starts it afresh (when restartIfDeaf).
 */
async function findRunning(
  paths: LocalClusterPaths,
  ctx: OperationContext,
  opts: { restartIfDeaf: boolean } = { restartIfDeaf: true },
): Promise<PostmasterPid | undefined> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    throwIfAborted(ctx.signal, 'Checking the local PostgreSQL');
    const pm = readPostmasterPid(paths.dataDir);
    if (!pm || !processAlive(pm.pid)) return undefined;
    let transient = pm.status === 'starting' || pm.status === 'stopping' || !pm.port || !pm.socketDir;
    if (pm.port && pm.socketDir) {
      const code = await probeSocket(pm.socketDir, pm.port);
      // Any SQLSTATE other than "cannot connect now" means a server answered (e.g. an auth rule).
      if (code === 'ok' || (/^[0-9A-Z]{5}$/.test(code) && code !== '57P03')) return pm;
      transient ||= code === '57P03';
      if (!transient) {
        if (!(await looksLikePostgres(pm.pid))) return undefined; // pid reused: postmaster.pid is stale
        if (!opts.restartIfDeaf) return undefined;
        note(ctx, 'The local PostgreSQL runs but its socket is gone (was the temp folder cleaned?); restarting it', 'warn');
        const state = readState(paths);
        const { binDir } = await resolveServerBinDir(ctx.env, dataDirMajor(paths.dataDir), state?.binDir || undefined);
        if (!(await stopCluster({ binDir, dataDir: paths.dataDir }, ctx.signal))) {
          throw new PglcError('local-cluster-failed', {
            what: 'The local PostgreSQL runs but cannot be reached or restarted',
            why: `its socket in ${pm.socketDir} is gone and pg_ctl stop failed`,
            fix: `Stop the server (pid ${pm.pid}) yourself, then run the command again; the server log is ${paths.logFile}.`,
          });
        }
        continue;
      }
    }
    if (Date.now() > deadline) {
      throw new PglcError('local-cluster-failed', {
        what: 'The local PostgreSQL did not become ready',
        why: `it was still ${pm.status === 'stopping' ? 'shutting down' : 'starting'} after ${SETTLE_TIMEOUT_MS / 1000} s`,
        fix: `Read the server log at ${paths.logFile}, then run the command again.`,
      });
    }
    await pause(100, ctx.signal);
  }
}

/** 'ok' when a connection over the socket succeeds, else the error code (ENOENT, ECONNREFUSED, 57P03…). */
async function probeSocket(socketDir: string, port: number): Promise<string> {
  const c = new (pgDriver().Client)({
    host: socketDir, port, user: LOCAL_SUPERUSER, database: 'postgres', application_name: 'pglc', connectionTimeoutMillis: 5_000,
  });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return 'ok';
  } catch (e) {
    return (e as { code?: string }).code ?? 'error';
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Whether pid runs a PostgreSQL server binary (guards against signalling a reused pid). */
async function looksLikePostgres(pid: number): Promise<boolean> {
  try {
    return /postgres|postmaster/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    if (existsSync('/proc/self')) return false; // Linux: no such process any more
  }
  const r = await runProcess('ps', ['-p', String(pid), '-o', 'comm=']).catch(() => undefined);
  return !!r && /postgres|postmaster/.test(r.stdout);
}

async function startLocal(
  projectRoot: string,
  paths: LocalClusterPaths,
  state: LocalClusterState,
  ctx: OperationContext,
): Promise<LocalClusterState> {
  await checkServerCanReach(paths, ctx);
  const resolved = await resolveServerBinDir(ctx.env, dataDirMajor(paths.dataDir), state.binDir || undefined);
  const binDir = await prepareServerBinDir(resolved.binDir, join(paths.dir, 'pg'), ctx);
  const socketDir = localSocketDir(projectRoot);
  checkSocketDir(socketDir);
  let port = state.port;
  if (!(await portIsFree(port))) port = await movePort(ctx, port);
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(ctx.signal, 'Starting the local database');
    clearStaleServerLocks(paths.dataDir, socketDir, port);
    setAutoConf(paths.dataDir, { port: String(port), unix_socket_directories: confString(socketDir) });
    // Saved before starting, so that a crash from here on still finds the port in use.
    writeState(paths, { ...state, port, socketDir, binDir, version: resolved.version, pid: undefined, startedAt: undefined });
    progress(ctx, 'cluster.start', 'Starting the local PostgreSQL…');
    const logStart = fileSize(paths.logFile);
    const spec: ClusterSpec = {
      binDir, dataDir: paths.dataDir, socketDir, port, superuser: state.superuser, password: '', tcp: true, logFile: paths.logFile,
    };
    try {
      await startCluster(spec, ctx.signal);
      break;
    } catch (e) {
      if (!isPglcError(e) || ctx.signal?.aborted) throw e;
      const log = readFrom(paths.logFile, logStart);
      if (attempt < 4 && !(await portIsFree(port))) {
        // Someone took the port between our check and the server's bind.
        port = await movePort(ctx, port);
        continue;
      }
      // After a crash the dead postmaster's children may hold its shared memory for a moment.
      if (Date.now() < deadline && /still in use|lock file .* already exists/i.test(log)) {
        await pause(250, ctx.signal);
        continue;
      }
      throw new PglcError('local-cluster-failed', {
        what: e.what,
        why: lastLines(log) || e.why,
        fix: e.fix,
        details: { logFile: paths.logFile },
      });
    }
  }
  const pm = readPostmasterPid(paths.dataDir);
  const next: LocalClusterState = {
    ...state,
    port,
    socketDir,
    binDir,
    version: resolved.version,
    pid: pm?.pid,
    startedAt: (pm?.startedAt ?? new Date()).toISOString(),
  };
  writeState(paths, next);
  return next;
}

async function movePort(ctx: OperationContext, taken: number): Promise<number> {
  const port = await freePort();
  note(ctx, `Port ${taken} is in use by another program; the local PostgreSQL now listens on port ${port} (update URLs that point at it)`, 'warn');
  return port;
}

/**
 * Removes postmaster.pid and the socket's lock file when the process they name is gone (or a
 * zombie nobody reaped: PostgreSQL would take it for a live postmaster and refuse to start).
 * A live pid is left alone. Shared memory still attached by old backends is PostgreSQL's own
 * check, which the start loop waits out.
 */
function clearStaleServerLocks(dataDir: string, socketDir: string, port: number): void {
  for (const file of [join(dataDir, 'postmaster.pid'), join(socketDir, `.s.PGSQL.${port}.lock`)]) {
    const pid = lockFilePid(file);
    if (pid !== undefined && !processAlive(pid)) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
