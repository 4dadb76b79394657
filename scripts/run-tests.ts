// `npm test`: type-check, build, start one throwaway PostgreSQL cluster, run every test file
// with node's test runner, and stop the cluster whatever happens.
// Invariant: the exit code is the test runner's; the cluster never outlives the run.

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

async function main(): Promise<number> {
  step('type-check (tsc -b)', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b']);
  step('build (esbuild)', process.execPath, [join(root, 'scripts/build.mjs')]);

  const only = process.argv.slice(2);
  const files = only.length ? only : [...testFiles(join(root, 'test/unit')), ...testFiles(join(root, 'test/integration'))];

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
    process.stdout.write(`\n> node --test (${files.length} files)\n`);
    const code = await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files.map((f) => relative(root, f))],
        { cwd: root, stdio: 'inherit', env: { ...process.env, PGLC_TEST_CLUSTER: JSON.stringify(cluster) } },
      );
      child.on('close', (c) => resolve(c ?? 1));
    });
    return code;
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
