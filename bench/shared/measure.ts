// What every bench script measures with: a child process timed to the end (its failure stops the
// bench with its own output), and figures printed the same way. Invariant: no bench reports a
// time for a command that failed.

import { spawn, spawnSync } from 'node:child_process';

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

/**
 * Runs `pglc … --json` like `timed`, and also where its time went: the first moment each
 * progress step (`restore.load`, `restore.check`, …) was reported, from its stderr events.
 */
export async function timedSteps(label: string, cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<{ ms: number; stdout: string; steps: { step: string; atMs: number }[] }> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const steps: { step: string; atMs: number }[] = [];
  let stdout = '';
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    partial += d;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const e = JSON.parse(line) as { type?: string; step?: string };
        if (e.type === 'progress' && e.step && !steps.some((s) => s.step === e.step)) steps.push({ step: e.step, atMs: performance.now() - t0 });
      } catch {
        // not an event line
      }
    }
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const ms = performance.now() - t0;
  if (code !== 0) throw new Error(`${label} failed (${code}): ${stderr}\n${stdout}`);
  return { ms, stdout, steps };
}

/** "start 0.25 s · restore.verify 0.12 s · …": how long each step lasted until the next one (or the end). */
export function formatSteps(steps: { step: string; atMs: number }[], totalMs: number): string {
  const parts = [`start ${fmtMs(steps[0]?.atMs ?? totalMs)}`];
  steps.forEach((s, i) => parts.push(`${s.step} ${fmtMs((steps[i + 1]?.atMs ?? totalMs) - s.atMs)}`));
  return parts.join(' · ');
}
