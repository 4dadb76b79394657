// Runs `pglc … --json` in a child process — the one way the editor acts on a database, so the
// editor and cron run the same code (DESIGN.md). Events arrive on stderr as JSON lines and are
// logged; the one CliResult on stdout resolves the run (or rejects it with its ErrorPayload).
// Invariants: arguments are an array (no shell); a password reaches the child only through
// PGLC_PASSWORD_<ENV> in its environment, never argv and never the log; cancelling sends SIGINT
// (the CLI cancels the running statement and rolls back) and SIGKILL if the child has not exited
// after CANCEL_GRACE_MS.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import type { Readable } from 'node:stream';
import type * as vscode from 'vscode';
import type { CliEvent, CliResult, ErrorPayload } from '../protocol/index';
import { passwordEnvironment } from './passwords';
import { readSettings } from './settings';

/** How long a cancelled child may take to roll back and exit before it is killed. */
export const CANCEL_GRACE_MS = 10_000;

export interface PglcRunOptions {
  /** The project root (folder of pglc.toml); the CLI runs there. */
  cwd: string;
  /** `--env NAME` for commands that take an environment. */
  env?: string;
  token?: vscode.CancellationToken;
  /** Every event of the run, as it arrives (progress for notifications). */
  onEvent?(e: CliEvent): void;
  /** Quick reads log their result at debug level only (the status JSON of a big project is long). */
  quiet?: boolean;
}

export interface PglcCli {
  /** Runs `pglc <args> [--env NAME] --json`; resolves with `result`, rejects with an ErrorPayload. */
  run<T>(args: readonly string[], opts: PglcRunOptions): Promise<T>;
}

export interface PglcCliDeps {
  /** Folder of the installed extension (holds dist/pglc.js). */
  extensionPath: string;
  secrets: vscode.SecretStorage;
  output: vscode.LogOutputChannel;
  /** Environments whose stored passwords the child gets (the known ones of pglc.toml). */
  environments(): readonly string[];
}

/** The command line that runs pglc: the bundled dist/pglc.js with the editor's Node, or pglc.cliPath. */
export function pglcCommand(extensionPath: string, cliPath: string, cwd: string): { command: string; prefix: string[] } {
  if (!cliPath) return { command: process.execPath, prefix: [join(extensionPath, 'dist', 'pglc.js')] };
  const path = isAbsolute(cliPath) ? cliPath : join(cwd, cliPath);
  return /\.[cm]?js$/.test(path) ? { command: process.execPath, prefix: [path] } : { command: path, prefix: [] };
}

export function createPglcCli(deps: PglcCliDeps): PglcCli {
  return {
    async run<T>(args: readonly string[], opts: PglcRunOptions): Promise<T> {
      const names = new Set(deps.environments());
      if (opts.env) names.add(opts.env);
      const passwords = await passwordEnvironment(deps.secrets, [...names]);
      const { command, prefix } = pglcCommand(deps.extensionPath, readSettings().cliPath, opts.cwd);
      const fullArgs = [...prefix, ...args, ...(opts.env ? ['--env', opts.env] : []), '--json'];
      const shown = `pglc ${[...args, ...(opts.env ? ['--env', opts.env] : []), '--json'].join(' ')}`;
      const started = Date.now();
      deps.output.info(`$ ${shown}`);
      const result = await runChild<T>(command, fullArgs, {
        cwd: opts.cwd,
        // ELECTRON_RUN_AS_NODE makes VS Code desktop's executable behave as Node; plain Node ignores it.
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...passwords },
        token: opts.token,
        onEvent: (e) => {
          logEvent(deps.output, e);
          opts.onEvent?.(e);
        },
        onStray: (line) => deps.output.warn(`pglc: ${line}`),
      });
      const ms = Date.now() - started;
      if (result.ok) {
        deps.output.info(`✓ ${shown} (${ms} ms)`);
        const json = JSON.stringify(result.result);
        if (opts.quiet) deps.output.debug(json);
        else deps.output.info(json);
        return result.result;
      }
      // Which environment failed, for actions such as "Set Password for staging".
      const error: ErrorPayload = opts.env ? { ...result.error, details: { environment: opts.env, ...result.error.details } } : result.error;
      deps.output.error(`✗ ${shown} (${ms} ms): ${error.what} — ${error.why}. ${error.fix}`);
      if (error.details) deps.output.info(`details: ${JSON.stringify(error.details)}`);
      throw error;
    },
  };
}

function logEvent(output: vscode.LogOutputChannel, e: CliEvent): void {
  if (e.type === 'progress') {
    const count = e.current !== undefined && e.total !== undefined ? ` [${e.current}/${e.total}]` : '';
    output.info(`… ${e.message}${count}`);
  } else if (e.level === 'warn') {
    output.warn(e.message);
  } else {
    output.info(e.message);
  }
}

interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  token?: vscode.CancellationToken;
  onEvent(e: CliEvent): void;
  onStray(line: string): void;
}

/** Spawns the CLI and settles with its CliResult; a child that fails to give one is an `internal` error. */
function runChild<T>(command: string, args: string[], opts: ChildOptions): Promise<CliResult<T>> {
  return new Promise((resolve) => {
    const fail = (why: string): void =>
      resolve({
        ok: false,
        command: args.join(' '),
        error: {
          code: 'internal',
          what: 'pglc did not run',
          why,
          fix: 'Check the Postgres Lifecycle output; if pglc.cliPath is set, check that it points at pglc.',
        },
      });
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
      return;
    }
    let stdout = '';
    let stderrRest = '';
    let killTimer: NodeJS.Timeout | undefined;
    const onLine = (line: string) => {
      if (!line.trim()) return;
      const event = parseJson<CliEvent>(line);
      if (event && (event.type === 'progress' || event.type === 'log')) opts.onEvent(event);
      else opts.onStray(line);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (stderrRest + chunk).split('\n');
      stderrRest = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    const cancel = opts.token?.onCancellationRequested(() => {
      child.kill('SIGINT');
      killTimer = setTimeout(() => child.kill('SIGKILL'), CANCEL_GRACE_MS);
    });
    child.on('error', (e) => {
      cancel?.dispose();
      clearTimeout(killTimer);
      fail(`${command} could not be started: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      cancel?.dispose();
      clearTimeout(killTimer);
      onLine(stderrRest);
      const result = parseJson<CliResult<T>>(stdout.trim().split('\n').pop() ?? '');
      if (result && typeof result.ok === 'boolean') resolve(result);
      else if (signal === 'SIGKILL' && opts.token?.isCancellationRequested) resolve(killedResult(args));
      else fail(`it exited with ${signal ?? `code ${code}`} without a result${stdout.trim() ? ` (stdout: ${stdout.trim().slice(0, 200)})` : ''}`);
    });
  });
}

function killedResult<T>(args: string[]): CliResult<T> {
  const error: ErrorPayload = {
    code: 'cancelled',
    what: 'The operation was stopped',
    why: `pglc did not stop within ${CANCEL_GRACE_MS / 1000} s of the cancel request and was killed`,
    fix: 'Check the state with Migration Status: the open transaction was rolled back by the server when the connection dropped.',
  };
  return { ok: false, command: args.join(' '), error };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
