// Where a command's events and result go: JSON lines (--json) or a human terminal.
// Invariant: with --json, stdout carries exactly one CliResult and nothing else; events go to
// stderr one JSON document per line. Human mode writes results to stdout, progress to stderr.

import type { CliEvent, CliResult, ErrorPayload } from '../../protocol/index';
import { bold, dim, red, yellow, cyan } from './style';

export interface Reporter {
  readonly json: boolean;
  event(e: CliEvent): void;
  /** Clears any progress line before other output. */
  settle(): void;
  success(command: string, result: unknown, human: () => string | undefined): void;
  failure(command: string, error: ErrorPayload): void;
}

export function jsonReporter(): Reporter {
  return {
    json: true,
    event: (e) => process.stderr.write(JSON.stringify(e) + '\n'),
    settle: () => undefined,
    success: (command, result) => process.stdout.write(JSON.stringify({ ok: true, command, result } satisfies CliResult) + '\n'),
    failure: (command, error) => process.stdout.write(JSON.stringify({ ok: false, command, error } satisfies CliResult) + '\n'),
  };
}

export function humanReporter(): Reporter {
  const tty = Boolean(process.stderr.isTTY);
  let progressShown = false;
  const settle = () => {
    if (progressShown) {
      process.stderr.write('\r\u001b[2K');
      progressShown = false;
    }
  };
  return {
    json: false,
    settle,
    event(e) {
      if (e.type === 'progress') {
        const count = e.total !== undefined && e.current !== undefined ? dim(` [${e.current}/${e.total}]`, process.stderr) : '';
        if (tty) {
          settle();
          process.stderr.write(`${cyan('…', process.stderr)} ${e.message}${count}`);
          progressShown = true;
        } else {
          process.stderr.write(`… ${e.message}${count}\n`);
        }
        return;
      }
      settle();
      const tag = e.level === 'warn' ? yellow('warning:', process.stderr) : e.level === 'note' ? cyan('note:', process.stderr) : dim('info:', process.stderr);
      process.stderr.write(`${tag} ${e.message}\n`);
    },
    success(_command, _result, human) {
      settle();
      const text = human();
      if (!text) return;
      // two writes: `text + '\n'` would copy a long result (pglc db lint --format json: 11 MB) once more
      process.stdout.write(text);
      if (!text.endsWith('\n')) process.stdout.write('\n');
    },
    failure(_command, error) {
      settle();
      const lines = [`${red('✖', process.stderr)} ${bold(error.what, process.stderr)}`, `  why: ${error.why}`, `  fix: ${error.fix}`];
      const d = error.details ?? {};
      if (typeof d.file === 'string') lines.splice(1, 0, `  at ${d.file}${d.line ? `:${d.line}${d.column ? `:${d.column}` : ''}` : ''}`);
      if (typeof d.detail === 'string' && d.detail) lines.push(`  detail: ${d.detail}`);
      if (typeof d.hint === 'string' && d.hint) lines.push(`  hint: ${d.hint}`);
      process.stderr.write(lines.join('\n') + '\n');
    },
  };
}
