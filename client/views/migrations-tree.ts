// The Migrations view: one row per migration of the active environment, from the last
// `pglc db migrate:status` snapshot (client/migration-status.ts) — label `0003 create_comments`,
// the state as description and icon, details in the tooltip, click opens the file. When the
// status cannot be read, one row says why and offers the action that fixes it.
// Invariants: rows are plain data (MigrationNode / ProblemNode) — commands receive them as
// arguments; contextValue is `migration.<state>` plus `.last` on the last applied migration,
// which package.json's menus match.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ErrorPayload, MigrationState, MigrationStatusRow } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import type { MigrationStatusSnapshot, MigrationStatusStore } from '../migration-status';
import { failureActions } from '../failures';
import type { RefreshableTree } from './empty-tree-provider';
import { formatDuration } from '../format';

export interface MigrationNode {
  kind: 'migration';
  row: MigrationStatusRow;
  /** Absolute path of the migration's file (undefined when the file is missing). */
  path?: string;
  /** The newest applied migration (the one Rollback Last reverts). */
  last: boolean;
  environment: string;
}

export interface ProblemNode {
  kind: 'problem';
  error: ErrorPayload;
  environment?: string;
}

export type MigrationsTreeNode = MigrationNode | ProblemNode;

export const STATE_TEXT: Record<MigrationState, string> = {
  applied: 'applied',
  pending: 'pending',
  modified: 'modified since applied',
  missing: 'file missing',
  'out-of-order': 'out of order',
};

function stateIcon(state: MigrationState): vscode.ThemeIcon {
  switch (state) {
    case 'applied':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'pending':
      return new vscode.ThemeIcon('circle-outline');
    case 'modified':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'missing':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'out-of-order':
      return new vscode.ThemeIcon('arrow-swap', new vscode.ThemeColor('list.warningForeground'));
  }
}

/** The rows of a snapshot: migrations, or one problem row. */
export function migrationNodes(snapshot: MigrationStatusSnapshot | undefined): MigrationsTreeNode[] {
  if (!snapshot) return [];
  if (snapshot.error || !snapshot.status) {
    return [{ kind: 'problem', error: snapshot.error ?? { code: 'internal', what: 'No status', why: 'the status was not read', fix: 'Refresh.' }, environment: snapshot.environment }];
  }
  const rows = snapshot.status.rows;
  // Rollback reverts the newest recorded version (rows come in version order).
  const applied = rows.filter((r) => r.state === 'applied' || r.state === 'modified' || r.state === 'missing');
  const lastVersion = applied[applied.length - 1]?.version;
  return rows.map((row) => ({
    kind: 'migration',
    row,
    path: row.file && row.state !== 'missing' ? join(snapshot.root, row.file) : undefined,
    last: row.version === lastVersion,
    environment: snapshot.status!.environment,
  }));
}


function migrationTooltip(node: MigrationNode): vscode.MarkdownString {
  const r = node.row;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${r.version} ${r.name}** — ${STATE_TEXT[r.state]} on *${node.environment}*\n\n`);
  if (r.appliedAt) md.appendMarkdown(`Applied at: ${r.appliedAt.replace('T', ' ').replace(/\.\d+/, '')}${r.appliedBy ? ` by ${r.appliedBy}` : ''}\n\n`);
  if (r.durationMs !== undefined) md.appendMarkdown(`Duration: ${formatDuration(r.durationMs)}\n\n`);
  if (r.appliedChecksum) {
    md.appendMarkdown(r.checksum && r.checksum !== r.appliedChecksum ? 'Checksum: ⚠ the Up section changed since it was applied\n\n' : 'Checksum: matches the applied Up section\n\n');
  }
  if (r.state === 'out-of-order') md.appendMarkdown('Older than the newest applied migration (applying it needs "Apply up to here").\n\n');
  if (r.state === 'missing') md.appendMarkdown('Recorded as applied, but no file has this version any more.\n\n');
  if (r.file) md.appendMarkdown(`File: \`${r.file}\`\n\n`);
  if (r.noTransaction) md.appendMarkdown('Runs outside a transaction.\n\n');
  if (!r.hasDown) md.appendMarkdown('No Down section (cannot be rolled back).\n\n');
  return md;
}

function problemItem(node: ProblemNode): vscode.TreeItem {
  const e = node.error;
  const item = new vscode.TreeItem(e.what, vscode.TreeItemCollapsibleState.None);
  item.description = e.why;
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  item.tooltip = new vscode.MarkdownString(`**${e.what}**\n\n${e.why}.\n\n${e.fix}`);
  const action = failureActions(e)[0];
  item.contextValue = `migrationsProblem.${e.code}`;
  if (action?.kind === 'set-password') {
    item.command = { title: action.title, command: 'pglc.env.setPassword', arguments: [action.environment ?? node.environment] };
  } else if (action?.kind === 'open-config') {
    item.command = { title: action.title, command: 'pglc.openConfig' };
  } else {
    item.command = { title: 'Open Output', command: EditorCommands.showOutput };
  }
  return item;
}

export function migrationTreeItem(node: MigrationsTreeNode): vscode.TreeItem {
  if (node.kind === 'problem') return problemItem(node);
  const r = node.row;
  const item = new vscode.TreeItem(`${r.version} ${r.name}`, vscode.TreeItemCollapsibleState.None);
  item.id = `migration:${r.version}`;
  item.description = STATE_TEXT[r.state];
  item.iconPath = stateIcon(r.state);
  item.tooltip = migrationTooltip(node);
  item.contextValue = `migration.${r.state}${node.last ? '.last' : ''}`;
  if (node.path) item.command = { title: 'Open Migration', command: EditorCommands.openMigration, arguments: [node.path] };
  return item;
}

export function createMigrationsTree(status: MigrationStatusStore): RefreshableTree<MigrationsTreeNode> & {
  attach(view: vscode.TreeView<MigrationsTreeNode>): void;
} {
  const changed = new vscode.EventEmitter<void>();
  let view: vscode.TreeView<MigrationsTreeNode> | undefined;
  const describe = () => {
    if (!view) return;
    const s = status.current()?.status;
    view.description = s ? `${s.environment} · ${s.database}` : status.current()?.environment;
  };
  const sub = status.onDidChange(() => {
    describe();
    changed.fire();
  });
  return {
    provider: {
      onDidChangeTreeData: changed.event,
      getTreeItem: migrationTreeItem,
      async getChildren(element) {
        if (element) return [];
        if (!status.current()) await status.idle();
        return migrationNodes(status.current());
      },
    },
    attach(v) {
      view = v;
      describe();
    },
    refresh: () => void status.refresh(),
    dispose() {
      sub.dispose();
      changed.dispose();
    },
  };
}
