// Creates the container's tree views (Migrations, Environments, Backups, Branches).
// Invariant: every view id in VIEW_IDS gets exactly one registered tree, disposed with the extension.

import * as vscode from 'vscode';
import { emptyTreeProvider, type RefreshableTree } from './empty-tree-provider';
import { VIEW_IDS, type ViewName } from './view-ids';

export interface Views {
  /** Asks every view to redraw (after a migration, a new pglc.toml, …). */
  refresh(): void;
}

export function registerViews(context: vscode.ExtensionContext): Views {
  const trees = new Map<ViewName, RefreshableTree<unknown>>();
  for (const [name, id] of Object.entries(VIEW_IDS) as [ViewName, string][]) {
    const tree = emptyTreeProvider();
    trees.set(name, tree);
    context.subscriptions.push(tree, vscode.window.createTreeView(id, { treeDataProvider: tree.provider }));
  }
  return {
    refresh: () => {
      for (const t of trees.values()) t.refresh();
    },
  };
}
