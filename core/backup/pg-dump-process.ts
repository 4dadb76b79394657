// A running pg_dump (or pg_restore / psql) whose --verbose stderr is read line by line: table
// progress for the user, finished parallel items for the directory pipeline, and its own error
// lines for the failure message. Invariant: a tool's failure is reported with its own error text
// and exit status — never swallowed, never replaced by a vague "dump failed" — and the password
// is scrubbed from anything quoted.

import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { PglcError } from '../errors';

export interface ToolRun {
  child: ChildProcess;
  /** Resolves with the exit status once the process closed (never rejects). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The error lines the tool printed (at most 20), most useful first. */
  errorLines(): string[];
  kill(): void;
}

export interface ToolRunOptions {
  env: Record<string, string>;
  stdio?: StdioOptions;
  cwd?: string;
  /** Called for every stderr line that is not an error (verbose progress). */
  onLine?(line: string): void;
  /**
   * Run in its own process group and kill the whole group: pg_dump -j forks workers that
   * would otherwise outlive a killed leader for a moment and keep writing files.
   */
  group?: boolean;
}

/**
 * Spawns a PostgreSQL client tool with an argument array and watches its stderr.
 * @example const run = spawnTool(pgDump.path, ['--format=custom', '--verbose'], { env, onLine });
 */
export function spawnTool(path: string, args: string[], opts: ToolRunOptions): ToolRun {
  const child = spawn(path, args, { env: opts.env, cwd: opts.cwd, stdio: opts.stdio ?? ['ignore', 'pipe', 'pipe'], detached: Boolean(opts.group) });
  const errors: string[] = [];
  const tail: string[] = [];
  let partial = '';
  const onText = (text: string): void => {
    partial += text;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const raw of lines) handle(raw);
  };
  const handle = (raw: string): void => {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) return;
    if (isErrorLine(line)) {
      if (errors.length < 20) errors.push(line);
    } else {
      tail.push(line);
      if (tail.length > 10) tail.shift();
      opts.onLine?.(line);
    }
  };
  child.stderr?.setEncoding('utf8').on('data', onText);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (e) => {
      errors.push(`could not start ${path}: ${e.message}`);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      if (partial) handle(partial);
      partial = '';
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    errorLines: () => (errors.length ? [...errors] : tail.filter((l) => !/^\S+: (dumping|reading|saving|processing|creating|finished|launching|last built-in|executing|restoring|connecting|implied|identifying|flagging|building|setting|disabling|enabling|dropping)/.test(l)).slice(-3)),
    kill: () => {
      // Our end of its stdout too: unread, it would keep the child's 'close' from ever coming.
      if (child.stdout && !child.stdout.destroyed) child.stdout.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        if (opts.group && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** "pg_dump: error: …", "pg_dump: detail: …", "pg_restore: hint: …", pre-12 "[archiver (db)]" lines, psql "ERROR:". */
export function isErrorLine(line: string): boolean {
  return /^\S+: (error|detail|hint|fatal|FATAL|ERROR|DETAIL|HINT):/.test(line) || /^\S+: \[[^\]]+\] /.test(line) || /^(psql:.*)?(ERROR|FATAL|DETAIL|HINT):/.test(line) ||
    /^\S+: (warning|WARNING): errors ignored on restore/.test(line);
}

/**
 * The PglcError for a tool that exited badly.
 * @example throw toolFailure('pg_dump', run, status, { code: 'backup-failed', what: 'pg_dump failed on prod', fix: '…', password })
 */
export function toolFailure(
  tool: string,
  run: ToolRun,
  status: { code: number | null; signal: NodeJS.Signals | null },
  p: { code: 'backup-failed' | 'load-failed' | 'backup-corrupt'; what: string; fix: string; password?: string; details?: Record<string, unknown> },
): PglcError {
  const lines = run.errorLines().map((l) => scrubSecret(l, p.password));
  const exit = status.signal ? `${tool} was stopped by ${status.signal}` : `${tool} exited with code ${status.code}`;
  return new PglcError(p.code, {
    what: p.what,
    why: lines.length ? `${lines.join(' / ')} (${exit})` : exit,
    fix: p.fix,
    details: { tool, exitCode: status.code, ...(status.signal ? { signal: status.signal } : {}), messages: lines, ...p.details },
  });
}

export function scrubSecret(text: string, secret?: string): string {
  return secret ? text.split(secret).join('***') : text;
}
