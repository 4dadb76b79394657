// The files of the embedded local cluster under <root>/.pglc/local: where they are, the state
// JSON pglc keeps beside the data directory, the superuser's password file, and what the server
// itself writes (postmaster.pid) or reads (postgresql.auto.conf).
// Invariants: the state and password files are replaced atomically (write + rename); the
// password file is mode 0600 and its content never leaves this machine's files (no argv, no logs).

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync, closeSync, fsyncSync, openSync, statSync } from 'node:fs';
import { runningAsRoot } from '../process/run-process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface LocalClusterPaths {
  /** <root>/.pglc/local */
  dir: string;
  dataDir: string;
  /** cluster.json: the LocalClusterState. */
  stateFile: string;
  /** Exclusive lock held while starting, creating or stopping. */
  lockFile: string;
  logFile: string;
  /** The superuser's password for TCP connections (mode 0600). */
  passwordFile: string;
}

export interface LocalClusterState {
  port: number;
  socketDir: string;
  binDir: string;
  /** Version of the server binaries, e.g. "15.18". */
  version: string;
  /** Postmaster pid at the last start by pglc. */
  pid?: number;
  startedAt?: string;
  superuser: string;
}

export const LOCAL_SUPERUSER = 'postgres';

/** @example localClusterPaths('/home/me/app').dataDir === '/home/me/app/.pglc/local/data' */
export function localClusterPaths(projectRoot: string): LocalClusterPaths {
  const dir = join(resolve(projectRoot), '.pglc', 'local');
  return {
    dir,
    dataDir: join(dir, 'data'),
    stateFile: join(dir, 'cluster.json'),
    lockFile: join(dir, 'cluster.lock'),
    logFile: join(dir, 'server.log'),
    passwordFile: join(dir, 'password'),
  };
}

/**
 * The unix-socket directory of a project's cluster. Socket paths are limited to ~107 bytes,
 * so it lives under the temp dir, named by a hash of the project root (one per project).
 */
export function localSocketDir(projectRoot: string): string {
  const hash = createHash('sha256').update(resolve(projectRoot)).digest('hex').slice(0, 12);
  return join(socketBase(), `pglc-${hash}`);
}

/**
 * The temp dir, unless the server runs as another OS user (we are root) and cannot enter it: a
 * private TMPDIR (mode 0700, as systemd's PrivateTmp or some CI runners set) would make every
 * start fail, so the socket goes to /tmp, which every user can traverse.
 */
export function socketBase(dir = tmpdir(), asRoot = runningAsRoot()): string {
  if (!asRoot) return dir;
  try {
    if ((statSync(dir).mode & 0o001) !== 0) return dir;
  } catch {
    // an unreadable or missing TMPDIR: /tmp below
  }
  return '/tmp';
}

export function readState(paths: LocalClusterPaths): LocalClusterState | undefined {
  if (!existsSync(paths.stateFile)) return undefined;
  try {
    const s = JSON.parse(readFileSync(paths.stateFile, 'utf8')) as Partial<LocalClusterState>;
    if (typeof s.port !== 'number' || typeof s.socketDir !== 'string') return undefined;
    return {
      port: s.port,
      socketDir: s.socketDir,
      binDir: typeof s.binDir === 'string' ? s.binDir : '',
      version: typeof s.version === 'string' ? s.version : '',
      pid: typeof s.pid === 'number' ? s.pid : undefined,
      startedAt: typeof s.startedAt === 'string' ? s.startedAt : undefined,
      superuser: typeof s.superuser === 'string' ? s.superuser : LOCAL_SUPERUSER,
    };
  } catch {
    return undefined;
  }
}

export function writeState(paths: LocalClusterPaths, state: LocalClusterState): void {
  atomicWrite(paths.stateFile, JSON.stringify(state, null, 2) + '\n', 0o644);
}

/** A new random superuser password (URL-safe, so it can go into a connection URL as is). */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

export function readPassword(paths: LocalClusterPaths): string | undefined {
  try {
    const p = readFileSync(paths.passwordFile, 'utf8').trim();
    return p || undefined;
  } catch {
    return undefined;
  }
}

export function writePassword(paths: LocalClusterPaths, password: string): void {
  atomicWrite(paths.passwordFile, password + '\n', 0o600);
}

/**
 * A SCRAM-SHA-256 verifier for ALTER ROLE … PASSWORD, so a reset password never reaches the
 * server (or its log) in clear text. Same format as libpq's PQencryptPasswordConn.
 */
export function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** True once initdb has completed into dataDir (it was renamed into place only after). */
export function isInitialized(paths: LocalClusterPaths): boolean {
  return existsSync(join(paths.dataDir, 'PG_VERSION'));
}

/** Major version the data directory was created by (PG_VERSION: "15", or "9.6"). */
export function dataDirMajor(dataDir: string): number {
  return Math.floor(Number(readFileSync(join(dataDir, 'PG_VERSION'), 'utf8').trim()));
}

export interface PostmasterPid {
  pid: number;
  /** Start time (the file's line 3, epoch seconds). */
  startedAt?: Date;
  port?: number;
  socketDir?: string;
  /** "starting", "ready", "stopping", "standby" (line 8), when written. */
  status?: string;
}

/** Reads <dataDir>/postmaster.pid, the running server's own account of itself. */
export function readPostmasterPid(dataDir: string): PostmasterPid | undefined {
  let text: string;
  try {
    text = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const epoch = Number(lines[2]);
  const port = Number(lines[3]);
  return {
    pid,
    startedAt: Number.isFinite(epoch) && epoch > 0 ? new Date(epoch * 1000) : undefined,
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    socketDir: lines[4]?.trim().split(',')[0]?.trim() || undefined,
    status: lines[7]?.trim() || undefined,
  };
}

/** The pid in a PostgreSQL lock file (postmaster.pid or .s.PGSQL.<port>.lock), if readable. */
export function lockFilePid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** The last value of `key` in postgresql.auto.conf (raw, quotes included). */
export function autoConfValue(dataDir: string, key: string): string | undefined {
  const file = join(dataDir, 'postgresql.auto.conf');
  if (!existsSync(file)) return undefined;
  let value: string | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*(.*?)\\s*$`).exec(line);
    if (m) value = m[1];
  }
  return value;
}

/**
 * Sets settings in postgresql.auto.conf, replacing earlier lines for the same keys. Written in
 * place (not renamed) so the file keeps its owner, the server's OS user, for ALTER SYSTEM.
 * Returns whether the file changed.
 */
export function setAutoConf(dataDir: string, settings: Record<string, string>): boolean {
  const keys = Object.keys(settings);
  if (keys.every((k) => autoConfValue(dataDir, k) === settings[k])) return false;
  const file = join(dataDir, 'postgresql.auto.conf');
  const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const kept = before.split('\n').filter((line) => !keys.some((k) => new RegExp(`^\\s*${k}\\s*=`).test(line)));
  while (kept.length && kept[kept.length - 1] === '') kept.pop();
  const after = [...kept, ...keys.map((k) => `${k} = ${settings[k]}`)].join('\n') + '\n';
  if (after === before) return false;
  writeFileSync(file, after);
  return true;
}

/** A string setting's value as postgresql.conf wants it: single-quoted, quotes doubled. */
export function confString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function atomicWrite(file: string, content: string, mode: number): void {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  writeFileSync(tmp, content, { mode });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}
