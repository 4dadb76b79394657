// The ER diagram as a standalone SVG file (`pglc schema diagram --format svg`), drawn from the
// same elkjs layout as the webview. Invariants: every text goes through escapeXml (names can
// hold any character); the file has no script and no external reference; colours are fixed
// light-theme values because a file has no editor theme.

import { ERD, type ErdDiagram, type ErdLayout } from '../../protocol/index';

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const n = (x: number) => String(Math.round(x * 10) / 10);

/**
 * @example renderSvg(diagram, await layoutErd(diagram)).startsWith('<svg')
 */
export function renderSvg(d: ErdDiagram, layout: ErdLayout): string {
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${n(layout.width)}" height="${n(layout.height)}" viewBox="0 0 ${n(layout.width)} ${n(layout.height)}" font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" font-size="12">`);
  out.push('<defs><marker id="one" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="10" markerHeight="10" orient="auto-start-reverse"><path d="M9,0 L9,10 M6,0 L6,10" stroke="#555" fill="none"/></marker></defs>');
  out.push('<rect width="100%" height="100%" fill="#ffffff"/>');
  for (const g of layout.groups) {
    out.push(`<g class="schema" data-schema="${escapeXml(g.schema)}"><rect x="${n(g.x)}" y="${n(g.y)}" width="${n(g.width)}" height="${n(g.height)}" rx="6" fill="#f6f8fa" stroke="#d0d7de"/><text x="${n(g.x + 10)}" y="${n(g.y + 16)}" fill="#57606a" font-weight="bold">${escapeXml(g.schema)}</text></g>`);
  }
  const rel = new Map(d.relations.map((r) => [r.id, r]));
  for (const e of layout.edges) {
    const r = rel.get(e.id);
    const points = e.points.map(([x, y]) => `${n(x)},${n(y)}`).join(' ');
    out.push(`<polyline class="relation" data-id="${escapeXml(e.id)}" points="${points}" fill="none" stroke="#6e7781" stroke-width="1.2"${r?.toCardinality === 'zero-or-one' ? ' stroke-dasharray="4 3"' : ''} marker-end="url(#one)"><title>${escapeXml(r ? `${r.name}: ${r.definition}` : e.id)}</title></polyline>`);
  }
  const tables = new Map(d.tables.map((t) => [t.id, t]));
  for (const b of layout.nodes) {
    const t = tables.get(b.id);
    if (!t) continue;
    out.push(`<g class="table" data-id="${escapeXml(t.id)}">`);
    out.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${n(b.height)}" rx="4" fill="#ffffff" stroke="#8c959f"/>`);
    out.push(`<rect x="${n(b.x)}" y="${n(b.y)}" width="${n(b.width)}" height="${ERD.headerHeight}" rx="4" fill="${t.kind === 'table' || t.kind === 'partitioned' ? '#ddf4ff' : '#fff8c5'}" stroke="#8c959f"/>`);
    out.push(`<text x="${n(b.x + ERD.padding)}" y="${n(b.y + 17)}" font-weight="bold" fill="#1f2328">${escapeXml(t.name)}${t.kind === 'view' ? ' (view)' : t.kind === 'materialized-view' ? ' (mat. view)' : ''}</text>`);
    if (!layout.collapsed) {
      t.columns.forEach((c, i) => {
        const y = b.y + ERD.headerHeight + (i + 1) * ERD.rowHeight - 5;
        const mark = c.primaryKey ? 'PK ' : c.foreignKey ? 'FK ' : c.unique ? 'UK ' : '';
        out.push(`<text class="column" x="${n(b.x + ERD.padding)}" y="${n(y)}" fill="#1f2328"${c.primaryKey ? ' font-weight="bold"' : ''}>${escapeXml(`${mark}${c.name}${c.nullable ? '?' : ''}`)}</text>`);
        out.push(`<text x="${n(b.x + b.width - ERD.padding)}" y="${n(y)}" text-anchor="end" fill="#57606a">${escapeXml(c.type)}</text>`);
      });
    }
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
