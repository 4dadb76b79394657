// The Migrations view: one row per migration of the active environment, from the last
// `pglc db migrate:status` snapshot (client/migration-status.ts) — label `0003 create_comments`,
// the state as description and icon, details in the tooltip, click opens the file. Above them,
// when the schema has drifted from the applied migrations, a Drift row ("2 objects no migration
// creates") whose children are those objects, with Absorb Drift… on it; when drift could not be
// checked, the row says why and offers what fixes it. When the status cannot be read, one row
// says why and offers the action that fixes it.
// Invariants: rows are plain data (MigrationNode / DriftNode / DriftObjectNode / ProblemNode) —
// commands receive them as arguments; contextValue is `migration.<state>` plus `.last` on the
// last applied migration, `drift.absorbable` / `drift.unavailable` / `drift.order` on the drift
// row, which package.json's menus match; no drift, no row.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ErrorPayload, MigrationState, MigrationStatusDrift, MigrationStatusRow } from '../../protocol/index';
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

/** The drift of the environment's schema from its applied migrations (or why it was not checked). */
export interface DriftNode {
  kind: 'drift';
  drift: MigrationStatusDrift;
  environment: string;
  /** The project root (files named by the drift's problem are relative to it). */
  root: string;
}

/** One object of the drift. */
export interface DriftObjectNode {
  kind: 'drift-object';
  /** unmanaged: no migration creates it; missing: the migrations create it, the environment lacks it. */
  change: 'unmanaged' | 'missing' | 'different' | 'column-order';
  /** `table public.audit` */
  object: string;
  detail?: string;
  environment: string;
}

export type MigrationsTreeNode = MigrationNode | DriftNode | DriftObjectNode | ProblemNode;

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
  const environment = snapshot.status.environment;
  const drift = snapshot.drift;
  const driftRow: DriftNode[] = drift && (drift.state === 'unavailable' || !drift.identical || drift.columnOrder.length > 0) ? [{ kind: 'drift', drift, environment, root: snapshot.root }] : [];
  return [
    ...driftRow,
    ...rows.map((row): MigrationNode => ({
      kind: 'migration',
      row,
      path: row.file && row.state !== 'missing' ? join(snapshot.root, row.file) : undefined,
      last: row.version === lastVersion,
      environment,
    })),
  ];
}

/** The objects under a drift row, in the order the CLI lists them. */
export function driftObjectNodes(node: DriftNode): DriftObjectNode[] {
  const d = node.drift;
  const environment = node.environment;
  return [
    ...d.unmanaged.map((object): DriftObjectNode => ({ kind: 'drift-object', change: 'unmanaged', object, environment })),
    ...d.missing.map((object): DriftObjectNode => ({ kind: 'drift-object', change: 'missing', object, environment })),
    ...d.different.map((line): DriftObjectNode => {
      const i = line.indexOf(': ');
      return { kind: 'drift-object', change: 'different', object: i < 0 ? line : line.slice(0, i), ...(i < 0 ? {} : { detail: line.slice(i + 2) }), environment };
    }),
    ...d.columnOrder.map((c): DriftObjectNode => ({ kind: 'drift-object', change: 'column-order', object: `table ${c.table}`, detail: `columns ${c.target.join(', ')} here; the migrations put ${c.result.join(', ')}`, environment })),
  ];
}

/** "2 objects no migration creates · 1 missing · 1 shaped differently" */
export function driftSummary(d: MigrationStatusDrift): string {
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  const parts = [
    d.unmanaged.length && `${n(d.unmanaged.length, 'object')} no migration creates`,
    d.missing.length && `${d.missing.length} missing`,
    d.different.length && `${d.different.length} shaped differently`,
  ].filter(Boolean) as string[];
  if (!parts.length && d.columnOrder.length) parts.push(`column order differs in ${n(d.columnOrder.length, 'table')} (not drift)`);
  return parts.join(' · ');
}

function driftItem(node: DriftNode): vscode.TreeItem {
  const d = node.drift;
  if (d.state === 'unavailable') {
    const e = d.problem ?? { code: 'internal' as const, what: 'unknown reason', why: 'no reason was given', fix: 'Run pglc db migrate:status in a terminal.' };
    const item = new vscode.TreeItem('Drift not checked', vscode.TreeItemCollapsibleState.None);
    item.id = `drift:${node.environment}`;
    item.description = e.what;
    item.iconPath = new vscode.ThemeIcon('info');
    item.tooltip = new vscode.MarkdownString(`**Drift of ${node.environment} was not checked** — ${e.what}: ${e.why}.\n\n${e.fix}`);
    item.contextValue = 'drift.unavailable';
    const action = failureActions(e)[0];
    if (action?.kind === 'start-local') item.command = { title: action.title, command: 'pglc.db.start' };
    else if (action?.kind === 'open-file') item.command = { title: action.title, command: EditorCommands.openMigration, arguments: [join(node.root, action.file)] };
    else item.command = { title: 'Open Output', command: EditorCommands.showOutput };
    return item;
  }
  const absorbable = !d.identical;
  const item = new vscode.TreeItem(absorbable ? 'Drift' : 'Column order', vscode.TreeItemCollapsibleState.Expanded);
  item.id = `drift:${node.environment}`;
  item.description = driftSummary(d);
  item.iconPath = absorbable ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon('info');
  const md = new vscode.MarkdownString();
  md.appendMarkdown(absorbable
    ? `**${node.environment}'s schema has drifted** from what its applied migrations build${d.upTo ? ` (up to ${d.upTo})` : ''}: ${driftSummary(d)}.\n\n`
    : `**${node.environment}** has no drift, but ${driftSummary(d)}: PostgreSQL cannot move columns, so no migration can absorb it.\n\n`);
  if (absorbable) md.appendMarkdown('**Absorb Drift…** writes the catch-up migration (self-checked) and records it as applied here, without changing the schema. **Check Schema Drift** shows its SQL.\n\n');
  for (const n of d.notes) md.appendMarkdown(`${n}\n\n`);
  item.tooltip = md;
  item.contextValue = absorbable ? 'drift.absorbable' : 'drift.order';
  return item;
}

const CHANGE_TEXT: Record<DriftObjectNode['change'], string> = {
  unmanaged: 'no migration creates it',
  missing: 'the migrations create it; missing here',
  different: 'shaped differently',
  'column-order': 'column order differs (not drift)',
};

function driftObjectItem(node: DriftObjectNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.object, vscode.TreeItemCollapsibleState.None);
  item.id = `drift:${node.environment}:${node.change}:${node.object}`;
  item.description = node.detail ?? CHANGE_TEXT[node.change];
  const icon = { unmanaged: 'diff-added', missing: 'diff-removed', different: 'diff-modified', 'column-order': 'list-ordered' }[node.change];
  item.iconPath = new vscode.ThemeIcon(icon);
  item.tooltip = `${node.object} — ${CHANGE_TEXT[node.change]}${node.detail ? `\n${node.detail}` : ''}`;
  item.contextValue = `driftObject.${node.change}`;
  return item;
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
  if (node.kind === 'drift') return driftItem(node);
  if (node.kind === 'drift-object') return driftObjectItem(node);
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
        if (element) return element.kind === 'drift' ? driftObjectNodes(element) : [];
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
