// Lays out the ER diagram with elkjs: the layered algorithm, orthogonal edges, one compound node
// per schema so tables are grouped by schema. Runs in the pglc process (never in the extension
// host), and its result travels with the diagram, so the webview and the SVG export draw the
// same picture.
// Invariants: deterministic for a given diagram; every table gets a box and every relation
// whose ends are both drawn gets a path; coordinates are absolute.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type ElkConstructor from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { erdNodeSize, ERD, type ErdDiagram, type ErdEdgePath, type ErdGroupBox, type ErdLayout, type ErdNodeBox } from '../../protocol/index';

const LAYERED = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '60',
  'elk.spacing.nodeNode': '30',
  'elk.spacing.edgeNode': '20',
  'elk.padding': '[top=0,left=0,bottom=0,right=0]',
};

/**
 * elkjs, loaded when a diagram is laid out: it is 1.7 MB of code that every other command would
 * read and compile at start. Next to the CLI bundle (scripts/build.mjs copies it into dist/, so
 * the VSIX has it), else from node_modules (sources run by tsx).
 */
function loadElk(): typeof ElkConstructor {
  const beside = join(__dirname, 'elk.bundled.js');
  const mod = (existsSync(beside) ? require(beside) : require('elkjs/lib/elk.bundled.js')) as { default?: typeof ElkConstructor } & typeof ElkConstructor;
  return mod.default ?? mod;
}

/**
 * Positions for `d`'s tables, schema groups and relations.
 * Each schema is laid out on its own (elk's hierarchical mode was slow and crashed on some
 * graphs); the groups are then placed in rows, and a relation between schemas is an orthogonal
 * path from the side of one table to the side of the other.
 * @example const layout = await layoutErd(erdOf(model, 'local')); layout.nodes.length === diagram.tables.length
 */
export async function layoutErd(d: ErdDiagram, opts: { collapsed?: boolean } = {}): Promise<ErdLayout> {
  const t0 = performance.now();
  const collapsed = opts.collapsed ?? false;
  const ids = new Set(d.tables.map((t) => t.id));
  const schemaOf = new Map(d.tables.map((t) => [t.id, t.schema]));
  const drawn = d.relations.filter((r) => ids.has(r.to));
  const ELK = loadElk();
  const elk = new ELK();
  const pad = ERD.groupPadding;

  // 1. Each schema on its own.
  const laidOut = await Promise.all(d.schemas.map(async (schema) => {
    const graph: ElkNode = {
      id: schema,
      layoutOptions: LAYERED,
      children: d.tables.filter((t) => t.schema === schema).map((t) => ({ id: t.id, ...erdNodeSize(t, collapsed) })),
      edges: drawn
        .filter((r) => r.from !== r.to && schemaOf.get(r.from) === schema && schemaOf.get(r.to) === schema)
        .map((r) => ({ id: r.id, sources: [r.from], targets: [r.to] })),
    };
    return { schema, graph: await elk.layout(graph) };
  }));

  // 2. Groups in rows, about as wide as the widest group or a screen-like 16:9 of the total area.
  const area = laidOut.reduce((a, g) => a + ((g.graph.width ?? 0) + 2 * pad) * ((g.graph.height ?? 0) + 2 * pad + ERD.groupHeader), 0);
  const rowWidth = Math.max(...laidOut.map((g) => (g.graph.width ?? 0) + 2 * pad), Math.sqrt(area * 16 / 9));
  const groups: ErdGroupBox[] = [];
  const nodes: ErdNodeBox[] = [];
  const edges: ErdEdgePath[] = [];
  const boxes = new Map<string, ErdNodeBox>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  const grouped = d.schemas.length > 1;
  for (const { schema, graph } of laidOut) {
    const w = (graph.width ?? 0) + (grouped ? 2 * pad : 0);
    const h = (graph.height ?? 0) + (grouped ? 2 * pad + ERD.groupHeader : 0);
    if (x > 0 && x + w > rowWidth) {
      x = 0;
      y += rowHeight + pad;
      rowHeight = 0;
    }
    const ox = x + (grouped ? pad : 0);
    const oy = y + (grouped ? pad + ERD.groupHeader : 0);
    if (grouped) groups.push({ schema, x, y, width: w, height: h });
    for (const c of graph.children ?? []) {
      const box = { id: c.id, x: ox + (c.x ?? 0), y: oy + (c.y ?? 0), width: c.width ?? 0, height: c.height ?? 0 };
      nodes.push(box);
      boxes.set(c.id, box);
    }
    for (const e of (graph.edges ?? []) as ElkExtendedEdge[]) {
      for (const s of e.sections ?? []) {
        edges.push({ id: e.id, points: [[s.startPoint.x + ox, s.startPoint.y + oy], ...(s.bendPoints ?? []).map((p) => [p.x + ox, p.y + oy] as [number, number]), [s.endPoint.x + ox, s.endPoint.y + oy]] });
      }
    }
    x += w + pad;
    rowHeight = Math.max(rowHeight, h);
  }

  // 3. Relations between schemas, and a table referencing itself: drawn by hand.
  for (const r of drawn) {
    const a = boxes.get(r.from);
    const b = boxes.get(r.to);
    if (!a || !b) continue;
    if (r.from === r.to) {
      const top = a.y + ERD.headerHeight / 2;
      const right = a.x + a.width;
      edges.push({ id: r.id, points: [[right, top], [right + 16, top], [right + 16, top - 20], [a.x + a.width - 24, top - 20], [a.x + a.width - 24, a.y]] });
    } else if (schemaOf.get(r.from) !== schemaOf.get(r.to)) {
      const ay = a.y + ERD.headerHeight / 2;
      const by = b.y + ERD.headerHeight / 2;
      const leftToRight = a.x + a.width <= b.x;
      const sx = leftToRight ? a.x + a.width : a.x;
      const ex = leftToRight ? b.x : b.x + b.width;
      const mid = leftToRight ? (sx + ex) / 2 : Math.min(sx, ex) - 20;
      edges.push({ id: r.id, points: [[sx, ay], [mid, ay], [mid, by], [ex, by]] });
    }
  }
  const width = Math.max(0, ...nodes.map((n) => n.x + n.width), ...groups.map((g) => g.x + g.width)) + 20;
  const height = Math.max(0, ...nodes.map((n) => n.y + n.height), ...groups.map((g) => g.y + g.height)) + 20;
  return { width, height, nodes, edges, groups, collapsed, durationMs: Math.round(performance.now() - t0) };
}
