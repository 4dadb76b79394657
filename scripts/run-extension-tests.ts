// `npm run test:extension`: runs the mocha suites of test/extension inside a real VS Code
// extension host — the VS Code server bundled in code-server, opened in headless Chromium with a
// smoke-test payload (extensionDevelopmentPath = this repo, extensionTestsPath = the bundled
// test index) — and exits with the host's exit code.
// `--electron` runs the same suites in VS Code desktop through @vscode/test-electron instead
// (needs internet to download VS Code; not usable on the offline CI machines).
// `--grep TEXT` runs only the tests whose title matches.
// The workspace is a fresh copy of test/extension/fixtures/workspace whose pglc.toml points at
// databases created for the run: PGLC_TEST_DATABASE_URL (environment `test`, the default) and
// PGLC_TEST_STAGING_URL (environment `staging`, protected, its password only in
// PGLC_TEST_STAGING_PASSWORD for the tests to type), on the cluster of `npm test`
// (PGLC_TEST_CLUSTER) or — run alone — on a throwaway cluster this runner starts.
// Invariants: the caller has built dist/ (the npm script does); the run ends within the overall
// timeout with a clear message; the server, the browser, the databases and a cluster this runner
// started never outlive the run.

import { spawnSync } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { format } from 'node:util';
import type { TestDatabase } from '../test/harness/database';
import { createRunDatabases, createRunDir, exitOnSignals, launchChromium, requireTools, ROOT, startVsCodeServer, tail, type RunDir } from './vscode-server';

const TIMEOUT_MS = Number(process.env.PGLC_EXTENSION_TEST_TIMEOUT_MS ?? 5 * 60_000);
const testsIndex = join(ROOT, 'dist/test/extension/index.js');
const fixtureWorkspace = join(ROOT, 'test/extension/fixtures/workspace');

/** The prefix test/extension/index.ts puts on its output lines (passed as PGLC_EXTENSION_TEST_MARKER). */
const OUTPUT_MARKER = '@@pglc-test@@ ';
/** The index's closing line `N passed, N failed`. */
const SUMMARY_LINE = /^\d+ passed, \d+ failed$/;
let summary: string | undefined;
/** PGLC_VERBOSE=1 also prints the workbench's own log (always kept in workbench-console.log). */
const VERBOSE = process.env.PGLC_VERBOSE === '1';

/** The workbench forwards console calls as their argument list (a JSON array or the array itself). */
function formatLogMessage(message: unknown): string {
  let args: unknown = message;
  if (typeof message === 'string' && message.startsWith('[')) {
    try {
      args = JSON.parse(message);
    } catch {
      args = message;
    }
  }
  return Array.isArray(args) ? format(...(args as unknown[])) : String(args);
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Environment variables for the extension host: the run's databases and the test cluster. */
function extensionEnvironment(databases: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = { PGLC_EXTENSION_TEST_RUN: '1', ...databases };
  for (const k of ['PGLC_TEST_CLUSTER', 'PGLC_EXTENSION_TEST_GREP'] as const) {
    const v = process.env[k];
    if (v) env[k] = v;
  }
  const grep = argValue('--grep');
  if (grep) env.PGLC_EXTENSION_TEST_GREP = grep;
  return env;
}

function checkBuilt(): void {
  for (const f of [join(ROOT, 'dist/client.js'), join(ROOT, 'dist/server.js'), testsIndex]) {
    if (!existsSync(f)) throw new Error(`${f} is missing — build first (npm run build), or run \`npm run test:extension\``);
  }
}

/** A fresh copy of the fixture workspace for this run (tests may write into it). */
function prepareWorkspace(run: RunDir): string {
  const workspace = join(run.root, 'workspace');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  return workspace;
}

export interface HostRunOptions {
  /** The compiled mocha index (or another `run()` module) the host loads. */
  testsIndex: string;
  /** Variables for the extension host (extensionEnvironment). */
  env: Record<string, string>;
  /** Lines the tests print with OUTPUT_MARKER (default: to stdout). */
  onLine?(line: string): void;
}

/** Runs `opts.testsIndex` inside the VS Code server's extension host on `workspace`; resolves with its exit code. */
export async function runInServer(run: RunDir, workspace: string, opts: HostRunOptions): Promise<number> {
  const server = await startVsCodeServer({ kind: 'test-host', run, extensionsDir: join(run.root, 'extensions') });
  let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
  try {
    browser = await launchChromium(join(run.root, 'chromium'), run.env);
    const page = browser.pages()[0] ?? (await browser.newPage());
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(opts.testsIndex)],
      ['extensionEnvironment', JSON.stringify({ ...opts.env, PGLC_EXTENSION_TEST_MARKER: OUTPUT_MARKER })],
      ['skipWelcome', 'true'],
    ];
    let exited: (code: number) => void = () => undefined;
    let crashed: (e: Error) => void = () => undefined;
    const exit = new Promise<number>((resolve, reject) => {
      exited = resolve;
      crashed = reject;
    });
    page.on('crash', () => crashed(new Error('the browser page crashed')));
    await page.exposeFunction('codeAutomationExit', (code: number, logs?: { relativePath: string; contents: string }[]) => {
      saveLogs(run, logs ?? []);
      exited(code);
    });
    const workbenchLog = createWriteStream(join(run.root, 'workbench-console.log'));
    await page.exposeFunction('codeAutomationLog', (level: string, message: unknown) => {
      const text = formatLogMessage(message);
      if (text.startsWith(OUTPUT_MARKER)) {
        const line = text.slice(OUTPUT_MARKER.length);
        // The closing line is printed last, after the run's own lines (CI reads the last lines).
        if (SUMMARY_LINE.test(line)) summary = line;
        else if (opts.onLine) opts.onLine(line);
        else process.stdout.write(`${line}\n`);
      } else {
        workbenchLog.write(`[${level}] ${text}\n`);
        if (VERBOSE) process.stdout.write(`  [workbench ${level}] ${text}\n`);
      }
    });
    const url = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the extension tests did not finish within ${TIMEOUT_MS / 1000} s (PGLC_EXTENSION_TEST_TIMEOUT_MS)`)),
        TIMEOUT_MS,
      );
    });
    try {
      return await Promise.race([exit, timeout]);
    } catch (e) {
      await page.screenshot({ path: join(run.root, 'timeout.png') }).catch(() => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server log (tail): ${server.logFile} ---\n${tail(server.logFile, 40)}`);
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
}

/** The workbench hands over its log files when the host exits; keep them for post-mortems. */
function saveLogs(run: RunDir, logs: { relativePath: string; contents: string }[]): void {
  for (const l of logs) {
    const file = join(run.root, 'workbench-logs', l.relativePath);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, l.contents);
  }
}

/** The part of @vscode/test-electron's API used here (it lives in .tools/, not in the project). */
interface TestElectron {
  runTests(options: {
    extensionDevelopmentPath: string;
    extensionTestsPath: string;
    extensionTestsEnv?: Record<string, string>;
    cachePath?: string;
    vscodeExecutablePath?: string;
    launchArgs?: string[];
  }): Promise<number>;
}

/**
 * VS Code desktop through @vscode/test-electron: downloads VS Code into .tools/vscode-test
 * (machines with internet only), or uses the one at PGLC_VSCODE_EXECUTABLE.
 */
async function runInElectron(run: RunDir, workspace: string, env: Record<string, string>): Promise<number> {
  const tools = requireTools('testElectron');
  const { runTests } = require(tools.testElectron) as TestElectron;
  return runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: testsIndex,
    extensionTestsEnv: env,
    cachePath: join(ROOT, '.tools/vscode-test'),
    ...(process.env.PGLC_VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.PGLC_VSCODE_EXECUTABLE } : {}),
    launchArgs: [
      workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome',
      `--user-data-dir=${join(run.root, 'user-data')}`, `--extensions-dir=${join(run.root, 'extensions')}`,
    ],
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  exitOnSignals();
  checkBuilt();
  const electron = process.argv.includes('--electron');
  if (electron && Number(process.versions.node.split('.')[0]) < 22) {
    // @vscode/test-electron 3 needs Node >= 22: run this script again with the tools' Node 24.
    const r = spawnSync(requireTools('node').node, ['--import', 'tsx', __filename, ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
    return r.status ?? 1;
  }
  const run = createRunDir(electron ? 'electron' : 'extension');
  let code: number;
  try {
    const workspace = prepareWorkspace(run);
    const dbs = await createRunDatabases(['ext_test', 'ext_staging']);
    try {
      const [test, staging] = dbs.databases as [TestDatabase, TestDatabase];
      const env = extensionEnvironment({
        PGLC_TEST_DATABASE_URL: test.url,
        PGLC_TEST_STAGING_URL: dbs.urlWithoutPassword(staging),
        PGLC_TEST_STAGING_PASSWORD: dbs.cluster.password,
        PGLC_TEST_CLUSTER: JSON.stringify(dbs.cluster),
      });
      process.stdout.write(
        `> extension tests in ${electron ? 'VS Code desktop (test-electron)' : 'the VS Code server + Chromium'} (run folder ${run.root}; databases ${test.name}, ${staging.name})\n`,
      );
      code = electron ? await runInElectron(run, workspace, env) : await runInServer(run, workspace, { testsIndex, env });
    } finally {
      await dbs.dispose();
    }
  } finally {
    run.dispose();
  }
  process.stdout.write(`> extension tests ${code === 0 ? 'passed' : `failed (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (summary) process.stdout.write(`${summary}\n`);
  return code;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`extension tests failed — ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
