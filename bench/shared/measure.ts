// What every bench script measures with: a child process timed to the end (its failure stops the
// bench with its own output), and figures printed the same way. Invariant: no bench reports a
// time for a command that failed.

import { spawnSync } from 'node:child_process';

/** Runs `cmd args` to its end; its wall time and stdout. Throws with stderr when it fails. */
export function timed(label: string, cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${label} failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  return { ms, stdout: r.stdout };
}

export const fmtMs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
export const fmtMb = (b: number): string => `${(b / 1024 / 1024).toFixed(1)} MB`;
