// The status bar item showing the active environment ("$(database) local"), in the error colour
// on a protected environment and in the environment's own `color` otherwise; clicking it switches
// environment; while an operation runs it shows a spinner ("$(sync~spin) migrating local…").
// Invariant: its text, tooltip and colours are a function of the environment store plus the
// running operations; `state()` reports exactly what is shown (for the tests).

import * as vscode from 'vscode';
import type { StatusBarState } from './api';
import type { EnvironmentStore } from './environment-store';

export const SWITCH_ENVIRONMENT_COMMAND = 'pglc.env.switch';

export interface EnvironmentStatusBar extends vscode.Disposable {
  /** Shows `label` with a spinner until the returned disposable is disposed. */
  busy(label: string): vscode.Disposable;
  state(): StatusBarState;
}

/** A colour from pglc.toml: `#rrggbb` as is, anything else as a theme colour id. */
function colourOf(colour: string | undefined): string | vscode.ThemeColor | undefined {
  if (!colour) return undefined;
  return colour.startsWith('#') ? colour : new vscode.ThemeColor(colour);
}

const PROTECTED_BACKGROUND = 'statusBarItem.errorBackground';

export function createEnvironmentStatusBar(envs: EnvironmentStore, visible: () => boolean): EnvironmentStatusBar {
  const item = vscode.window.createStatusBarItem('pglc.environment', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Postgres Lifecycle Environment';
  item.command = SWITCH_ENVIRONMENT_COMMAND;
  const running: string[] = [];
  // What was set, by id (ThemeColor does not expose its id in the API's types).
  let shown: { background?: string; color?: string } = {};

  const update = () => {
    const name = envs.active();
    const env = envs.activeSummary();
    if (!visible() || !name) {
      item.hide();
      return;
    }
    item.text = running.length ? `$(sync~spin) ${running[running.length - 1]}…` : `$(database) ${name}`;
    shown = env?.protected ? { background: PROTECTED_BACKGROUND } : { color: env?.color };
    item.backgroundColor = shown.background ? new vscode.ThemeColor(shown.background) : undefined;
    item.color = colourOf(shown.color);
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown(`**Postgres Lifecycle** — environment **${name}**${env?.protected ? ' (protected)' : ''}\n\n`);
    if (env?.kind === 'embedded') tooltip.appendMarkdown(`Embedded local PostgreSQL (\`${env.target ?? ''}\`)\n\n`);
    else if (env?.target) tooltip.appendMarkdown(`Target: \`${env.target}\`\n\n`);
    if (env?.problem) tooltip.appendMarkdown(`⚠ ${env.problem}\n\n`);
    if (running.length) tooltip.appendMarkdown(`Running: ${running.join(', ')}\n\n`);
    tooltip.appendMarkdown('Click to switch environment.');
    item.tooltip = tooltip;
    item.show();
  };
  const sub = envs.onDidChange(update);
  update();

  return {
    busy(label) {
      running.push(label);
      update();
      return new vscode.Disposable(() => {
        const i = running.lastIndexOf(label);
        if (i >= 0) running.splice(i, 1);
        update();
      });
    },
    state() {
      return {
        visible: visible() && Boolean(envs.active()),
        text: item.text,
        tooltip: typeof item.tooltip === 'string' ? item.tooltip : (item.tooltip?.value ?? ''),
        backgroundColor: shown.background,
        color: shown.color,
        command: SWITCH_ENVIRONMENT_COMMAND,
      };
    },
    dispose() {
      sub.dispose();
      item.dispose();
    },
  };
}
