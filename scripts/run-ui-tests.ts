// `npm run test:ui`: the packaged extension as a user gets it. Installs dist/postgres-lifecycle.vsix
// (built by `npm run package`, which the npm script runs first) into a fresh code-server, starts
// code-server on a free loopback port, and runs test/ui/**/*.test.ts with node's test runner;
// the tests drive headless Chromium with playwright-core and save screenshots to test-results/ui/.
// The workspaces are fresh copies of test/ui/fixtures/*; the `project` one points at two databases
// created for the run on the cluster of `npm test` (PGLC_TEST_CLUSTER) or on a throwaway cluster
// this runner starts: PGLC_TEST_DATABASE_URL (environment `test`) and PGLC_TEST_STAGING_URL
// (`staging`, protected), which reach the extension through code-server's environment.
// Invariants: the output ends with `N passed, N failed`; the run is bounded by an overall timeout;
// code-server, the databases and a cluster this runner started never outlive the run; all other
// state lives in the run folder.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { chromiumPath, createRunDatabases, createRunDir, exitOnSignals, installVsix, ROOT, startVsCodeServer, tail } from './vscode-server';

const TIMEOUT_MS = Number(process.env.PGLC_UI_TEST_TIMEOUT_MS ?? 5 * 60_000);
const vsix = join(ROOT, 'dist/postgres-lifecycle.vsix');
const fixtures = join(ROOT, 'test/ui/fixtures');
/** test/ui/summary-reporter.mjs's closing line. */
const SUMMARY_LINE = /^\d+ passed, \d+ failed$/;
let summary: string | undefined;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => relative(ROOT, join(dir, f)));
}

async function main(): Promise<number> {
  const started = Date.now();
  exitOnSignals();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing — run \`npm run package\` first (or \`npm run test:ui\`, which does)`);
  chromiumPath();
  const only = process.argv.slice(2);
  const files = only.length ? only : testFiles(join(ROOT, 'test/ui'));
  const run = createRunDir('ui');
  try {
    process.stdout.write(`> UI tests in code-server + Chromium (run folder ${run.root})\n`);
    const extensionsDir = join(run.root, 'extensions');
    installVsix(run, vsix, extensionsDir);
    process.stdout.write(`  installed ${relative(ROOT, vsix)} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    const workspaces: Record<string, string> = {};
    for (const name of readdirSync(fixtures)) {
      workspaces[name] = join(run.root, 'workspaces', name);
      cpSync(join(fixtures, name), workspaces[name], { recursive: true });
    }
    const dbs = await createRunDatabases(['ui_test', 'ui_staging']);
    try {
      const [test, staging] = dbs.databases;
      const databases = { PGLC_TEST_DATABASE_URL: test!.url, PGLC_TEST_STAGING_URL: staging!.url };
      process.stdout.write(`  databases ${test!.name}, ${staging!.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      // The extension host inherits code-server's environment, and pglc inherits the host's.
      const server = await startVsCodeServer({ kind: 'code-server', run: { ...run, env: { ...run.env, ...databases } }, extensionsDir });
      process.stdout.write(`  code-server on ${server.url} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
      try {
        const session = { url: server.url, workspaces, runRoot: run.root, screenshots: join(ROOT, 'test-results/ui') };
        const color = process.stdout.isTTY ? { FORCE_COLOR: '1' } : {};
        const code = await runNodeTests(files, { ...run.env, ...color, ...databases, PGLC_UI_SESSION: JSON.stringify(session) });
        if (code !== 0) process.stdout.write(`  code-server log: ${server.logFile}\n${tail(server.logFile, 20)}\n`);
        return code;
      } finally {
        await server.stop();
      }
    } finally {
      await dbs.dispose();
    }
  } finally {
    run.dispose();
    process.stdout.write(`> UI tests done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    if (summary) process.stdout.write(`${summary}\n`);
  }
}

/** node --test over `files` with the spec reporter and the closing-line reporter, bounded by TIMEOUT_MS. */
function runNodeTests(files: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import', 'tsx', '--test', '--test-concurrency=1',
        '--test-reporter=spec', '--test-reporter-destination=stdout',
        '--test-reporter=./test/ui/summary-reporter.mjs', '--test-reporter-destination=stdout',
        ...files,
      ],
      { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'], detached: true },
    );
    // The closing line is held back and printed last, after the run's own lines (CI reads it).
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (SUMMARY_LINE.test(line)) summary = line;
      else process.stdout.write(`${line}\n`);
    });
    const kill = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.on('exit', kill);
    const timer = setTimeout(() => {
      process.stdout.write(`UI tests did not finish within ${TIMEOUT_MS / 1000} s (PGLC_UI_TEST_TIMEOUT_MS) — stopped them\n`);
      kill();
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('exit', kill);
      resolve(code ?? 1);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`UI tests failed — ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
