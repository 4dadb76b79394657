// Notifications after a scheduled run ([backup.notify]): a command (argv array, the JSON summary
// on stdin) and/or a webhook (the JSON summary POSTed) — enough to publish an event, send mail or
// open an issue (seeds 002–004) with whatever tool the user plugs in.
// Invariants: a notification never changes the run's result — failures and timeouts are logged
// as warnings and reported as 'failed', never thrown; the command runs without a shell; the
// webhook URL is expanded from ${VAR} only here and never appears in a message (it often holds a
// token): messages name its host only.

import type { BackupRunStatus } from '../../protocol/index';
import type { BackupConfig } from '../config/project-config';
import { expandVars } from '../config/expand-vars';
import { note, type OperationContext } from '../operation-context';
import { runProcess } from '../process/run-process';

export const NOTIFY_TIMEOUT_MS = 30_000;

export interface NotifyOutcome {
  command?: 'ok' | 'failed';
  webhook?: 'ok' | 'failed';
}

/**
 * Runs the configured notifications for `status`; resolves once all have finished or timed out.
 * @example await notifyRun(project.backup.notify, status, vars, project.root, ctx)
 */
export async function notifyRun(
  config: BackupConfig['notify'],
  status: BackupRunStatus,
  vars: Readonly<Record<string, string | undefined>>,
  cwd: string,
  ctx: OperationContext,
  timeoutMs = NOTIFY_TIMEOUT_MS,
): Promise<NotifyOutcome> {
  const out: NotifyOutcome = {};
  if (!config) return out;
  const body = JSON.stringify({ event: `backup.scheduled.${status.result}`, ...status }, null, 2) + '\n';
  const jobs: Promise<void>[] = [];
  if (config.command?.length) {
    jobs.push(
      (async () => {
        const [cmd, ...args] = config.command!;
        try {
          const r = await runProcess(cmd!, args, { env: { ...vars, PGLC_BACKUP_RESULT: status.result }, cwd, input: body, signal: AbortSignal.timeout(timeoutMs) });
          if (r.code === 0) out.command = 'ok';
          else {
            out.command = 'failed';
            note(ctx, `Notification command ${cmd} exited with ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`, 'warn');
          }
        } catch (e) {
          out.command = 'failed';
          const err = e as NodeJS.ErrnoException;
          note(ctx, `Notification command ${cmd} could not run: ${err.name === 'AbortError' ? `timed out after ${timeoutMs / 1000} s` : err.code === 'ENOENT' ? 'not found' : err.message}`, 'warn');
        }
      })(),
    );
  }
  if (config.webhook) {
    jobs.push(
      (async () => {
        let host = 'the webhook';
        try {
          const url = expandVars(config.webhook!, vars, { where: '[backup.notify] webhook' });
          host = new URL(url).host;
          const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': 'pglc' }, body, signal: AbortSignal.timeout(timeoutMs) });
          await r.arrayBuffer().catch(() => undefined);
          if (r.ok) out.webhook = 'ok';
          else {
            out.webhook = 'failed';
            note(ctx, `Webhook at ${host} answered HTTP ${r.status}`, 'warn');
          }
        } catch (e) {
          out.webhook = 'failed';
          const err = e as Error & { what?: string };
          const why = err.what ?? (err.name === 'TimeoutError' ? `timed out after ${timeoutMs / 1000} s` : (err as { cause?: { code?: string } }).cause?.code ?? err.message);
          note(ctx, `Webhook at ${host} failed: ${why}`, 'warn');
        }
      })(),
    );
  }
  await Promise.all(jobs);
  return out;
}
