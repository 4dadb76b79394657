// Every question the extension asks the user (modal confirmations, input boxes, quick picks)
// goes through one Prompter, so the extension-host tests can answer them (and read what was
// asked) through the extension API instead of clicking dialogs.
// Invariant: commands never call vscode.window.show{Warning,Input,QuickPick}… for questions
// directly; a test prompter only answers, it cannot skip a question (the CLI re-checks guards).

import * as vscode from 'vscode';

export interface AskOptions {
  /** A modal dialog (destructive actions); otherwise a notification with buttons. */
  modal?: boolean;
  detail?: string;
}

export interface Prompter {
  /** A warning with buttons; resolves with the chosen button's title, undefined when dismissed. */
  ask(message: string, options: AskOptions, ...buttons: string[]): Promise<string | undefined>;
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
  pick<T extends vscode.QuickPickItem>(items: readonly T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
}

export const windowPrompter: Prompter = {
  ask: async (message, options, ...buttons) => vscode.window.showWarningMessage(message, { modal: options.modal ?? false, detail: options.detail }, ...buttons),
  input: async (options) => vscode.window.showInputBox(options),
  pick: async (items, options) => vscode.window.showQuickPick(items, options),
};

/** The prompter in use: the window's, or one a test installed. */
export interface PrompterSlot {
  current(): Prompter;
  replace(p: Prompter | undefined): void;
}

export function prompterSlot(): PrompterSlot {
  let override: Prompter | undefined;
  return { current: () => override ?? windowPrompter, replace: (p) => (override = p) };
}

/** "0002, 0003 and 0004" */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}
