// The ER diagram panel's host side: runs `pglc schema diagram --json` for the chosen source
// (the migrations' shadow database or an environment), sends the laid-out diagram to the
// webview, opens the migration that created a clicked table, exports (SVG, Mermaid, DBML via
// the CLI's own renderers; PNG rasterised by the webview from the CLI's SVG), and reloads when
// a migration file is saved while the migrations are shown.
// Invariants: one panel at a time (a second command reveals it); a newer load cancels the one
// running (its CLI child is stopped); messages from the webview are checked before use — a
// table id must be one the host sent, an export format one it knows.

import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ErDiagramFromWebview, ErDiagramInput, ErDiagramState, ErDiagramToWebview, SchemaDiagramResult } from '../protocol/index';
import type { CommandContext } from './commands/command-definition';
import { openFileAt } from './commands/open-migration';
import { isErrorPayload } from './failures';
import { openPanel, type Panel } from './webview-panel';

export const ER_DIAGRAM_VIEW_TYPE = 'pglc.erDiagram';

/** What the extension-host tests read. */
export interface ErDiagramPanelState {
  open: boolean;
  input?: ErDiagramInput;
  /** The last diagram sent to the webview. */
  diagram?: SchemaDiagramResult['diagram'];
  /** Loads completed (diagram or error) since the panel opened. */
  loads: number;
  /** The webview's report of its last drawing: ms from the diagram message to the first frame painted with it. */
  rendered?: { ms: number; buildMs: number; tables: number; elements: number };
  lastError?: string;
}

let current: { panel: Panel<ErDiagramToWebview>; input: ErDiagramInput; load(): Promise<void> } | undefined;
const info: ErDiagramPanelState = { open: false, loads: 0 };

export function erDiagramState(): ErDiagramPanelState {
  return { ...info, open: current !== undefined };
}

function sourceArgs(input: ErDiagramInput): string[] {
  return [
    ...(input.source === 'migrations' ? ['--migrations'] : ['--env', input.source]),
    ...(input.schemas?.length ? ['--schemas', input.schemas.join(',')] : []),
  ];
}

function isInput(x: unknown): x is ErDiagramInput {
  const i = x as ErDiagramInput | undefined;
  return !!i && typeof i.source === 'string' && typeof i.collapsed === 'boolean' && (i.schemas === undefined || (Array.isArray(i.schemas) && i.schemas.every((s) => typeof s === 'string')));
}

/**
 * Opens the ER diagram (or reveals it, switching to `source` when given).
 * @example await showErDiagramPanel(ctx, { source: 'migrations', collapsed: false });
 */
export function showErDiagramPanel(ctx: CommandContext, input: ErDiagramInput, revived?: vscode.WebviewPanel): void {
  if (current && !revived) {
    current.panel.panel.reveal();
    if (input.source !== current.input.source) {
      current.input = input;
      void current.load();
    }
    return;
  }
  const root = ctx.requireRoot();
  let loading: vscode.CancellationTokenSource | undefined;
  let pngWaiter: { resolve(d: string): void; reject(e: Error): void } | undefined;
  let sentIds = new Set<string>();
  let origins: Record<string, { file: string; line: number }> = {};

  const sources = () => ['migrations', ...(ctx.envs.list()?.environments.map((e) => e.name) ?? [])];

  const load = async (): Promise<void> => {
    loading?.cancel();
    const token = (loading = new vscode.CancellationTokenSource());
    const input = state.input;
    info.input = input;
    await panel.post({ type: 'loading', input });
    try {
      const r = await ctx.cli.run<SchemaDiagramResult>(['schema', 'diagram', ...sourceArgs(input), '--format', 'json', ...(input.collapsed ? ['--collapsed'] : [])], { cwd: root, token: token.token, quiet: true });
      if (token.token.isCancellationRequested) return;
      sentIds = new Set(r.diagram.tables.map((t) => t.id));
      origins = r.diagram.origins ?? {};
      info.diagram = r.diagram;
      info.lastError = undefined;
      await panel.post({ type: 'diagram', input, diagram: r.diagram, sources: sources(), allSchemas: r.allSchemas });
    } catch (e) {
      if (token.token.isCancellationRequested) return;
      const p = isErrorPayload(e) ? e : { what: 'The ER diagram could not be drawn', why: (e as Error).message ?? String(e), fix: 'See the Postgres Lifecycle output.' };
      info.lastError = p.what;
      await panel.post({ type: 'error', what: p.what, why: p.why, fix: p.fix });
    } finally {
      info.loads++;
    }
  };

  const state: { input: ErDiagramInput } = { input };
  const exportTo = async (format: 'svg' | 'png' | 'mermaid' | 'dbml') => {
    const ext = format === 'mermaid' ? 'mmd' : format;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(join(root, `er-diagram.${ext}`)),
      filters: { [format.toUpperCase()]: [ext] },
      title: `Export the ER diagram as ${format.toUpperCase()}`,
    });
    if (!target) return;
    if (format === 'png') {
      const svg = await ctx.cli.run<SchemaDiagramResult>(['schema', 'diagram', ...sourceArgs(state.input), '--format', 'svg', ...(state.input.collapsed ? ['--collapsed'] : [])], { cwd: root, quiet: true });
      const dataUrl = await new Promise<string>((resolve, reject) => {
        pngWaiter = { resolve, reject };
        void panel.post({ type: 'render-png', svg: svg.text ?? '', scale: 2 });
      });
      await vscode.workspace.fs.writeFile(target, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
    } else {
      await ctx.cli.run(['schema', 'diagram', ...sourceArgs(state.input), '--format', format, '-o', target.fsPath, ...(state.input.collapsed ? ['--collapsed'] : [])], { cwd: root, quiet: true });
    }
    void vscode.window.showInformationMessage(`ER diagram exported to ${vscode.workspace.asRelativePath(target)}`);
  };

  const panel = openPanel<ErDiagramToWebview, ErDiagramFromWebview>(
    ctx.extension.extensionUri,
    { viewType: ER_DIAGRAM_VIEW_TYPE, bundle: 'er-diagram', title: 'ER Diagram', styles: ['main.css'] },
    async (m) => {
      switch (m.type) {
        case 'ready':
        case 'refresh':
          await load();
          break;
        case 'set-input':
          if (!isInput(m.input)) return;
          state.input = m.input;
          if (current) current.input = m.input;
          await load();
          break;
        case 'open-table': {
          if (typeof m.id !== 'string' || !sentIds.has(m.id)) return;
          const o = origins[m.id];
          if (o) await openFileAt(join(root, o.file), o.line);
          else void vscode.window.showInformationMessage(`No migration creates ${m.id} by name (it may come from a function or another tool).`);
          break;
        }
        case 'export':
          if (['svg', 'png', 'mermaid', 'dbml'].includes(m.format)) await exportTo(m.format);
          break;
        case 'png-data':
          if (typeof m.dataUrl === 'string' && m.dataUrl.startsWith('data:image/png;base64,')) pngWaiter?.resolve(m.dataUrl);
          pngWaiter = undefined;
          break;
        case 'png-failed':
          pngWaiter?.reject(new Error(`The PNG could not be drawn: ${String(m.message)}`));
          pngWaiter = undefined;
          break;
        case 'rendered':
          if ([m.ms, m.buildMs, m.tables, m.elements].every((x) => typeof x === 'number')) {
            info.rendered = { ms: m.ms, buildMs: m.buildMs, tables: m.tables, elements: m.elements };
            ctx.output.debug(`ER diagram: ${m.tables} tables drawn in ${m.ms.toFixed(0)} ms (${m.elements} SVG elements)`);
          }
          break;
      }
    },
    revived,
  );
  current = { panel, input, load };
  info.loads = 0;
  info.diagram = undefined;
  info.rendered = undefined;

  // Live refresh: a saved migration changes what the migrations build.
  const onSave = vscode.workspace.onDidSaveTextDocument((doc) => {
    if (state.input.source === 'migrations' && doc.uri.fsPath.endsWith('.sql') && doc.uri.fsPath.startsWith(root)) void load();
  });
  void panel.closed.then(() => {
    onSave.dispose();
    loading?.cancel();
    if (current?.panel === panel) current = undefined;
  });
}

/** Brings the panel back after a window reload, with the input the webview saved. */
export function registerErDiagramSerializer(ctx: CommandContext): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(ER_DIAGRAM_VIEW_TYPE, {
    async deserializeWebviewPanel(webviewPanel, saved) {
      const s = saved as ErDiagramState | undefined;
      const input = s && isInput(s.input) ? s.input : { source: 'migrations', collapsed: false };
      if (!ctx.project.root()) {
        webviewPanel.dispose();
        return;
      }
      showErDiagramPanel(ctx, input, webviewPanel);
    },
  });
}
