// The ER diagram panel: draws the diagram the host sends (tables, columns with PK/FK/unique and
// nullable markers, relations, schema groups, all positioned by elkjs in the pglc process), and
// lets the user pan, zoom, fit, search a table, collapse columns, filter schemas, pick the
// source, click a table (the host opens the migration that created it) and export.
// Invariants: data only from host messages, every name set as a text node or attribute (no
// innerHTML); the view (pan/zoom, search) and the input (source, collapsed, schemas) survive a
// reload through setState; column rows exist only for tables near the viewport and only when
// zoomed in enough to read them (level of detail), so 300 tables draw in about 0.1 s and pan
// smoothly (bench/schema/webview.ts).

import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { ERD, type ErDiagramFromWebview, type ErDiagramInput, type ErDiagramState, type ErDiagramToWebview, type ErdDiagram, type ErdNodeBox, type ErdTable } from '../../protocol/index';
import { connectToHost } from '../shared/host';
import { append, h, replaceChildren } from '../shared/dom';

const SVG = 'http://www.w3.org/2000/svg';
const host = connectToHost<ErDiagramToWebview, ErDiagramFromWebview, ErDiagramState>();
const app = document.getElementById('app')!;

let state: ErDiagramState = host.state() ?? { input: { source: 'migrations', collapsed: false } };
let diagram: ErdDiagram | undefined;
let view = state.view ?? { x: 0, y: 0, scale: 1 };
/** The view to keep (restored after a reload, or set by the user); until then each drawing fits. */
let viewChosen = state.view !== undefined;
/** Diagram messages drawn (the page's `data-renders`, with `data-render-ms` of the last one). */
let renders = 0;
/** Below this zoom, columns are not drawn (unreadable anyway). */
const DETAIL_SCALE = 0.45;

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

function save(): void {
  state = { ...state, view };
  host.saveState(state);
}

function setInput(input: ErDiagramInput): void {
  state = { ...state, input };
  save();
  host.post({ type: 'set-input', input });
}

// ---- toolbar -------------------------------------------------------------------------------

const status = h('span', { class: 'muted', id: 'erd-status' });
const tooltip = h('div', { class: 'erd-tooltip mono', id: 'erd-tooltip', hidden: true });
const searchField = h('vscode-textfield', { placeholder: 'Find a table…', id: 'erd-search' }) as HTMLElement & { value: string };
const sourceSelect = h('vscode-single-select', { id: 'erd-source', 'aria-label': 'Source' }) as HTMLElement & { value: string };
const schemaBox = h('span', { class: 'erd-schemas', id: 'erd-schemas' });
const collapse = h('vscode-checkbox', { id: 'erd-collapse', label: 'Collapse columns' }) as HTMLElement & { checked: boolean };
const viewport = s('g', { id: 'erd-viewport' });
const svg = s('svg', { id: 'erd-svg', class: 'erd-svg', role: 'img', 'aria-label': 'ER diagram' }, viewport);
const button = (label: string, id: string, onClick: () => void) => {
  const b = h('vscode-button', { id, secondary: true }, label);
  b.addEventListener('click', onClick);
  return b;
};

replaceChildren(app,
  h('div', { class: 'erd-toolbar' },
    sourceSelect,
    searchField,
    button('Fit', 'erd-fit', () => fit(true)),
    button('−', 'erd-zoom-out', () => zoomAt(1 / 1.25)),
    button('+', 'erd-zoom-in', () => zoomAt(1.25)),
    collapse,
    button('Refresh', 'erd-refresh', () => host.post({ type: 'refresh' })),
    button('SVG', 'erd-export-svg', () => host.post({ type: 'export', format: 'svg' })),
    button('PNG', 'erd-export-png', () => host.post({ type: 'export', format: 'png' })),
    button('Mermaid', 'erd-export-mermaid', () => host.post({ type: 'export', format: 'mermaid' })),
    button('DBML', 'erd-export-dbml', () => host.post({ type: 'export', format: 'dbml' })),
    status),
  schemaBox,
  h('div', { class: 'erd-canvas' }, svg, tooltip));

collapse.checked = state.input.collapsed;
collapse.addEventListener('change', () => setInput({ ...state.input, collapsed: collapse.checked }));
sourceSelect.addEventListener('change', () => {
  if (sourceSelect.value && sourceSelect.value !== state.input.source) setInput({ source: sourceSelect.value, collapsed: state.input.collapsed });
});
searchField.value = state.search ?? '';
searchField.addEventListener('input', () => {
  state = { ...state, search: searchField.value };
  save();
  highlight(true);
});

// ---- drawing -------------------------------------------------------------------------------

function draw(d: ErdDiagram): void {
  diagram = d;
  const layout = d.layout;
  replaceChildren(viewport);
  detail = [];
  if (!layout) return;
  const groups = s('g', { class: 'erd-groups' });
  for (const g of layout.groups) {
    groups.appendChild(s('g', { class: 'erd-group', 'data-schema': g.schema },
      s('rect', { x: g.x, y: g.y, width: g.width, height: g.height, rx: 6 }),
      s('text', { x: g.x + 10, y: g.y + 16, class: 'erd-group-title' }, g.schema)));
  }
  const relations = new Map(d.relations.map((r) => [r.id, r]));
  const edges = s('g', { class: 'erd-edges' });
  for (const e of layout.edges) {
    const r = relations.get(e.id);
    const points = e.points.map(([x, y]) => `${x},${y}`).join(' ');
    const line = s('polyline', { class: `erd-edge${r?.toCardinality === 'zero-or-one' ? ' optional' : ''}`, points, 'data-id': e.id, 'marker-end': 'url(#erd-one)', 'marker-start': r?.fromCardinality === 'one' ? 'url(#erd-one-start)' : 'url(#erd-many)' });
    // A wide transparent twin makes the thin edge easy to hover.
    const hit = s('polyline', { class: 'erd-edge-hit', points, 'data-id': e.id });
    const show = (ev: MouseEvent) => {
      if (!r) return;
      replaceChildren(tooltip, h('strong', {}, r.name), h('br'), `${r.from} → ${r.to}`, h('br'), r.definition);
      tooltip.hidden = false;
      tooltip.style.left = `${ev.offsetX + 12}px`;
      tooltip.style.top = `${ev.offsetY + 12}px`;
      line.classList.add('hover');
    };
    hit.addEventListener('mousemove', show);
    hit.addEventListener('mouseleave', () => {
      tooltip.hidden = true;
      line.classList.remove('hover');
    });
    edges.append(line, hit);
  }
  const tables = new Map(d.tables.map((t) => [t.id, t]));
  const nodes = s('g', { class: 'erd-tables' });
  for (const b of layout.nodes) {
    const t = tables.get(b.id);
    if (!t) continue;
    const g = s('g', { class: `erd-table kind-${t.kind}`, 'data-id': t.id, tabindex: 0, role: 'button', 'aria-label': `${t.kind} ${t.id}` },
      s('rect', { class: 'erd-table-box', x: b.x, y: b.y, width: b.width, height: b.height, rx: 4 }),
      s('rect', { class: 'erd-table-head', x: b.x, y: b.y, width: b.width, height: ERD.headerHeight, rx: 4 }),
      s('text', { class: 'erd-table-name', x: b.x + ERD.padding, y: b.y + 17 }, t.name),
      s('title', {}, `${t.id}${t.comment ? ` — ${t.comment}` : ''}\nClick to open the migration that creates it`));
    if (!layout.collapsed && t.columns.length) detail.push({ table: t, box: b, g });
    const open = () => host.post({ type: 'open-table', id: t.id });
    g.addEventListener('click', open);
    g.addEventListener('keydown', (ev) => {
      if ((ev as KeyboardEvent).key === 'Enter') open();
    });
    nodes.appendChild(g);
  }
  viewport.append(groups, edges, nodes);
  status.textContent = `${d.source}: ${d.tables.length} tables, ${d.relations.length} relations`;
  // Until a view is restored or chosen, a drawing fits — now when the page has its size, else
  // once it has (before layout, the canvas measures 0).
  if (!viewChosen && svg.getBoundingClientRect().width > 0) fit(false);
  else if (!viewChosen) requestAnimationFrame(() => fit(false));
  else apply();
  highlight(false);
}

// ---- level of detail ---------------------------------------------------------------------
// Column rows are the bulk of the picture (three texts per column). They exist only for tables
// in or near the viewport, and only at a zoom where they can be read: the SVG the browser lays
// out and paints on every pan stays small whatever the number of tables.

interface DetailSlot {
  table: ErdTable;
  box: ErdNodeBox;
  g: SVGGElement;
  rows?: SVGGElement;
}
let detail: DetailSlot[] = [];

function columnRows(t: ErdTable, b: ErdNodeBox): SVGGElement {
  const cols = s('g', { class: 'erd-columns' });
  t.columns.forEach((c, i) => {
    const y = b.y + ERD.headerHeight + (i + 1) * ERD.rowHeight - 5;
    const mark = c.primaryKey ? 'PK' : c.foreignKey ? 'FK' : c.unique ? 'UK' : '';
    cols.append(
      s('text', { class: 'erd-mark', x: b.x + ERD.padding, y }, mark),
      s('text', { class: `erd-column${c.primaryKey ? ' pk' : ''}${c.nullable ? ' nullable' : ''}`, 'data-column': c.name, x: b.x + ERD.padding + 22, y }, `${c.name}${c.nullable ? '?' : ''}`),
      s('text', { class: 'erd-type', x: b.x + b.width - ERD.padding, y, 'text-anchor': 'end' }, c.type));
  });
  return cols;
}

/** Adds the column rows of tables that came near the viewport and removes those that left it. */
function updateDetail(): void {
  if (!detail.length) return;
  const r = svg.getBoundingClientRect();
  const readable = view.scale >= DETAIL_SCALE;
  // The viewport in diagram coordinates, with half a screen of margin on every side.
  const w = (r.width || 800) / view.scale;
  const hgt = (r.height || 600) / view.scale;
  const x0 = -view.x / view.scale - w / 2;
  const y0 = -view.y / view.scale - hgt / 2;
  const x1 = x0 + 2 * w;
  const y1 = y0 + 2 * hgt;
  for (const slot of detail) {
    const b = slot.box;
    const near = readable && b.x < x1 && b.x + b.width > x0 && b.y < y1 && b.y + b.height > y0;
    if (near && !slot.rows) slot.g.appendChild((slot.rows = columnRows(slot.table, b)));
    else if (!near && slot.rows) {
      slot.rows.remove();
      slot.rows = undefined;
    }
  }
}

function defs(): SVGDefsElement {
  const marker = (id: string, path: string, orient = 'auto') => s('marker', { id, viewBox: '0 0 12 12', refX: 11, refY: 6, markerWidth: 12, markerHeight: 12, orient }, s('path', { d: path, class: 'erd-marker' }));
  return s('defs', {},
    marker('erd-one', 'M11,1 L11,11 M8,1 L8,11'),
    marker('erd-one-start', 'M11,1 L11,11 M8,1 L8,11', 'auto-start-reverse'),
    marker('erd-many', 'M11,6 L1,1 M11,6 L1,11 M11,6 L1,6', 'auto-start-reverse'));
}
svg.insertBefore(defs(), viewport);

// ---- pan, zoom, fit, search ---------------------------------------------------------------

function apply(): void {
  viewport.setAttribute('transform', `translate(${view.x} ${view.y}) scale(${view.scale})`);
  svg.classList.toggle('low-detail', view.scale < DETAIL_SCALE);
  updateDetail();
}

/** Fits the whole diagram; `chosen`: the user asked (the view is then kept across drawings). */
function fit(chosen: boolean): void {
  const layout = diagram?.layout;
  if (!layout) return;
  viewChosen ||= chosen;
  const r = svg.getBoundingClientRect();
  const scale = Math.min(2, Math.max(0.05, Math.min((r.width || 800) / (layout.width || 1), (r.height || 600) / (layout.height || 1)) * 0.95));
  view = { scale, x: ((r.width || 800) - layout.width * scale) / 2, y: 10 };
  apply();
  save();
}

function zoomAt(factor: number, cx?: number, cy?: number): void {
  const r = svg.getBoundingClientRect();
  const px = cx ?? r.width / 2;
  const py = cy ?? r.height / 2;
  const scale = Math.min(4, Math.max(0.03, view.scale * factor));
  viewChosen = true;
  view = { scale, x: px - ((px - view.x) * scale) / view.scale, y: py - ((py - view.y) * scale) / view.scale };
  apply();
  save();
}

svg.addEventListener('wheel', (ev) => {
  ev.preventDefault();
  zoomAt(ev.deltaY < 0 ? 1.1 : 1 / 1.1, ev.offsetX, ev.offsetY);
}, { passive: false });

let drag: { x: number; y: number; vx: number; vy: number } | undefined;
svg.addEventListener('pointerdown', (ev) => {
  if ((ev.target as Element).closest('.erd-table')) return;
  drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
  svg.setPointerCapture(ev.pointerId);
});
svg.addEventListener('pointermove', (ev) => {
  if (!drag) return;
  viewChosen = true;
  view = { ...view, x: drag.vx + ev.clientX - drag.x, y: drag.vy + ev.clientY - drag.y };
  apply();
});
svg.addEventListener('pointerup', () => {
  drag = undefined;
  save();
});

/** Marks tables matching the search; with `center`, brings the first match into view. */
function highlight(center: boolean): void {
  const q = (state.search ?? '').trim().toLowerCase();
  let first: Element | undefined;
  for (const g of viewport.querySelectorAll('.erd-table')) {
    const id = g.getAttribute('data-id') ?? '';
    const hit = q !== '' && id.toLowerCase().includes(q);
    g.classList.toggle('match', hit);
    g.classList.toggle('dim', q !== '' && !hit);
    if (hit && !first) first = g;
  }
  if (center && first && diagram?.layout) {
    const box = diagram.layout.nodes.find((n) => n.id === first!.getAttribute('data-id'));
    if (!box) return;
    const r = svg.getBoundingClientRect();
    const scale = Math.max(view.scale, 0.8);
    viewChosen = true;
    view = { scale, x: r.width / 2 - (box.x + box.width / 2) * scale, y: r.height / 2 - (box.y + box.height / 2) * scale };
    apply();
    save();
  }
}

// ---- schema filter and sources --------------------------------------------------------------

function drawFilters(sources: string[], allSchemas: string[]): void {
  replaceChildren(sourceSelect);
  for (const src of sources) {
    const o = h('vscode-option', { value: src, selected: src === state.input.source }, src === 'migrations' ? 'migrations (shadow database)' : src);
    sourceSelect.appendChild(o);
  }
  sourceSelect.value = state.input.source;
  replaceChildren(schemaBox);
  if (allSchemas.length < 2) return;
  append(schemaBox, h('span', { class: 'muted' }, 'Schemas: '));
  const shown = new Set(state.input.schemas ?? allSchemas);
  for (const sc of allSchemas) {
    const box = h('vscode-checkbox', { label: sc, 'data-schema': sc, checked: shown.has(sc) }) as HTMLElement & { checked: boolean };
    box.addEventListener('change', () => {
      const next = new Set(state.input.schemas ?? allSchemas);
      if (box.checked) next.add(sc);
      else next.delete(sc);
      const list = allSchemas.filter((x) => next.has(x));
      setInput({ ...state.input, schemas: list.length === allSchemas.length ? undefined : list });
    });
    schemaBox.appendChild(box);
  }
}

// ---- messages --------------------------------------------------------------------------------

async function renderPng(svgText: string, scale: number): Promise<void> {
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be loaded as an image'));
      img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText)}`;
    });
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(img.width * scale);
    canvas.height = Math.ceil(img.height * scale);
    const c = canvas.getContext('2d')!;
    c.scale(scale, scale);
    c.drawImage(img, 0, 0);
    host.post({ type: 'png-data', dataUrl: canvas.toDataURL('image/png') });
  } catch (e) {
    host.post({ type: 'png-failed', message: (e as Error).message });
  }
}

host.onMessage((m) => {
  switch (m.type) {
    case 'loading':
      status.textContent = `Reading ${m.input.source}…`;
      break;
    case 'diagram': {
      const t0 = performance.now();
      state = { ...state, input: m.input };
      save();
      collapse.checked = m.input.collapsed;
      drawFilters(m.sources, m.allSchemas);
      draw(m.diagram);
      document.body.dataset.ready = 'true';
      const buildMs = performance.now() - t0;
      // Measured to the first frame painted with it: a rAF callback runs before that frame's
      // paint, a task queued from it runs after.
      const drawn = ++renders;
      requestAnimationFrame(() => setTimeout(() => {
        if (drawn !== renders) return;
        const ms = performance.now() - t0;
        const elements = viewport.getElementsByTagName('*').length;
        Object.assign(document.body.dataset, { renderMs: ms.toFixed(1), buildMs: buildMs.toFixed(1), renders: String(drawn), elements: String(elements) });
        host.post({ type: 'rendered', ms, buildMs, tables: m.diagram.tables.length, elements });
      }, 0));
      break;
    }
    case 'render-png':
      void renderPng(m.svg, m.scale);
      break;
    case 'error':
      replaceChildren(viewport);
      status.textContent = '';
      replaceChildren(schemaBox, h('div', { class: 'error', id: 'erd-error' }, h('strong', {}, m.what), h('br'), m.why, h('br'), h('span', { class: 'muted' }, m.fix)));
      document.body.dataset.ready = 'error';
      break;
  }
});

window.addEventListener('resize', () => apply());
host.post({ type: 'ready' });
