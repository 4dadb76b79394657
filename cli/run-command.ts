// The one wrapper every command runs through: builds the OperationContext, wires Ctrl-C to
// cancellation, asks for typed confirmation when a guard needs it, and turns results and
// errors into output and exit codes.
// Invariants: expected failures print what / why / fix and never a stack; --json output follows
// protocol/cli-events.ts exactly; exit codes are 0 ok, 1 failed (or a result that is a failing
// verdict, such as lint findings), 2 usage.

import { userInfo } from 'node:os';
import { ExitCode, type ErrorPayload } from '../protocol/index';
import { isPglcError, PglcError } from '../core/errors';
import type { OperationContext } from '../core/operation-context';
import type { CommandDefinition, CommandInput } from './command-definition';
import { humanReporter, jsonReporter } from './output/reporter';
import { ask } from './prompt';
import { bold, yellow } from './output/style';

export async function runCommand(def: CommandDefinition, input: CommandInput): Promise<number> {
  const json = Boolean(input.opts.json);
  const reporter = json ? jsonReporter() : humanReporter();
  const name = def.path.join(' ');
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    reporter.event({ type: 'log', level: 'warn', message: 'Cancelling… (press Ctrl-C again to quit at once)' });
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  const ctx: OperationContext = {
    env: process.env,
    cwd: process.env.PGLC_CWD ?? process.cwd(),
    signal: controller.signal,
    report: (e) => reporter.event(e),
    actor: safeUser(),
  };
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await def.run(input, ctx);
        reporter.success(name, result, () => def.render(result, input));
        return def.exitCode?.(result) ?? (def.failed?.(result) ? ExitCode.failed : ExitCode.ok);
      } catch (e) {
        // Guards check before anything changes, so asking and running again is safe.
        if (isPglcError(e) && e.code === 'confirmation-required' && attempt === 0 && input.opts.confirm === undefined) {
          const typed = await askForConfirmation(e, json, reporter.settle);
          if (typed !== undefined) {
            input.opts.confirm = typed;
            continue;
          }
        }
        throw e;
      }
    }
  } catch (e) {
    const payload = toPayload(e);
    reporter.failure(name, payload);
    return payload.code === 'usage' ? ExitCode.usage : ExitCode.failed;
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}

async function askForConfirmation(e: PglcError, json: boolean, settle: () => void): Promise<string | undefined> {
  const d = (e.details ?? {}) as { environment?: string; database?: string };
  settle();
  const question =
    `${yellow('⚠', process.stderr)}  ${bold(e.what, process.stderr)}\n` +
    `   ${e.why}.\n` +
    `   Type the database name (${d.database}) to continue, or press Enter to stop: `;
  const typed = await ask(question, json);
  return typed ? typed : undefined;
}

export function toPayload(e: unknown): ErrorPayload {
  if (isPglcError(e)) return e.toPayload();
  const err = e as Error;
  return {
    code: 'internal',
    what: 'pglc hit an internal error',
    why: err?.message ?? String(e),
    fix: process.env.PGLC_DEBUG
      ? `This is a bug. Stack:\n${err?.stack ?? ''}`
      : 'This is a bug in pglc; run again with PGLC_DEBUG=1 for the stack and report it.',
  };
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
