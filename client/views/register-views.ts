// Creates the container's tree views: Migrations and Environments (fed by `pglc … --json`
// through the stores), Backups (its own `pglc backup list` reads), and Branches (empty, with
// welcome content, until its issue).
// Invariant: every view id in VIEW_IDS gets exactly one registered tree, disposed with the extension.

import * as vscode from 'vscode';
import type { EnvironmentStore } from '../environment-store';
import type { MigrationStatusStore } from '../migration-status';
import type { PglcCli } from '../pglc-cli';
import { createBackupsTree, type BackupsTree } from './backups-tree';
import { emptyTreeProvider, type RefreshableTree } from './empty-tree-provider';
import { createEnvironmentsTree, type EnvironmentsTreeNode } from './environments-tree';
import { createMigrationsTree, type MigrationsTreeNode } from './migrations-tree';
import { VIEW_IDS, type ViewName } from './view-ids';

export interface Views {
  /** Asks every view to redraw (after a migration, a new pglc.toml, …). */
  refresh(): void;
  migrations: vscode.TreeDataProvider<MigrationsTreeNode>;
  environments: vscode.TreeDataProvider<EnvironmentsTreeNode>;
  /** The Backups view's tree (backup commands reload it; the backup status bar follows its loads). */
  backups: BackupsTree;
}

export function registerViews(
  context: vscode.ExtensionContext,
  stores: { status: MigrationStatusStore; envs: EnvironmentStore; cli: PglcCli; root(): string | undefined },
): Views {
  const migrations = createMigrationsTree(stores.status);
  const environments = createEnvironmentsTree(stores.envs, context.secrets);
  const backups = createBackupsTree(stores);
  const trees = new Map<ViewName, RefreshableTree<unknown>>([
    ['migrations', migrations as RefreshableTree<unknown>],
    ['environments', environments as RefreshableTree<unknown>],
    ['backups', backups as RefreshableTree<unknown>],
  ]);
  for (const [name, id] of Object.entries(VIEW_IDS) as [ViewName, string][]) {
    const tree = trees.get(name) ?? emptyTreeProvider();
    trees.set(name, tree);
    const view = vscode.window.createTreeView(id, { treeDataProvider: tree.provider, showCollapseAll: false });
    if (name === 'migrations') migrations.attach(view as vscode.TreeView<MigrationsTreeNode>);
    context.subscriptions.push(tree, view);
  }
  return {
    refresh: () => {
      // One `env list` + one `migrate:status`; both trees redraw from the stores' change events.
      void stores.status.refresh({ environments: true });
      for (const [name, t] of trees) if (name !== 'migrations' && name !== 'environments') t.refresh();
    },
    migrations: migrations.provider,
    environments: environments.provider,
    backups,
  };
}
