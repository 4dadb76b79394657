// Runs a child process with an argument array (never a shell string) and collects its output.
// Invariant: secrets reach children only through `env` (PGPASSWORD), never through argv.

import { spawn } from 'node:child_process';

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  signal?: AbortSignal;
  /** Text written to the child's stdin, then closed. */
  input?: string;
  /** Run as this OS user through runuser (used for PostgreSQL server binaries under root). */
  asUser?: string;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `command args…` to completion.
 * @example const r = await runProcess('pg_dump', ['--version']); r.stdout // "pg_dump (PostgreSQL) 15.18"
 */
export function runProcess(command: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const [cmd, argv] = opts.asUser ? ['runuser', ['-u', opts.asUser, '--', command, ...args]] : [command, [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: opts.cwd,
      env: cleanEnv(opts.env ?? process.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: opts.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/** True when this process runs as root, where PostgreSQL's server binaries must run as another user. */
export function runningAsRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
