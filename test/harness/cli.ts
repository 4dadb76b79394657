// Runs the built `pglc` (dist/pglc.js, what users get) as a child process, like the editor and
// cron do, and parses its --json contract. Invariant: tests of the CLI go through the real
// binary and the real process boundary.

import { spawn } from 'node:child_process';
import { mkdtempSync, chmodSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import type { CliEvent, CliResult } from '../../protocol/index';

export const pglcPath = resolve(__dirname, '../../dist/pglc.js');

/** CliResult without the union, so assertions can read `.error.code` directly. */
export interface LooseResult {
  ok: boolean;
  command: string;
  result?: any;
  error?: { code: string; what: string; why: string; fix: string; details?: any };
}

export interface PglcRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Parsed stdout when --json was passed (loosely typed: tests assert on its fields). */
  result?: LooseResult;
  /** Parsed stderr lines when --json was passed. */
  events: CliEvent[];
}

export function runPglc(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; input?: string; signal?: AbortSignal }): Promise<PglcRun> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...opts.env })) if (v !== undefined) env[k] = v;
    delete env.PGLC_CWD;
    const child = spawn(process.execPath, [pglcPath, ...args], { cwd: opts.cwd, env, signal: opts.signal });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => ((e as { name?: string }).name === 'AbortError' ? undefined : reject(e)));
    child.on('close', (code) => {
      const run: PglcRun = { code, stdout, stderr, events: [] };
      if (args.includes('--json')) {
        try {
          run.result = JSON.parse(stdout) as LooseResult & CliResult;
        } catch {
          // left undefined: the test asserting on it will say what stdout was
        }
        run.events = stderr.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as CliEvent);
      }
      resolvePromise(run);
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** A temp project folder (readable by the postgres OS user) with the given files. */
export function tempProject(files: Record<string, string>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-project-'));
  chmodSync(dir, 0o755);
  for (const [rel, text] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** pglc.toml with a `test` environment whose URL comes from ${TEST_DATABASE_URL}. */
export function tomlFor(opts: { protected?: boolean; migrations?: string } = {}): string {
  return [
    '[project]',
    'name = "clitest"',
    opts.migrations ? `migrations = "${opts.migrations}"` : '',
    '',
    '[environments.test]',
    'url = "${TEST_DATABASE_URL}"',
    opts.protected ? 'protected = true' : '',
    '',
  ].join('\n');
}
