// The backup status bar item: "$(archive) Last backup 3 h ago ✓" for the active environment, from
// `pglc backup status --json` (✓ when that backup's last verification passed), in the warning
// colour when it is older than `pglc.backupWarningHours` or the last scheduled run failed, and
// "$(archive) No backup" (warning) when there is none; clicking it focuses the Backups view.
// It reads the status again when the active environment changes, after every load of the Backups
// view (which backup commands reload) and every REFRESH_MS.
// Invariants: text, tooltip and colour are a function of the last status read (and the clock);
// `state()` reports exactly what is shown (for the tests); reads never overlap.

import * as vscode from 'vscode';
import type { BackupStatusResult, ErrorPayload } from '../protocol/index';
import type { StatusBarState } from './api';
import type { EnvironmentStore } from './environment-store';
import { isErrorPayload } from './failures';
import type { PglcCli } from './pglc-cli';
import { readSettings } from './settings';
import { formatAge, formatBytes } from './format';

export const FOCUS_BACKUPS_COMMAND = 'pglc.backups.focus';
const REFRESH_MS = 10 * 60_000;
const WARNING_BACKGROUND = 'statusBarItem.warningBackground';

export interface BackupStatusBar extends vscode.Disposable {
  /** Reads `backup status` again; settles once a read that started after this call has finished. */
  refresh(): Promise<void>;
  idle(): Promise<void>;
  state(): StatusBarState;
}

/** What the item shows for a status (pure, so it is testable without an editor). */
export function backupStatusView(
  status: BackupStatusResult,
  warningHours: number,
  now = Date.now(),
): { text: string; warning: boolean; tooltip: string } {
  const latest = status.latest;
  const runFailed = status.lastRun?.result === 'failed';
  const lines: string[] = [];
  if (!latest) {
    lines.push(`No backup of ${status.environment ?? 'this environment'} yet. Click to open the Backups view.`);
    if (runFailed) lines.push(`⚠ Last scheduled run failed: ${status.lastRun!.message}`);
    return { text: '$(archive) No backup', warning: true, tooltip: lines.join('\n\n') };
  }
  const ageHours = (now - new Date(latest.createdAt).getTime()) / 3_600_000;
  const verified = latest.lastVerifyResult === 'ok';
  const old = ageHours > warningHours;
  lines.push(`Last backup of ${status.environment ?? latest.environment}: ${latest.id} (${formatAge(latest.createdAt, now)}, ${formatBytes(latest.totalSize)})`);
  lines.push(verified ? '✓ verified' : latest.lastVerifyResult === 'failed' ? '✗ its last verification failed' : 'not verified yet');
  if (old) lines.push(`⚠ older than ${warningHours} h (pglc.backupWarningHours)`);
  if (runFailed) lines.push(`⚠ Last scheduled run failed: ${status.lastRun!.message}`);
  if (status.schedule?.nextRun) lines.push(`Next scheduled run: ${status.schedule.nextRun}`);
  lines.push('Click to open the Backups view.');
  return { text: `$(archive) Last backup ${formatAge(latest.createdAt, now)}${verified ? ' ✓' : ''}`, warning: old || runFailed, tooltip: lines.join('\n\n') };
}

export function createBackupStatusBar(deps: {
  cli: PglcCli;
  envs: EnvironmentStore;
  root(): string | undefined;
  /** Fires when the Backups view read its list again. */
  onBackupsLoaded: vscode.Event<void>;
}): BackupStatusBar {
  const item = vscode.window.createStatusBarItem('pglc.backupStatus', vscode.StatusBarAlignment.Left, 49);
  item.name = 'Postgres Lifecycle Backups';
  item.command = FOCUS_BACKUPS_COMMAND;
  let shown: { visible: boolean; background?: string } = { visible: false };
  let running: Promise<void> | undefined;
  let dirty = false;
  let lastEnvironment: string | undefined;

  const show = (text: string, tooltip: string, warning: boolean) => {
    item.text = text;
    item.tooltip = tooltip;
    shown = { visible: true, background: warning ? WARNING_BACKGROUND : undefined };
    item.backgroundColor = warning ? new vscode.ThemeColor(WARNING_BACKGROUND) : undefined;
    item.show();
  };
  const hide = () => {
    shown = { visible: false };
    item.hide();
  };

  const readOnce = async (): Promise<void> => {
    const root = deps.root();
    const environment = deps.envs.active();
    lastEnvironment = environment;
    if (!root || !environment) return hide();
    try {
      const status = await deps.cli.run<BackupStatusResult>(['backup', 'status'], { cwd: root, env: environment, quiet: true });
      const v = backupStatusView(status, readSettings(vscode.Uri.file(root)).backupWarningHours);
      show(v.text, v.tooltip, v.warning);
    } catch (e) {
      const error: ErrorPayload | undefined = isErrorPayload(e) ? e : undefined;
      show('$(archive) Backups ?', error ? `${error.what} — ${error.why}. ${error.fix}` : `pglc backup status failed — ${String(e)}`, true);
    }
  };
  const loop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      await readOnce();
    }
  };
  const refresh = (): Promise<void> => {
    dirty = true;
    running ??= loop().finally(() => (running = undefined));
    return running;
  };

  const timer = setInterval(() => void refresh(), REFRESH_MS);
  const subs = [
    deps.onBackupsLoaded(() => void refresh()),
    deps.envs.onDidChange(() => {
      if (deps.envs.active() !== lastEnvironment) void refresh();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('pglc.backupWarningHours')) void refresh();
    }),
  ];

  return {
    refresh,
    async idle() {
      while (running) await running;
    },
    state() {
      return {
        visible: shown.visible,
        text: item.text,
        tooltip: typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''),
        backgroundColor: shown.background,
        command: FOCUS_BACKUPS_COMMAND,
      };
    },
    dispose() {
      clearInterval(timer);
      for (const s of subs) s.dispose();
      item.dispose();
    },
  };
}
