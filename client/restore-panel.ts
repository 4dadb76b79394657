// The restore confirmation panel on the host side: shows the plan (from `pglc restore … --dry-run`),
// takes the user's confirmation, checks it again here (the webview cannot confirm by itself),
// runs the restore (`pglc restore … --confirm <typed name>`, which checks the name once more) with
// its progress in the panel and a notification, and shows how it ended.
// Invariants: nothing runs before a confirmation this module accepted; the typed name is passed
// as typed (never replaced by the expected one); a reloaded panel asks for a fresh plan.

import * as vscode from 'vscode';
import {
  confirmationProblem,
  type RestorePanelInput,
  type RestorePanelStateMessage,
  type RestorePanelToHost,
  type RestorePanelToWebview,
  type RestorePlan,
  type RestoreResult,
} from '../protocol/index';
import type { CommandContext } from './commands/command-definition';
import { isErrorPayload } from './failures';
import { runOperation } from './operations';
import { openPanel, type Panel } from './webview-panel';

export const RESTORE_PANEL = 'pglc.restoreConfirm';

/** The open panel as tests drive it: what the host sent, and messages as if from the webview. */
export interface RestorePanelHandle {
  states: RestorePanelStateMessage[];
  send(message: RestorePanelToHost): Promise<void>;
}

let current: RestorePanelHandle | undefined;

/** The most recently opened restore panel, while it is open (the extension API exposes it to tests). */
export function currentRestorePanel(): RestorePanelHandle | undefined {
  return current;
}

/** What became of a panel: the result when it ran, undefined when it was cancelled or closed. */
export interface RestorePanelOutcome {
  result?: RestoreResult;
  panel: Panel<RestorePanelToWebview>;
}

/** `pglc restore <id> [args] --dry-run`: the plan the panel shows. */
export async function planRestore(ctx: CommandContext, input: RestorePanelInput): Promise<RestorePlan> {
  const r = await runOperation<RestoreResult>(ctx, {
    title: `Checking backup ${input.backupId} and planning the restore into ${input.environment}`,
    busy: 'planning restore',
    args: ['restore', input.backupId, ...input.args, '--dry-run'],
    env: input.environment,
  });
  return r.plan;
}

/**
 * Opens the panel for `plan` and settles when the restore ran (or failed), or the user cancelled.
 * Failures of the run are shown in the panel and rethrown (the command wrapper reports them too).
 */
export function showRestorePanel(ctx: CommandContext, input: RestorePanelInput, plan: RestorePlan, revived?: vscode.WebviewPanel): Promise<RestorePanelOutcome> {
  return new Promise((resolve, reject) => {
    let phase: RestorePanelStateMessage['phase'] = 'confirm';
    let settled = false;
    const handle: RestorePanelHandle = { states: [], send: async () => undefined };
    const state = (extra: Partial<RestorePanelStateMessage> = {}): RestorePanelStateMessage => {
      const m: RestorePanelStateMessage = { type: 'state', phase, input, plan, ...extra };
      handle.states.push(m);
      return m;
    };
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    const onMessage = async (m: RestorePanelToHost, p: Panel<RestorePanelToWebview>): Promise<void> => {
      if (m.type === 'ready') {
        await p.post(state());
        return;
      }
      if (phase !== 'confirm') return;
      if (m.type === 'cancel') {
        phase = 'cancelled';
        await p.post(state());
        settle(() => resolve({ panel: p }));
        return;
      }
      const problem = confirmationProblem(plan, m);
      if (problem) {
        await p.post(state({ rejected: problem }));
        return;
      }
      phase = 'running';
      await p.post(state({ progress: 'Starting…' }));
      try {
        const typed = plan.confirmation === 'typed-name' ? m.typedName : plan.target.database;
        const result = await runOperation<RestoreResult>(ctx, {
          title: `Restoring ${plan.backup.id} into ${plan.target.environment}`,
          busy: `restoring ${plan.target.environment}`,
          args: ['restore', input.backupId, ...input.args, '--confirm', typed],
          env: input.environment,
          onProgress: (progress) => void p.post(state({ progress })),
        });
        phase = 'done';
        await p.post(state({ result }));
        await ctx.views.backups.reload();
        settle(() => resolve({ result, panel: p }));
      } catch (e) {
        phase = isErrorPayload(e) && e.code === 'cancelled' ? 'cancelled' : 'failed';
        const error = isErrorPayload(e) ? { what: e.what, why: e.why, fix: e.fix } : { what: 'The restore failed', why: String(e), fix: 'See the Postgres Lifecycle output.' };
        await p.post(state({ error }));
        await ctx.views.backups.reload();
        settle(() => reject(e));
      }
    };
    const panel = openPanel<RestorePanelToWebview, RestorePanelToHost>(
      ctx.extension.extensionUri,
      { viewType: RESTORE_PANEL, bundle: 'restore-confirm', title: `Restore into ${plan.target.environment}`, styles: ['panel.css'] },
      onMessage,
      revived,
    );
    handle.send = async (m) => {
      await onMessage(m, panel);
    };
    current = handle;
    void panel.closed.then(() => {
      if (current === handle) current = undefined;
      settle(() => resolve({ panel }));
    });
  });
}

/** Brings back a panel VS Code restored after a reload: a fresh plan for the saved input. */
export function registerRestorePanelSerializer(ctx: CommandContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(RESTORE_PANEL, {
    async deserializeWebviewPanel(webviewPanel, saved: unknown) {
      const input = (saved as { input?: RestorePanelInput } | undefined)?.input;
      if (!input || typeof input.backupId !== 'string' || typeof input.environment !== 'string' || !Array.isArray(input.args)) {
        webviewPanel.dispose();
        return;
      }
      try {
        const plan = await planRestore(ctx, input);
        void showRestorePanel(ctx, input, plan, webviewPanel).catch(() => undefined);
      } catch (e) {
        webviewPanel.dispose();
        ctx.output.error(`The restore panel could not be restored: ${isErrorPayload(e) ? `${e.what} — ${e.why}` : String(e)}`);
      }
    },
  });
}
