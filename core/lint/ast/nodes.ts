// Typed access to libpg-query parse-tree nodes (`{ ColumnDef: { … } }`) for the lint rules and
// the schema replay. Why: the trees are plain JSON with every node wrapped in a one-key object;
// these helpers unwrap them with the types of @pgsql/types (re-exported by libpg-query), so rule
// code reads `nodeAs(n, 'ColumnDef')?.colname` instead of casting.
// Invariant: pure functions over plain data; nothing here parses, allocates per call beyond its
// result, or throws on unexpected shapes (a tree from a newer parser yields undefined, not a crash).

import type { Node } from 'libpg-query';

/** Every node tag, e.g. `ColumnDef`, `AlterTableStmt`. */
export type NodeTag = Node extends infer U ? (U extends Record<infer K, unknown> ? K & string : never) : never;
/** The body of a node with tag K. */
export type NodeBody<K extends NodeTag> = Extract<Node, Record<K, unknown>>[K];

/** The tag of a wrapped node (`{ ColumnDef: … }` → `ColumnDef`). */
export function tagOf(node: unknown): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  for (const k in node as Record<string, unknown>) return k;
  return undefined;
}

/**
 * The body of `node` when it is a `tag` node, else undefined.
 * @example nodeAs({ String: { sval: 'a' } }, 'String')?.sval === 'a'
 */
export function nodeAs<K extends NodeTag>(node: unknown, tag: K): NodeBody<K> | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const body = (node as Record<string, unknown>)[tag];
  return body === undefined ? undefined : (body as NodeBody<K>);
}

/** The bodies of the `tag` nodes of a list (others skipped). */
export function listOf<K extends NodeTag>(list: unknown, tag: K): NodeBody<K>[] {
  if (!Array.isArray(list)) return [];
  const out: NodeBody<K>[] = [];
  for (const n of list) {
    const b = nodeAs(n, tag);
    if (b !== undefined) out.push(b);
  }
  return out;
}

/** `[{ String: { sval: 'public' } }, { String: { sval: 't' } }]` → `['public', 't']`. */
export function stringList(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const n of list) {
    const s = nodeAs(n, 'String');
    if (s) out.push(s.sval ?? '');
    else if (nodeAs(n, 'A_Star')) out.push('*');
  }
  return out;
}

/** The `location` of a wrapped node's body (byte offset in the parsed text), if it has one. */
export function locationOf(node: unknown): number | undefined {
  const tag = tagOf(node);
  if (!tag) return undefined;
  const body = (node as Record<string, unknown>)[tag] as { location?: unknown } | undefined;
  return typeof body?.location === 'number' && body.location >= 0 ? body.location : undefined;
}

/**
 * Calls `visit(tag, body)` for every wrapped node under `root` (depth first, parents before
 * children). Returning false from `visit` skips that node's children.
 * @example walk(tree, (tag, body) => { if (tag === 'FuncCall') calls.push(body); });
 */
export function walk(root: unknown, visit: (tag: string, body: Record<string, unknown>) => boolean | void): void {
  const stack: unknown[] = [root];
  while (stack.length) {
    const n = stack.pop();
    if (!n || typeof n !== 'object') continue;
    if (Array.isArray(n)) {
      for (let i = n.length - 1; i >= 0; i--) stack.push(n[i]);
      continue;
    }
    const keys = Object.keys(n);
    // A wrapped node has exactly one key, whose name starts with a capital letter.
    const first = keys[0];
    if (keys.length === 1 && first && first.charCodeAt(0) >= 65 && first.charCodeAt(0) <= 90) {
      const body = (n as Record<string, unknown>)[first];
      if (body && typeof body === 'object' && !Array.isArray(body)) {
        if (visit(first, body as Record<string, unknown>) === false) continue;
        pushChildren(stack, body as Record<string, unknown>);
        continue;
      }
    }
    pushChildren(stack, n as Record<string, unknown>);
  }
}

function pushChildren(stack: unknown[], body: Record<string, unknown>): void {
  const keys = Object.keys(body);
  for (let i = keys.length - 1; i >= 0; i--) {
    const v = body[keys[i] as string];
    if (v && typeof v === 'object') stack.push(v);
  }
}

/** The integer or string value of an A_Const / Integer / String node, for options and typmods. */
export function constValue(node: unknown): string | number | boolean | undefined {
  const c = nodeAs(node, 'A_Const');
  if (c) {
    if (c.isnull) return undefined;
    if (c.ival) return c.ival.ival ?? 0;
    if ('ival' in c) return 0;
    if (c.sval) return c.sval.sval ?? '';
    if (c.fval) return Number(c.fval.fval);
    if (c.boolval) return c.boolval.boolval ?? false;
    return undefined;
  }
  const i = nodeAs(node, 'Integer');
  if (i) return i.ival ?? 0;
  const s = nodeAs(node, 'String');
  if (s) return s.sval ?? '';
  const f = nodeAs(node, 'Float');
  if (f) return Number(f.fval);
  const b = nodeAs(node, 'Boolean');
  if (b) return b.boolval ?? false;
  return undefined;
}

/** DefElem options (`WITH (…)`, function options) as name → argument node. */
export function defElems(list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const d of listOf(list, 'DefElem')) out.set((d.defname ?? '').toLowerCase(), d.arg);
  return out;
}
