// The ER diagram's geometry, shared by the layout (core, elkjs), the SVG export and the webview
// that draws it, so the three agree on the picture. Invariant: sizes are derived from text
// lengths with these constants only (no font measuring), so the layout is reproducible anywhere.

export const ERD = {
  headerHeight: 26,
  rowHeight: 18,
  charWidth: 7.2,
  padding: 8,
  minWidth: 120,
  /** Space inside a schema group around its tables. */
  groupPadding: 24,
  groupHeader: 22,
} as const;

export interface ErdNodeBox { id: string; x: number; y: number; width: number; height: number }
export interface ErdEdgePath { id: string; points: [number, number][] }
export interface ErdGroupBox { schema: string; x: number; y: number; width: number; height: number }

export interface ErdLayout {
  width: number;
  height: number;
  nodes: ErdNodeBox[];
  edges: ErdEdgePath[];
  groups: ErdGroupBox[];
  /** Columns are collapsed (header only) in this layout. */
  collapsed: boolean;
  durationMs: number;
}

/** A table's box size from its text. */
export function erdNodeSize(t: { schema: string; name: string; columns: { name: string; type: string }[] }, collapsed: boolean): { width: number; height: number } {
  const head = t.name.length + 2;
  const widest = Math.max(head, ...t.columns.map((c) => c.name.length + c.type.length + 6));
  return {
    width: Math.max(ERD.minWidth, Math.ceil(widest * ERD.charWidth + 2 * ERD.padding)),
    height: ERD.headerHeight + (collapsed ? 0 : t.columns.length * ERD.rowHeight) + 4,
  };
}
