// Shared plumbing of the real-VS Code test runs (scripts/run-extension-tests.ts,
// scripts/run-ui-tests.ts, test/ui/**): the tools in `.tools/`, a per-run folder that isolates
// HOME / XDG_* / TMPDIR, the VS Code server (the one bundled in code-server, or code-server
// itself) on a free loopback port, VSIX installation and a headless Debian Chromium.
// Invariants: nothing these tools write lands outside the run folder (and its short TMPDIR,
// removed with the run); a server is started detached in its own process group and `stop()` (or
// the runner's exit) kills the whole group; readiness is waited for by polling the HTTP port with
// a deadline, never by a fixed sleep; no marketplace or update traffic (the machines are offline).
// See shared/notes/testing-in-real-vscode.md for why it is done this way.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { createTestDatabase, testCluster, type TestDatabase } from '../test/harness/database';
import { startTestCluster, stopTestCluster, type TestClusterInfo } from '../test/harness/test-cluster';
import { freePort } from '../core/db/local-cluster-port';

export const ROOT = join(__dirname, '..');

export interface ToolPaths {
  /** Node 24 from npm (code-server and vsce need it). */
  node: string;
  /** code-server's CLI entry. */
  codeServer: string;
  /** The VS Code server bundled in code-server (accepts --enable-smoke-test-driver). */
  serverMain: string;
  vsce: string;
  testElectron: string;
}

export function toolPaths(root = ROOT): ToolPaths {
  const tools = join(root, '.tools');
  return {
    node: join(tools, 'node/node_modules/node/bin/node'),
    codeServer: join(tools, 'node_modules/code-server/out/node/entry.js'),
    serverMain: join(tools, 'node_modules/code-server/lib/vscode/out/server-main.js'),
    vsce: join(tools, 'node_modules/@vscode/vsce/vsce'),
    testElectron: join(tools, 'node_modules/@vscode/test-electron'),
  };
}

/** The tool paths, or an error that says how to install them. */
export function requireTools(...which: (keyof ToolPaths)[]): ToolPaths {
  const paths = toolPaths();
  const missing = which.filter((k) => !existsSync(paths[k]));
  if (missing.length) {
    throw new Error(
      `the real-VS Code tools are not installed (${missing.join(', ')} missing in .tools/) — run \`npm run tools\` first (a few minutes, once)`,
    );
  }
  return paths;
}

/** A per-run folder under test-results/<kind>/ and the environment that confines tools to it. */
export interface RunDir {
  root: string;
  /**
   * The run's TMPDIR: a short folder in the system temp dir, because Chromium and VS Code put
   * unix sockets there and a socket path may not exceed 107 bytes. Removed by `dispose()`, with
   * the browser profiles.
   */
  tmp: string;
  /** process.env with HOME and XDG_* pointing inside `root`, TMPDIR at `tmp`. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

const KEEP_RUNS = 3;

/** Creates test-results/<kind>/run-<time>-<pid>/ (keeping the last few runs of that kind). */
export function createRunDir(kind: string): RunDir {
  const base = join(ROOT, 'test-results', kind);
  mkdirSync(base, { recursive: true });
  const old = readdirSync(base).filter((d) => d.startsWith('run-')).sort();
  for (const d of old.slice(0, Math.max(0, old.length - (KEEP_RUNS - 1)))) {
    rmSync(join(base, d), { recursive: true, force: true });
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const root = join(base, `run-${stamp}-${process.pid}`);
  const dirs = {
    HOME: join(root, 'home'),
    XDG_CONFIG_HOME: join(root, 'home/.config'),
    XDG_DATA_HOME: join(root, 'home/.local/share'),
    XDG_CACHE_HOME: join(root, 'home/.cache'),
    XDG_STATE_HOME: join(root, 'home/.local/state'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const tmp = mkdtempSync(join(tmpdir(), `pglc-${kind}-`));
  // Traversable by other users: under root, pglc runs initdb/postgres as `postgres`, which reads
  // files pglc puts in TMPDIR (mkdtemp's 0700 would hide them).
  chmodSync(tmp, 0o711);
  const env: NodeJS.ProcessEnv = { ...process.env, ...dirs, TMPDIR: tmp, TMP: tmp, TEMP: tmp };
  delete env.XDG_RUNTIME_DIR;
  // No extension marketplace: the machines are offline and the tests must not reach out.
  env.EXTENSIONS_GALLERY = '{}';
  // A VS Code server started from inside another one would otherwise talk to the outer one.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
  const removeTmp = () => rmSync(tmp, { recursive: true, force: true });
  process.on('exit', removeTmp); // also after Ctrl-C (see exitOnSignals)
  const dispose = () => {
    process.off('exit', removeTmp);
    removeTmp();
    // Browser profiles are caches (~30 MB each); the logs, workspaces and server state stay.
    for (const d of readdirSync(root)) if (d.startsWith('chromium')) rmSync(join(root, d), { recursive: true, force: true });
  };
  return { root, tmp, env, dispose };
}

export { freePort };

export interface VsCodeServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** stdout + stderr of the server. */
  logFile: string;
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /**
   * 'test-host': the bundled VS Code server with the smoke-test driver (extension-host tests via
   * a payload). 'code-server': code-server itself, as a user runs it (UI tests of an installed VSIX).
   */
  kind: 'test-host' | 'code-server';
  run: RunDir;
  extensionsDir: string;
  /** How long to wait for the port to answer (default 60 s). */
  readyTimeoutMs?: number;
}

/** Starts the server on a free port and resolves once it answers HTTP. */
export async function startVsCodeServer(opts: StartServerOptions): Promise<VsCodeServer> {
  const tools = requireTools('node', opts.kind === 'test-host' ? 'serverMain' : 'codeServer');
  const dataDir = join(opts.run.root, 'server-data');
  const userDataDir = join(opts.run.root, 'user-data');
  mkdirSync(opts.extensionsDir, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  // code-server keeps the user's settings on the server side: no welcome page, no trust prompts.
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        // The run folders sit inside this repository: no "open the parent repository?" prompt.
        'git.openRepositoryInParentFolders': 'never',
        'chat.disableAIFeatures': true,
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
      },
      null,
      2,
    ),
  );
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const args =
      opts.kind === 'test-host'
        ? [
            tools.serverMain,
            '--host', '127.0.0.1', '--port', String(port),
            '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
            '--server-data-dir', dataDir, '--user-data-dir', userDataDir, '--extensions-dir', opts.extensionsDir,
            '--disable-telemetry', '--disable-workspace-trust',
          ]
        : [
            tools.codeServer,
            '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
            '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
            '--user-data-dir', userDataDir, '--extensions-dir', opts.extensionsDir,
          ];
    const logFile = join(opts.run.root, `${opts.kind}-${attempt}.log`);
    const log = openSync(logFile, 'a');
    const child = spawn(tools.node, args, { cwd: opts.run.root, env: opts.run.env, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    const unregister = killGroupOnExit(child);
    const server: VsCodeServer = {
      url: `http://127.0.0.1:${port}`,
      port,
      logFile,
      stop: async () => {
        unregister();
        await stopGroup(child);
      },
    };
    try {
      await waitForHttp(server.url, child, opts.readyTimeoutMs ?? 60_000);
      return server;
    } catch (e) {
      await server.stop();
      lastError = new Error(`${(e as Error).message}\n--- ${logFile} (tail) ---\n${tail(logFile, 30)}`);
      // Another process may have taken the port between freePort() and the bind: try another.
      if (!/EADDRINUSE/.test(readFileSync(logFile, 'utf8'))) break;
    }
  }
  throw lastError ?? new Error(`the ${opts.kind} server did not start`);
}

/** The last `lines` lines of a text file (for error messages). */
export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Resolves once `url` answers any HTTP status; rejects if the process exits or the deadline passes. */
async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: string | undefined;
  const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
    exited = `exited early (code ${code ?? signal})`;
  };
  child.once('exit', onExit);
  try {
    for (;;) {
      if (exited) throw new Error(`the server at ${url} ${exited}`);
      if (await answers(url)) return;
      if (Date.now() > deadline) throw new Error(`the server at ${url} did not answer within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100)); // poll interval, bounded by the deadline above
    }
  } finally {
    child.off('exit', onExit);
  }
}

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** SIGTERM to the group, SIGKILL to whatever is left after 5 s (or once the leader has exited). */
async function stopGroup(child: ChildProcess): Promise<void> {
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 5000)))]);
  clearTimeout(timer);
  // Extension hosts and language servers share the group and may outlive the leader.
  signalGroup(child, 'SIGKILL');
}

/** Kills the child's group if this process exits first (crash, Ctrl-C). Returns the unregister. */
function killGroupOnExit(child: ChildProcess): () => void {
  const kill = () => signalGroup(child, 'SIGKILL');
  process.on('exit', kill);
  return () => process.off('exit', kill);
}

/**
 * Turns Ctrl-C / SIGTERM into a normal exit so the `exit` handlers that kill server groups run
 * (a process killed by a signal's default action runs none).
 */
export function exitOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => process.exit(130));
}

/** Installs a VSIX into `extensionsDir` with code-server's CLI (isolated by `run`). */
export function installVsix(run: RunDir, vsix: string, extensionsDir: string): void {
  const tools = requireTools('node', 'codeServer');
  const r = spawnSync(
    tools.node,
    [tools.codeServer, '--install-extension', vsix, '--force', '--extensions-dir', extensionsDir, '--user-data-dir', join(run.root, 'user-data')],
    { cwd: run.root, env: run.env, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    throw new Error(`installing ${vsix} into code-server failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
}

/** Debian's Chromium, or PGLC_CHROMIUM. */
export function chromiumPath(env: NodeJS.ProcessEnv = process.env): string {
  const p = env.PGLC_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(p)) {
    throw new Error(`Chromium was not found at ${p} — install it (apt-get install -y chromium) or set PGLC_CHROMIUM`);
  }
  return p;
}

/**
 * Headless Chromium with a fresh profile in `profileDir`, confined by `env` (a RunDir's env: HOME,
 * XDG_* and TMPDIR of the run).
 */
export async function launchChromium(profileDir: string, env: NodeJS.ProcessEnv): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(env),
    headless: true,
    env,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

/** Databases a run's workspace points at, and the variables that name them. */
export interface RunDatabases {
  /** Per prefix: the database (with a connected client for assertions and `drop()`). */
  databases: TestDatabase[];
  /** The cluster in use (the one `npm test` started, or one of this run's own). */
  cluster: TestClusterInfo;
  /** A URL without the password (the password then comes from PGLC_PASSWORD_<ENV>). */
  urlWithoutPassword(db: TestDatabase): string;
  /** Drops the databases, and stops the cluster if this run started it. */
  dispose(): Promise<void>;
}

/**
 * Creates one database per prefix on the test cluster of `npm test` (PGLC_TEST_CLUSTER), or —
 * when the runner is used alone — on a throwaway cluster it starts itself and stops in dispose().
 */
export async function createRunDatabases(prefixes: string[]): Promise<RunDatabases> {
  let own: TestClusterInfo | undefined;
  if (!process.env.PGLC_TEST_CLUSTER) {
    own = await startTestCluster();
    process.env.PGLC_TEST_CLUSTER = JSON.stringify(own);
  }
  const cluster = testCluster();
  const stopOwn = async () => {
    if (!own) return;
    const c = own;
    own = undefined;
    delete process.env.PGLC_TEST_CLUSTER;
    await stopTestCluster(c);
  };
  // A cluster must not outlive a run stopped by Ctrl-C (exitOnSignals turns it into exit).
  const stopOnExit = () => {
    if (!own) return;
    try {
      // Immediate shutdown of the postmaster (an exit handler cannot wait for pg_ctl).
      const pid = Number(readFileSync(join(own.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // not running
    }
  };
  process.on('exit', stopOnExit);
  const databases: TestDatabase[] = [];
  try {
    for (const p of prefixes) databases.push(await createTestDatabase(p));
  } catch (e) {
    await Promise.all(databases.map((d) => d.drop().catch(() => undefined)));
    await stopOwn();
    throw e;
  }
  return {
    databases,
    cluster,
    urlWithoutPassword: (db) => `postgresql://${encodeURIComponent(cluster.user)}@127.0.0.1:${cluster.port}/${db.name}?sslmode=disable`,
    async dispose() {
      try {
        await Promise.all(databases.map((d) => d.drop().catch(() => undefined)));
      } finally {
        await stopOwn();
        process.off('exit', stopOnExit);
      }
    },
  };
}
