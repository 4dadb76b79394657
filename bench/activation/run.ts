// `npm run bench:activation`: how long the extension's activate() takes inside the real extension
// host (the VS Code server bundled in code-server), on a fresh host each time: 5 runs on a copy
// of the extension tests' fixture workspace, printing each and the median (goal < 100 ms).
// The language server's start is not included (activate() does not wait for it), nor the first
// status read (it runs in the background after activation).
// Invariant: each run starts its own server and browser and stops them (scripts/run-extension-tests.ts).

import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { runInServer } from '../../scripts/run-extension-tests';
import { createRunDir, exitOnSignals, ROOT } from '../../scripts/vscode-server';

const RUNS = 5;
const GOAL_MS = 100;
const probe = join(ROOT, 'dist/bench/activation/probe.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function main(): Promise<number> {
  exitOnSignals();
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) return b.status ?? 1;
  await build({
    entryPoints: [join(ROOT, 'bench/activation/probe.ts')],
    outfile: probe,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  const times: number[] = [];
  for (let i = 1; i <= RUNS; i++) {
    const run = createRunDir('bench-activation');
    try {
      const workspace = join(run.root, 'workspace');
      cpSync(join(ROOT, 'test/extension/fixtures/workspace'), workspace, { recursive: true });
      let measured: number | undefined;
      const code = await runInServer(run, workspace, {
        testsIndex: probe,
        env: {},
        onLine: (line) => {
          try {
            measured = (JSON.parse(line) as { activationMs?: number }).activationMs;
          } catch {
            process.stdout.write(`${line}\n`);
          }
        },
      });
      if (code !== 0 || measured === undefined) {
        process.stdout.write(`run ${i}: the probe failed (exit ${code}); see ${run.root}\n`);
        return 1;
      }
      times.push(measured);
      process.stdout.write(`run ${i}: activate() took ${measured.toFixed(1)} ms\n`);
    } finally {
      run.dispose();
    }
  }
  const m = median(times);
  process.stdout.write(
    `\nactivation (activate() inside the real extension host, ${RUNS} fresh hosts): median ${m.toFixed(1)} ms, ` +
      `min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms — goal < ${GOAL_MS} ms: ${m < GOAL_MS ? 'met' : 'NOT met'}\n`,
  );
  return m < GOAL_MS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:activation failed — ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
