// The Environments view: each environment of pglc.toml (from `pglc env list`), the active one
// marked ✓ and highlighted, protected ones marked; expanding one runs `pglc db status` and shows
// whether it is reachable and its server version (or the problem).
// Invariants: rows are plain data (commands receive them); contextValue is
// `environment.<active|inactive>[.protected][.password]`, which package.json's menus match; no
// password is ever shown (only whether one is stored).

import * as vscode from 'vscode';
import type { EnvironmentSummary, ErrorPayload } from '../../protocol/index';
import type { ConnectionState, EnvironmentStore } from '../environment-store';
import { hasPassword } from '../passwords';
import type { RefreshableTree } from './empty-tree-provider';
import { formatBytes } from '../format';

export interface EnvironmentNode {
  kind: 'environment';
  env: EnvironmentSummary;
  active: boolean;
  hasPassword: boolean;
}

export interface ConnectionNode {
  kind: 'connection';
  environment: string;
  state: ConnectionState;
}

export interface EnvironmentsProblemNode {
  kind: 'environments-problem';
  error: ErrorPayload;
}

export type EnvironmentsTreeNode = EnvironmentNode | ConnectionNode | EnvironmentsProblemNode;


export function environmentTreeItem(node: EnvironmentsTreeNode): vscode.TreeItem {
  if (node.kind === 'environments-problem') {
    const item = new vscode.TreeItem(node.error.what);
    item.description = node.error.why;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    item.tooltip = new vscode.MarkdownString(`**${node.error.what}**\n\n${node.error.why}.\n\n${node.error.fix}`);
    item.command = { title: 'Open pglc.toml', command: 'pglc.openConfig' };
    item.contextValue = 'environmentsProblem';
    return item;
  }
  if (node.kind === 'connection') {
    const s = node.state;
    if (s.ok && s.status.reachable) {
      const item = new vscode.TreeItem('reachable');
      const facts = [s.status.serverVersion ? `PostgreSQL ${s.status.serverVersion}` : '', s.status.database ?? '', s.status.sizeBytes !== undefined ? formatBytes(s.status.sizeBytes) : ''];
      item.description = facts.filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
      item.tooltip = `${s.status.target}${s.status.serverVersion ? ` — PostgreSQL ${s.status.serverVersion}` : ''}`;
      item.contextValue = 'connection.reachable';
      return item;
    }
    const why = s.ok ? (s.status.problem ?? 'the server does not answer') : `${s.error.what} — ${s.error.why}`;
    const item = new vscode.TreeItem('not reachable');
    item.description = why;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    item.tooltip = s.ok ? why : new vscode.MarkdownString(`**${s.error.what}**\n\n${s.error.why}.\n\n${s.error.fix}`);
    item.contextValue = `connection.failed.${(s.ok ? s.status.problemCode : s.error.code) ?? 'stopped'}`;
    const code = s.ok ? s.status.problemCode : s.error.code;
    if (code === 'auth-failed') item.command = { title: 'Set Password', command: 'pglc.env.setPassword', arguments: [node.environment] };
    return item;
  }
  const e = node.env;
  const label: vscode.TreeItemLabel = { label: e.name, highlights: node.active ? [[0, e.name.length]] : [] };
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `environment:${e.name}`;
  const where = e.kind === 'embedded' ? 'embedded local PostgreSQL' : (e.target ?? e.problem ?? '');
  item.description = [node.active ? '✓ active' : '', e.protected ? 'protected' : '', where].filter(Boolean).join(' · ');
  item.iconPath = e.protected
    ? new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.errorForeground'))
    : new vscode.ThemeIcon(node.active ? 'database' : 'circle-outline');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${e.name}**${node.active ? ' (active)' : ''}${e.protected ? ' — protected: destructive commands are blocked or need the database name typed' : ''}\n\n`);
  md.appendMarkdown(e.kind === 'embedded' ? `Embedded local PostgreSQL (\`${e.target ?? ''}\`)\n\n` : `Target: \`${e.target ?? '—'}\`\n\n`);
  if (e.problem) md.appendMarkdown(`⚠ ${e.problem}\n\n`);
  md.appendMarkdown(node.hasPassword ? 'A password is stored in the editor\'s secret storage.' : 'No password stored in the editor.');
  item.tooltip = md;
  item.contextValue = `environment.${node.active ? 'active' : 'inactive'}${e.protected ? '.protected' : ''}${node.hasPassword ? '.password' : ''}`;
  return item;
}

export function createEnvironmentsTree(envs: EnvironmentStore, secrets: vscode.SecretStorage): RefreshableTree<EnvironmentsTreeNode> {
  const changed = new vscode.EventEmitter<EnvironmentsTreeNode | undefined | void>();
  const subs = [envs.onDidChange(() => changed.fire()), secrets.onDidChange(() => changed.fire())];
  return {
    provider: {
      onDidChangeTreeData: changed.event,
      getTreeItem: environmentTreeItem,
      async getChildren(element) {
        if (!element) {
          const list = await envs.ensure();
          if (!list) {
            const problem = envs.problem();
            return problem && problem.code !== 'config-missing' ? [{ kind: 'environments-problem', error: problem }] : [];
          }
          const active = envs.active();
          return Promise.all(
            list.environments.map(async (env): Promise<EnvironmentNode> => ({
              kind: 'environment',
              env,
              active: env.name === active,
              hasPassword: await hasPassword(secrets, env.name),
            })),
          );
        }
        if (element.kind !== 'environment') return [];
        const state = envs.connection(element.env.name) ?? (await envs.testConnection(element.env.name));
        return [{ kind: 'connection', environment: element.env.name, state }];
      },
    },
    refresh: () => void envs.load(),
    dispose() {
      for (const s of subs) s.dispose();
      changed.dispose();
    },
  };
}
