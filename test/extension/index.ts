// Entry of the extension-host tests: VS Code loads this bundle (extensionTestsPath) inside the
// real extension host and awaits `run()`. It adds every `*.test.js` bundle beside it to mocha.
// Invariants: the output ends with the line `N passed, N failed` (scripts/run-extension-tests.ts
// and CI read it); a run with a failure — or with no test at all — rejects, so the host exits 1.
// In the VS Code server the reporter's lines are prefixed with OUTPUT_MARKER so the runner can
// tell them from the workbench's own log, which reaches it through the same channel (other
// console output of the host goes to the run's workbench-console.log).

import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Set by scripts/run-extension-tests.ts when the output shares a channel with the workbench's log. */
const OUTPUT_MARKER = process.env.PGLC_EXTENSION_TEST_MARKER ?? '';

function testBundles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => join(dir, f));
}

/** Prints one marked line of test output. */
function print(...args: unknown[]): void {
  console.log(OUTPUT_MARKER + format(...args));
}

/**
 * Routes mocha's reporter output through `print` (mocha keeps its own reference to console.log,
 * GH-3604). The host's console methods themselves cannot be replaced: VS Code pins them to
 * forward output to the workbench. Returns the function that restores the reporter's log.
 */
function markReporterOutput(): () => void {
  const base = Mocha.reporters.Base as unknown as { consoleLog: (...args: unknown[]) => void };
  const saved = base.consoleLog;
  base.consoleLog = print;
  return () => {
    base.consoleLog = saved;
  };
}

export async function run(): Promise<void> {
  const grep = process.env.PGLC_EXTENSION_TEST_GREP;
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 30_000, ...(grep ? { grep } : {}) });
  for (const file of testBundles(__dirname)) mocha.addFile(file);
  const restore = markReporterOutput();
  try {
    const stats = await new Promise<{ passed: number; failed: number }>((resolve, reject) => {
      try {
        const runner = mocha.run(() => resolve({ passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? 0 }));
      } catch (e) {
        reject(e);
      }
    });
    print(`${stats.passed} passed, ${stats.failed} failed`);
    if (stats.failed > 0) throw new Error(`${stats.failed} extension test(s) failed`);
    if (stats.passed === 0) throw new Error('no extension test ran');
  } finally {
    restore();
  }
}
