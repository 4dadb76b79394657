// A tree provider with no items yet: VS Code then shows the view's welcome content from
// package.json. The real trees (fed by `pglc … --json`) replace it view by view.
// Invariant: `refresh()` is the only way a view is asked to redraw.

import * as vscode from 'vscode';

export interface RefreshableTree<T> extends vscode.Disposable {
  provider: vscode.TreeDataProvider<T>;
  refresh(): void;
}

export function emptyTreeProvider(): RefreshableTree<never> {
  const changed = new vscode.EventEmitter<void>();
  return {
    provider: {
      onDidChangeTreeData: changed.event,
      getTreeItem: (item: never) => item,
      getChildren: () => [],
    },
    refresh: () => changed.fire(),
    dispose: () => changed.dispose(),
  };
}
