// `npm test`: type-check, build, start one throwaway PostgreSQL cluster, run every test file with
// node's test runner, then the suites that run inside a real VS Code (extension host, UI), and
// stop the cluster whatever happens.
// Invariants: the exit code is non-zero when any suite fails; the cluster never outlives the run;
// the last line is the combined `all: N passed, N failed` summary.

import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startTestCluster, stopTestCluster, type TestClusterInfo } from '../test/harness/test-cluster';

const root = join(__dirname, '..');

function step(name: string, cmd: string, args: string[]): void {
  process.stdout.write(`\n> ${name}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stdout.write(`${name} failed (exit ${r.status})\n`);
    process.exit(r.status ?? 1);
  }
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (entry.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

interface SuiteResult { name: string; code: number; passed: number; failed: number }

/** Runs a child, echoing its output, and reads its pass/fail counts from the output. */
function runSuite(name: string, args: string[], env: NodeJS.ProcessEnv, counts: (text: string) => { passed: number; failed: number }): Promise<SuiteResult> {
  process.stdout.write(`\n> ${name}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => { process.stdout.write(d); text += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { process.stderr.write(d); text += d.toString(); });
    child.on('close', (code) => resolve({ name, code: code ?? 1, ...counts(text) }));
  });
}

const nodeCounts = (text: string) => ({
  passed: Number(/ℹ pass (\d+)/.exec(text)?.[1] ?? 0),
  failed: Number(/ℹ fail (\d+)/.exec(text)?.[1] ?? 0),
});
const plainCounts = (text: string) => {
  const all = [...text.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)];
  const last = all[all.length - 1];
  return { passed: Number(last?.[1] ?? 0), failed: Number(last?.[2] ?? 0) };
};

async function main(): Promise<number> {
  step('type-check (tsc -b)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  step('build (esbuild)', process.execPath, [join(root, 'scripts/build.mjs')]);

  const only = process.argv.slice(2);
  const files = only.length ? only : [...testFiles(join(root, 'test/unit')), ...testFiles(join(root, 'test/integration'))];
  // The editor suites run with the whole test command; PGLC_SKIP_EDITOR_TESTS=1 leaves them out
  // on a machine without Chromium (CI never sets it).
  const editorSuites = only.length === 0 && process.env.PGLC_SKIP_EDITOR_TESTS !== '1';
  // Idempotent: instant when .tools/ already has the pinned versions, a few minutes the first time.
  if (editorSuites) step('VS Code test tools (.tools/)', process.execPath, [join(root, 'scripts/install-vscode-tools.mjs')]);
  if (editorSuites) step('package the VSIX (the UI tests install it)', process.execPath, [join(root, 'scripts/package-vsix.mjs')]);

  let cluster: TestClusterInfo | undefined;
  const stop = async () => {
    if (cluster) {
      const c = cluster;
      cluster = undefined;
      await stopTestCluster(c);
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => void stop().finally(() => process.exit(130)));
  }
  try {
    process.stdout.write('\n> starting the test PostgreSQL cluster\n');
    cluster = await startTestCluster();
    process.stdout.write(`  cluster on port ${cluster.port} (${cluster.dataDir})\n`);
    const env = { ...process.env, PGLC_TEST_CLUSTER: JSON.stringify(cluster) };
    const results: SuiteResult[] = [];
    results.push(await runSuite(
      `node --test (${files.length} files)`,
      ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => relative(root, f))],
      env,
      nodeCounts,
    ));
    if (editorSuites) {
      results.push(await runSuite('extension host tests (real VS Code)', ['--import', 'tsx', join(root, 'scripts/run-extension-tests.ts')], env, plainCounts));
      // A real browser against a real workbench has rare timing failures we have not pinned down
      // (about 1 run in 15 here). Like Playwright's `retries: 1`, a failed UI run is run once more and
      // the first failure stays visible in the log and in the summary line's name.
      const ui = await runSuite('UI tests (code-server + Chromium)', ['--import', 'tsx', join(root, 'scripts/run-ui-tests.ts')], env, plainCounts);
      if (ui.code === 0) results.push(ui);
      else {
        process.stdout.write(`\nUI tests: ${ui.failed} failed on the first attempt; running them once more (flaky unless this fails too)\n`);
        const again = await runSuite('UI tests, second attempt', ['--import', 'tsx', join(root, 'scripts/run-ui-tests.ts')], env, plainCounts);
        results.push(again.code === 0 ? { ...again, name: `UI tests (passed on retry; first attempt ${ui.failed} failed)` } : again);
      }
    }
    process.stdout.write('\n');
    for (const r of results) process.stdout.write(`  ${r.name}: ${r.passed} passed, ${r.failed} failed${r.code !== 0 ? ` (exit ${r.code})` : ''}\n`);
    const passed = results.reduce((n, r) => n + r.passed, 0);
    const failed = results.reduce((n, r) => n + r.failed, 0);
    const bad = results.some((r) => r.code !== 0);
    // A suite that crashed before reporting counts as one failure, so the summary cannot say 0 failed.
    const failedTotal = failed + results.filter((r) => r.code !== 0 && r.failed === 0).length;
    process.stdout.write(`all: ${passed} passed, ${failedTotal} failed\n`);
    return bad ? 1 : 0;
  } finally {
    await stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
