// What every webview panel and the extension host say to each other, whatever the panel.
// Invariant: webviews take data only through these messages (postMessage), never from the HTML;
// each panel's own messages live in protocol/webviews/<panel>.ts and extend these.

/** Sent by the webview once its script has run and it listens: the host answers with its data. */
export interface WebviewReadyMessage {
  type: 'ready';
}

/** Sent by the host when the panel's data could not be produced (the webview shows it). */
export interface WebviewErrorMessage {
  type: 'error';
  what: string;
  why: string;
  fix: string;
}

/** What a panel keeps in `vscode.setState` so it comes back as it was after a reload. */
export interface WebviewPersistedState<T = unknown> {
  /** The panel's input (e.g. which backup and environment), enough for the host to rebuild it. */
  input: T;
}
