// What `activate()` returns: the small surface the extension-host tests read through
// `vscode.extensions.getExtension(…).exports`. Invariant: types only, no behaviour; it grows only
// with facts tests need that the VS Code API cannot show.

/** Name and version the language server sent back in its `initialize` answer. */
export interface LanguageServerInfo {
  name: string;
  version?: string;
}

export interface PglcExtensionApi {
  /** Settles once the language server answered `initialize` (undefined if it failed to start). */
  languageServer: Promise<LanguageServerInfo | undefined>;
  /** Settles after the first scan for pglc.toml in the workspace folders. */
  projectScanned: Promise<void>;
}
