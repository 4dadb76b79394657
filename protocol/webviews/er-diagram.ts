// Messages of the ER diagram panel (webviews/er-diagram ↔ client/er-diagram-panel.ts).
// Invariant: the webview asks, the host decides — opening files, running pglc and writing
// exports happen in the host; the webview only draws what it is sent.

import type { ErdDiagram } from '../schema';
import type { WebviewErrorMessage, WebviewPersistedState, WebviewReadyMessage } from '../webview';

/** What the panel shows; kept across reloads. */
export interface ErDiagramInput {
  /** `migrations` or an environment name. */
  source: string;
  collapsed: boolean;
  /** Only these schemas (undefined: all). */
  schemas?: string[];
}

export type ErDiagramToWebview =
  | { type: 'loading'; input: ErDiagramInput }
  | { type: 'diagram'; input: ErDiagramInput; diagram: ErdDiagram; sources: string[]; allSchemas: string[] }
  | { type: 'render-png'; svg: string; scale: number }
  | WebviewErrorMessage;

export type ErDiagramFromWebview =
  | WebviewReadyMessage
  | { type: 'set-input'; input: ErDiagramInput }
  | { type: 'refresh' }
  | { type: 'open-table'; id: string }
  | { type: 'export'; format: 'svg' | 'png' | 'mermaid' | 'dbml' }
  | { type: 'png-data'; dataUrl: string }
  | { type: 'png-failed'; message: string }
  /** A diagram message was drawn: `ms` from its arrival to the first frame painted with it (`buildMs`: building the SVG). */
  | { type: 'rendered'; ms: number; buildMs: number; tables: number; elements: number };

export interface ErDiagramState extends WebviewPersistedState<ErDiagramInput> {
  view?: { x: number; y: number; scale: number };
  search?: string;
}
