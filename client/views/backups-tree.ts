// The Backups view: the active environment's backups from `pglc backup list --remote --json`
// (without --remote when the remote storage is not configured or cannot be read), grouped by local day, newest first;
// leftovers (incomplete backups) apart under "Incomplete (n)". Each row says when, which, tags,
// size, encryption and where it is stored, with its verification state as the icon.
// Invariants: rows are plain data (BackupNode…) that commands receive as arguments; contextValue
// is `backup.<local|remote|both>.<verified|unverified|failed>` (and `backupLeftover.<location>`),
// which package.json's menus match; loads never overlap (a reload asked for during one runs once
// more after it), and `onDidLoad` fires after every load so the backup status bar can follow.
// The databases restores replaced (`pglc restore old`) are a group of their own, read only when
// the environment's server is known to be reachable (an embedded cluster is never started for it).

import * as vscode from 'vscode';
import type { BackupListResult, BackupLocation, BackupSummary, ErrorPayload, ReplacedDatabase, ReplacedDatabasesResult } from '../../protocol/index';
import type { EnvironmentStore } from '../environment-store';
import { failureActions, isErrorPayload, noProjectError } from '../failures';
import type { PglcCli } from '../pglc-cli';
import type { RefreshableTree } from './empty-tree-provider';
import { formatAge, formatBytes, localDay, localTime } from '../format';

export interface BackupNode {
  kind: 'backup';
  backup: BackupSummary;
  environment: string;
}

export interface BackupDayNode {
  kind: 'backup-day';
  /** Local date, `YYYY-MM-DD`. */
  day: string;
  backups: BackupNode[];
}

export type BackupLeftover = BackupListResult['leftovers'][number];

export interface BackupLeftoverNode {
  kind: 'backup-leftover';
  leftover: BackupLeftover;
  environment: string;
}

export interface BackupLeftoversNode {
  kind: 'backup-leftovers';
  leftovers: BackupLeftoverNode[];
}

export interface BackupsProblemNode {
  kind: 'backups-problem';
  error: ErrorPayload;
  environment?: string;
}

export interface ReplacedDatabaseNode {
  kind: 'replaced-database';
  replaced: ReplacedDatabase;
  environment: string;
}

export interface ReplacedDatabasesNode {
  kind: 'replaced-databases';
  databases: ReplacedDatabaseNode[];
}

export type BackupsTreeNode = BackupNode | BackupDayNode | BackupLeftoverNode | BackupLeftoversNode | BackupsProblemNode | ReplacedDatabaseNode | ReplacedDatabasesNode;

/** What the view shows: the last list read, or why it could not be read. */
export interface BackupsSnapshot {
  environment?: string;
  list?: BackupListResult;
  /** False when the list came without --remote (no remote storage configured). */
  remote: boolean;
  error?: ErrorPayload;
  /** Databases restores replaced on the environment's server (when it was read). */
  replaced?: ReplacedDatabasesResult;
}

export interface BackupsTree extends RefreshableTree<BackupsTreeNode> {
  /** Reads the list again; settles once a read that started after this call has finished. */
  reload(): Promise<void>;
  /** Settles when no read is queued or running. */
  idle(): Promise<void>;
  current(): BackupsSnapshot | undefined;
  /** Fires after every read (the status bar reads `backup status` again then). */
  readonly onDidLoad: vscode.Event<void>;
}

export const LOCATION_TEXT: Record<BackupLocation, string> = { local: 'local', remote: 'remote only', both: 'local + remote' };

export function verifyState(b: BackupSummary): 'verified' | 'unverified' | 'failed' {
  return b.lastVerifyResult === 'ok' ? 'verified' : b.lastVerifyResult === 'failed' ? 'failed' : 'unverified';
}

/** The rows of a snapshot: day groups (newest first), then "Incomplete (n)"; or one problem row. */
export function backupNodes(snapshot: BackupsSnapshot | undefined): BackupsTreeNode[] {
  if (!snapshot) return [];
  if (snapshot.error || !snapshot.list) {
    const error = snapshot.error ?? { code: 'internal', what: 'No backup list', why: 'it was not read', fix: 'Refresh.' };
    return error.code === 'config-missing' ? [] : [{ kind: 'backups-problem', error, environment: snapshot.environment }];
  }
  const environment = snapshot.environment ?? '';
  const backups = snapshot.list.backups
    .filter((b) => b.complete)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
    .map((backup): BackupNode => ({ kind: 'backup', backup, environment }));
  const days = new Map<string, BackupNode[]>();
  for (const n of backups) {
    const day = localDay(n.backup.createdAt);
    days.set(day, [...(days.get(day) ?? []), n]);
  }
  const nodes: BackupsTreeNode[] = [...days].map(([day, list]) => ({ kind: 'backup-day', day, backups: list }));
  if (snapshot.list.leftovers.length) {
    nodes.push({ kind: 'backup-leftovers', leftovers: snapshot.list.leftovers.map((leftover) => ({ kind: 'backup-leftover', leftover, environment })) });
  }
  if (snapshot.replaced?.databases.length) {
    nodes.push({ kind: 'replaced-databases', databases: snapshot.replaced.databases.map((replaced) => ({ kind: 'replaced-database', replaced, environment })) });
  }
  return nodes;
}

function backupTooltip(node: BackupNode): vscode.MarkdownString {
  const b = node.backup;
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${b.id}**${b.name ? ` — ${b.name}` : ''}\n\n`);
  md.appendMarkdown(`Created: ${localDay(b.createdAt)} ${localTime(b.createdAt)} (${formatAge(b.createdAt)})\n\n`);
  md.appendMarkdown(`Environment: ${b.environment} · database \`${b.database}\`\n\n`);
  md.appendMarkdown(`Size: ${formatBytes(b.totalSize)} · ${b.format} format · ${b.scope}${b.encrypted ? ' · encrypted (AES-256-GCM)' : ' · not encrypted'}\n\n`);
  md.appendMarkdown(`Tags: ${b.tags.length ? b.tags.join(', ') : 'none'}\n\n`);
  md.appendMarkdown(`Stored: ${LOCATION_TEXT[b.location]}\n\n`);
  if (b.lastVerifyResult && b.lastVerifiedAt) {
    md.appendMarkdown(`Verification: ${b.lastVerifyResult === 'ok' ? '✓ passed' : '✗ failed'}${b.lastVerifyDeep ? ' (deep)' : ''} on ${localDay(b.lastVerifiedAt)} ${localTime(b.lastVerifiedAt)}\n\n`);
  } else {
    md.appendMarkdown('Verification: never verified\n\n');
  }
  return md;
}

function verifyIcon(state: 'verified' | 'unverified' | 'failed'): vscode.ThemeIcon {
  if (state === 'verified') return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  if (state === 'failed') return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
  return new vscode.ThemeIcon('circle-outline');
}

export function backupTreeItem(node: BackupsTreeNode): vscode.TreeItem {
  switch (node.kind) {
    case 'backups-problem': {
      const e = node.error;
      const item = new vscode.TreeItem(e.what);
      item.description = e.why;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
      item.tooltip = new vscode.MarkdownString(`**${e.what}**\n\n${e.why}.\n\n${e.fix}`);
      item.contextValue = `backupsProblem.${e.code}`;
      const action = failureActions(e)[0];
      if (action?.kind === 'set-password') item.command = { title: action.title, command: 'pglc.env.setPassword', arguments: [action.environment ?? node.environment] };
      else if (action?.kind === 'open-config') item.command = { title: action.title, command: 'pglc.openConfig' };
      else item.command = { title: 'Open Output', command: 'pglc.showOutput' };
      return item;
    }
    case 'backup-day': {
      const item = new vscode.TreeItem(`${node.day} (${node.backups.length})`, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `backup-day:${node.day}`;
      item.iconPath = new vscode.ThemeIcon('calendar');
      item.contextValue = 'backupDay';
      return item;
    }
    case 'backup-leftovers': {
      const item = new vscode.TreeItem(`Incomplete (${node.leftovers.length})`, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = 'backup-leftovers';
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.tooltip = 'Backup folders without a complete manifest (interrupted or failed runs). They are not backups; Prune Backups removes stale ones.';
      item.contextValue = 'backupLeftovers';
      return item;
    }
    case 'backup-leftover': {
      const l = node.leftover;
      const item = new vscode.TreeItem(l.id);
      item.id = `backup-leftover:${l.location}:${l.id}`;
      item.description = [formatBytes(l.size), l.location, l.modifiedAt ? formatAge(l.modifiedAt) : ''].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.tooltip = `${l.id} — incomplete (no complete manifest), ${formatBytes(l.size)} in the ${l.location} store`;
      item.contextValue = `backupLeftover.${l.location}`;
      return item;
    }
    case 'replaced-databases': {
      const item = new vscode.TreeItem(`Replaced by restores (${node.databases.length})`, vscode.TreeItemCollapsibleState.Expanded);
      item.id = 'replaced-databases';
      item.iconPath = new vscode.ThemeIcon('history');
      item.tooltip = 'Databases that restores replaced, kept on the server so a restore can be undone. Drop them when you no longer need them.';
      item.contextValue = 'replacedDatabases';
      return item;
    }
    case 'replaced-database': {
      const r = node.replaced;
      const item = new vscode.TreeItem(r.name);
      item.id = `replaced-database:${r.name}`;
      item.description = [`was ${r.database}`, formatAge(r.replacedAt), formatBytes(r.sizeBytes), r.undoable ? 'undo brings it back' : '', r.expired ? 'expired' : ''].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon(r.undoable ? 'discard' : 'database');
      item.tooltip = new vscode.MarkdownString(`**${r.name}**

The database \`${r.database}\` was before a restore on ${localDay(r.replacedAt)} ${localTime(r.replacedAt)}${r.backupId ? ` (backup ${r.backupId})` : ''}.

${r.undoable ? 'Undo Last Restore swaps it back in.' : 'An older replaced database: drop it when it is no longer needed.'}`);
      item.contextValue = `replacedDatabase.${r.undoable ? 'undoable' : 'kept'}`;
      return item;
    }
    case 'backup': {
      const b = node.backup;
      const state = verifyState(b);
      const item = new vscode.TreeItem(`${localTime(b.createdAt)} ${b.name ?? b.id}`);
      item.id = `backup:${b.id}`;
      item.description = [b.tags.join(', '), formatBytes(b.totalSize), b.encrypted ? '🔒' : '', LOCATION_TEXT[b.location]].filter(Boolean).join(' · ');
      item.iconPath = verifyIcon(state);
      item.tooltip = backupTooltip(node);
      item.contextValue = `backup.${b.location}.${state}`;
      return item;
    }
  }
}

function asError(e: unknown, what: string): ErrorPayload {
  return isErrorPayload(e) ? e : { code: 'internal', what, why: String(e), fix: 'See the Postgres Lifecycle output.' };
}

export function createBackupsTree(deps: { cli: PglcCli; envs: EnvironmentStore; root(): string | undefined }): BackupsTree {
  const changed = new vscode.EventEmitter<void>();
  const loaded = new vscode.EventEmitter<void>();
  let snapshot: BackupsSnapshot | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let lastEnvironment: string | undefined;

  const readOnce = async (): Promise<void> => {
    const root = deps.root();
    if (!root) {
      snapshot = { remote: false, error: noProjectError() };
      return;
    }
    await deps.envs.ensure();
    const environment = deps.envs.active();
    lastEnvironment = environment;
    if (!environment) {
      snapshot = { remote: false, error: deps.envs.problem() ?? noProjectError() };
      return;
    }
    const run = (args: string[]) => deps.cli.run<BackupListResult>(args, { cwd: root, env: environment, quiet: true });
    try {
      snapshot = { environment, remote: true, list: await run(['backup', 'list', '--remote']) };
    } catch (e) {
      // No remote, or one that cannot be read now: the local store is still worth showing.
      if (!isErrorPayload(e) || !e.code.startsWith('storage-')) {
        snapshot = { environment, remote: true, error: asError(e, 'pglc backup list failed') };
        return;
      }
      try {
        snapshot = { environment, remote: false, list: await run(['backup', 'list']) };
      } catch (e2) {
        snapshot = { environment, remote: false, error: asError(e2, 'pglc backup list failed') };
      }
    }
    const summary = deps.envs.find(environment);
    if (snapshot.list && (summary?.kind === 'url' || deps.envs.connection(environment)?.ok)) {
      // A server that cannot be reached now only hides the group; the backups are still shown.
      const replaced = await deps.cli.run<ReplacedDatabasesResult>(['restore', 'old'], { cwd: root, env: environment, quiet: true }).catch(() => undefined);
      if (replaced) snapshot = { ...snapshot, replaced };
    }
  };

  const loop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      await readOnce();
      changed.fire();
      loaded.fire();
    }
  };
  const reload = (): Promise<void> => {
    dirty = true;
    running ??= loop().finally(() => (running = undefined));
    return running;
  };
  // The environment store also fires for connection tests: reload only when the active one changed.
  const sub = deps.envs.onDidChange(() => {
    if (snapshot && deps.envs.active() !== lastEnvironment) void reload();
  });

  return {
    provider: {
      onDidChangeTreeData: changed.event,
      getTreeItem: backupTreeItem,
      async getChildren(element) {
        if (!element) {
          if (!snapshot) await reload();
          return backupNodes(snapshot);
        }
        if (element.kind === 'backup-day') return element.backups;
        if (element.kind === 'backup-leftovers') return element.leftovers;
        if (element.kind === 'replaced-databases') return element.databases;
        return [];
      },
    },
    reload,
    refresh: () => void reload(),
    async idle() {
      while (running) await running;
    },
    current: () => snapshot,
    onDidLoad: loaded.event,
    dispose() {
      sub.dispose();
      changed.dispose();
      loaded.dispose();
    },
  };
}
