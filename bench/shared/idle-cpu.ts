// Waiting for an idle machine before a timed run: on a small shared machine, another process
// using a core during one side's run (and not the other's) decides a comparison more than the
// tools do. Reads Linux's /proc/stat; elsewhere it does not wait.
// Invariant: it only ever waits (at most `maxMs`), and says so when the machine never got idle.

import { existsSync, readFileSync } from 'node:fs';

function cpuTimes(): { idle: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
  return { idle: (fields[3] ?? 0) + (fields[4] ?? 0), total: fields.slice(0, 8).reduce((s, n) => s + n, 0) };
}

/**
 * Resolves once the CPUs were at least `idleShare` idle over a 0.5 s window (or after `maxMs`,
 * returning false).
 * @example if (!(await waitForIdleCpu())) process.stdout.write('(the machine stayed busy)\n');
 */
export async function waitForIdleCpu(idleShare = 0.9, maxMs = 120_000): Promise<boolean> {
  if (!existsSync('/proc/stat')) return true;
  const until = Date.now() + maxMs;
  while (Date.now() < until) {
    const a = cpuTimes();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const b = cpuTimes();
    if ((b.idle - a.idle) / Math.max(1, b.total - a.total) >= idleShare) return true;
  }
  return false;
}
