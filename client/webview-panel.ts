// Webview panels of the extension (restore confirmation, ER diagram, …): the page with a strict
// Content-Security-Policy, typed message passing, and revival after a window reload.
// Invariants: a panel loads only its own bundle and stylesheets from dist/webviews (nonce'd
// script, no inline code, no remote resource); data reaches it only through postMessage after
// it says `ready`; the host never trusts a message's content without checking it (a panel is
// UI, not authority — e.g. a typed database name is checked again here and by the CLI).

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface PanelSpec {
  /** The panel's view type, e.g. `pglc.restoreConfirm` (also its `onWebviewPanel:` activation event). */
  viewType: string;
  /** Bundle name: `webviews/<bundle>/main.ts` → `dist/webviews/<bundle>.js` (+ `<bundle>-*.css`). */
  bundle: string;
  title: string;
  /** Extra stylesheets of the bundle, e.g. `['main.css']` → `dist/webviews/<bundle>-main.css`. */
  styles?: string[];
  column?: vscode.ViewColumn;
}

export interface Panel<ToWebview> {
  readonly panel: vscode.WebviewPanel;
  post(message: ToWebview): Thenable<boolean>;
  /** Settles when the panel is closed (by the user or dispose()). */
  readonly closed: Promise<void>;
  dispose(): void;
}

/** The Content-Security-Policy of every panel: nothing but our own files, the script by nonce. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** The panel's HTML: an empty body the bundle fills once the host has sent its data. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, spec: PanelSpec): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', name)).toString();
  const styles = ['base.css', ...(spec.styles ?? []).map((s) => `${spec.bundle}-${s}`)];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="UTF-8">',
    `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(webview.cspSource, nonce)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
    ...styles.map((s) => `<link rel="stylesheet" href="${asset(s)}">`),
    `<title>${escapeHtml(spec.title)}</title>`,
    '</head>',
    `<body data-panel="${escapeHtml(spec.bundle)}">`,
    '<main id="app" aria-live="polite"></main>',
    `<script nonce="${nonce}" src="${asset(`${spec.bundle}.js`)}"></script>`,
    '</body>',
    '</html>',
  ].join('\n');
}

/**
 * Opens (or, after a reload, revives) a panel and routes its messages to `onMessage`.
 * @example
 * const p = openPanel(context.extensionUri, spec, async (m, p) => { if (m.type === 'ready') await p.post({ type: 'init', plan }); });
 */
export function openPanel<ToWebview, FromWebview extends { type: string }>(
  extensionUri: vscode.Uri,
  spec: PanelSpec,
  onMessage: (message: FromWebview, panel: Panel<ToWebview>) => void | Promise<void>,
  revived?: vscode.WebviewPanel,
): Panel<ToWebview> {
  const webviewPanel =
    revived ??
    vscode.window.createWebviewPanel(spec.viewType, spec.title, spec.column ?? vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')],
    });
  webviewPanel.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')] };
  webviewPanel.title = spec.title;
  webviewPanel.webview.html = panelHtml(webviewPanel.webview, extensionUri, spec);
  let closedResolve!: () => void;
  const closed = new Promise<void>((r) => (closedResolve = r));
  const panel: Panel<ToWebview> = {
    panel: webviewPanel,
    post: (m) => webviewPanel.webview.postMessage(m),
    closed,
    dispose: () => webviewPanel.dispose(),
  };
  const subscription = webviewPanel.webview.onDidReceiveMessage((m: unknown) => {
    const message = m as { type?: unknown } | undefined;
    if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
    void Promise.resolve(onMessage(message as FromWebview, panel)).catch((e: unknown) => {
      const err = e as { what?: string; why?: string; fix?: string; message?: string };
      void panel.post({ type: 'error', what: err.what ?? 'The panel hit an error', why: err.why ?? err.message ?? String(e), fix: err.fix ?? 'Close the panel and try again.' } as ToWebview);
    });
  });
  webviewPanel.onDidDispose(() => {
    subscription.dispose();
    closedResolve();
  });
  return panel;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
