// Creates, starts and stops a PostgreSQL cluster directory with the real initdb / pg_ctl.
// Shared by the embedded local environment (local-cluster.ts) and the test harness, so the
// code that tests rely on is the code users run.
// Invariants: settings go into postgresql.auto.conf, never through pg_ctl -o (a shell string);
// under root the server binaries run as the `postgres` OS user, which owns the directories.

import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { PglcError } from '../errors';
import { runProcess, runningAsRoot } from '../process/run-process';

export interface ClusterSpec {
  binDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  /** Superuser role created by initdb. */
  superuser: string;
  /** Password of the superuser for TCP (scram-sha-256); sockets use trust. */
  password: string;
  /** Extra postgresql.conf settings (e.g. { fsync: 'off' }). */
  settings?: Record<string, string>;
  /** Listen on 127.0.0.1 as well as the socket. */
  tcp?: boolean;
  logFile: string;
}

/** OS user that runs the server: the current one, or `postgres` when we are root. */
export function serverOsUser(): string | undefined {
  if (!runningAsRoot()) return undefined;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return 'postgres';
  } catch {
    throw new PglcError('local-cluster-failed', {
      what: 'Cannot run PostgreSQL as root',
      why: 'PostgreSQL refuses to run as root and there is no `postgres` OS user to run it as',
      fix: 'Run pglc as a normal user, or create the user: useradd --system postgres',
    });
  }
}

function giveTo(user: string | undefined, path: string): void {
  if (!user) return;
  const uid = Number(execFileSync('id', ['-u', user]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', user]).toString().trim());
  chownSync(path, uid, gid);
}

/** initdb into spec.dataDir (which must not exist or be empty) and write our settings. */
export async function initCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<void> {
  const user = serverOsUser();
  for (const d of [spec.dataDir, spec.socketDir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    giveTo(user, d);
  }
  const pwfile = join(spec.socketDir, '.initdb-pw');
  writeFileSync(pwfile, spec.password + '\n', { mode: 0o600 });
  giveTo(user, pwfile);
  try {
    const r = await runProcess(
      join(spec.binDir, 'initdb'),
      ['-D', spec.dataDir, '-U', spec.superuser, '--pwfile', pwfile, '--auth-local=trust', '--auth-host=scram-sha-256',
        '-E', 'UTF8', '--locale=C', '--no-sync'],
      { asUser: user, signal, env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' } },
    );
    if (r.code !== 0) {
      throw new PglcError('local-cluster-failed', {
        what: 'initdb failed',
        why: lastLines(r.stderr || r.stdout),
        fix: `Check that ${spec.dataDir} is writable and empty, then run the command again.`,
      });
    }
  } finally {
    rmSync(pwfile, { force: true });
  }
  const settings: Record<string, string> = {
    port: String(spec.port),
    unix_socket_directories: `'${spec.socketDir}'`,
    listen_addresses: spec.tcp ? `'127.0.0.1'` : `''`,
    ...spec.settings,
  };
  appendFileSync(
    join(spec.dataDir, 'postgresql.auto.conf'),
    Object.entries(settings).map(([k, v]) => `${k} = ${v}\n`).join(''),
  );
}

/** Start and wait until the server accepts connections. */
export async function startCluster(spec: ClusterSpec, signal?: AbortSignal): Promise<void> {
  const user = serverOsUser();
  if (!existsSync(spec.logFile)) writeFileSync(spec.logFile, '');
  giveTo(user, spec.logFile);
  if (existsSync(spec.socketDir)) giveTo(user, spec.socketDir);
  else {
    mkdirSync(spec.socketDir, { recursive: true, mode: 0o700 });
    giveTo(user, spec.socketDir);
  }
  chmodSync(spec.socketDir, 0o755);
  const r = await runProcess(join(spec.binDir, 'pg_ctl'), ['-D', spec.dataDir, '-l', spec.logFile, '-w', '-t', '60', 'start'], {
    asUser: user,
    signal,
    env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
  });
  if (r.code !== 0) {
    throw new PglcError('local-cluster-failed', {
      what: 'The local PostgreSQL server did not start',
      why: lastLines(r.stderr || r.stdout) || 'pg_ctl reported a failure',
      fix: `Read the server log at ${spec.logFile}; if the port is taken, run \`pglc db start\` again to pick a free one.`,
    });
  }
}

/** Fast shutdown (rolls back open transactions, then stops). No-op when not running. */
export async function stopCluster(spec: Pick<ClusterSpec, 'binDir' | 'dataDir'>, signal?: AbortSignal): Promise<boolean> {
  const r = await runProcess(join(spec.binDir, 'pg_ctl'), ['-D', spec.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], {
    asUser: serverOsUser(),
    signal,
    env: { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C' },
  });
  return r.code === 0;
}

function lastLines(text: string, n = 5): string {
  return text.trim().split('\n').slice(-n).join('\n');
}
