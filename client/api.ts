// What `activate()` returns: the small surface the extension-host tests (and the activation
// benchmark) read through `vscode.extensions.getExtension(…).exports`. Invariant: types only, no
// behaviour; it grows only with facts tests need that the VS Code API cannot show (tree
// providers, the status bar's text, the last command failure, answers to the prompts).

import type { RestorePanelHandle } from './restore-panel';
import type * as vscode from 'vscode';
import type { CliEvent, ErrorPayload } from '../protocol/index';
import type { ErDiagramPanelState } from './er-diagram-panel';
import type { Prompter } from './prompts';

/** Name and version the language server sent back in its `initialize` answer. */
export interface LanguageServerInfo {
  name: string;
  version?: string;
}

/** What the status bar item shows. */
export interface StatusBarState {
  visible: boolean;
  text: string;
  tooltip: string;
  /** Theme colour id of the background (`statusBarItem.errorBackground` on protected environments). */
  backgroundColor?: string;
  /** The environment's colour from pglc.toml. */
  color?: string;
  command: string;
}

/** The last failure a command reported (what its error message showed). */
export interface CommandFailure {
  commandId: string;
  error: ErrorPayload;
  message: string;
  /** The buttons offered with the message. */
  actions: string[];
}

export interface PglcExtensionApi {
  /** Settles once the language server answered `initialize` (undefined if it failed to start). */
  languageServer: Promise<LanguageServerInfo | undefined>;
  /** Settles after the first scan for pglc.toml in the workspace folders. */
  projectScanned: Promise<void>;
  /** How long `activate()` took, in ms (the language server's start is not included: it is not awaited). */
  activationMs: number;
  /** The providers behind the Migrations, Environments and Backups views. */
  trees: {
    migrations: vscode.TreeDataProvider<unknown>;
    environments: vscode.TreeDataProvider<unknown>;
    backups: vscode.TreeDataProvider<unknown>;
  };
  statusBar(): StatusBarState;
  /** What the backup status bar item shows ("$(archive) Last backup 3 h ago ✓"). */
  backupStatusBar(): StatusBarState;
  /** Settles when no Backups view load and no backup status read is queued or running. */
  backupsIdle(): Promise<void>;
  activeEnvironment(): string | undefined;
  /** Settles when no migration status refresh is queued or running. */
  idle(): Promise<void>;
  lastFailure(): CommandFailure | undefined;
  /** The open restore confirmation panel: what the host sent it, and messages as if from it (tests). */
  restorePanel(): RestorePanelHandle | undefined;
  /** The ER diagram panel: open or not, its input, the last diagram it was sent. */
  erDiagram(): ErDiagramPanelState;
  /** Answers the extension's questions instead of dialogs (tests); undefined restores the dialogs. */
  setPrompter(p: Prompter | undefined): void;
  /** Runs `pglc <args> --json` in the project root as the commands do. */
  runPglc<T>(args: string[], options?: { env?: string; token?: vscode.CancellationToken; onEvent?(e: CliEvent): void }): Promise<T>;
}
