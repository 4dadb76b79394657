// Which entries of a schema state point at a table — tables whose foreign keys reference it or
// that are its partitions, sequences it owns, its triggers and policies — so that DROP TABLE and
// DROP COLUMN find what goes with the table without looking at every entry: `pglc db lint` on a
// project of 1,000 tables drops a table in every Down section. The project's schema keeps an
// index (indexedState), the layers over it (layered-state.ts) add the keys they changed; any
// other map is looked through entry by entry, as before.
// Invariants: an IndexedMap's index always agrees with its entries (entries are immutable, and
// every set and delete goes through it); keysPointingAt returns exactly the keys whose current
// entry points at the table, in an order callers must not depend on.

import { LayerMap } from './layered-state';
import { createSchemaState, type SchemaState, type SequenceState, type TableState } from './model';

type PointerMap = 'tables' | 'sequences' | 'triggers' | 'policies';

/** The tables an entry points at. */
const POINTS: { [M in PointerMap]: (v: SchemaState[M] extends Map<string, infer V> ? V : never) => readonly string[] } = {
  tables: (t: TableState) => {
    const out: string[] = [];
    for (const c of t.constraints) if (c.references) out.push(c.references.table);
    if (t.partitionOf !== undefined) out.push(t.partitionOf);
    return out;
  },
  sequences: (s: SequenceState) => (s.ownedBy ? [s.ownedBy.table] : []),
  triggers: (t) => [t.table],
  policies: (p) => [p.table],
};

/** A Map that knows, for each table key, the keys of the entries pointing at it. */
export class IndexedMap<V> extends Map<string, V> {
  private readonly by = new Map<string, Set<string>>();

  constructor(private readonly points: (v: V) => readonly string[]) {
    super();
  }

  override set(key: string, value: V): this {
    this.unindex(key);
    super.set(key, value);
    for (const t of this.points(value)) {
      let keys = this.by.get(t);
      if (!keys) this.by.set(t, (keys = new Set()));
      keys.add(key);
    }
    return this;
  }

  override delete(key: string): boolean {
    this.unindex(key);
    return super.delete(key);
  }

  override clear(): void {
    this.by.clear();
    super.clear();
  }

  private unindex(key: string): void {
    const old = super.get(key);
    if (old === undefined) return;
    for (const t of this.points(old)) this.by.get(t)?.delete(key);
  }

  /** Keys of the entries pointing at `table`. */
  pointingAt(table: string): ReadonlySet<string> {
    return this.by.get(table) ?? new Set();
  }
}

/**
 * An empty database (createSchemaState) whose maps of things that point at tables are indexed.
 * @example const s = indexedState(); s.tables.set('public.a', a); keysPointingAt(s, 'tables', 'public.b')
 */
export function indexedState(): SchemaState {
  const s = createSchemaState();
  return {
    ...s,
    tables: new IndexedMap(POINTS.tables),
    sequences: new IndexedMap(POINTS.sequences),
    triggers: new IndexedMap(POINTS.triggers),
    policies: new IndexedMap(POINTS.policies),
  };
}

/** Keys that may point at `table` (a superset), when the map or the layers under it have an index. */
function candidates(map: Map<string, unknown>, table: string): Iterable<string> | undefined {
  if (map instanceof IndexedMap) return map.pointingAt(table);
  if (map instanceof LayerMap) {
    const below = candidates(map.base as Map<string, unknown>, table);
    if (!below) return undefined;
    return new Set([...below, ...(map as LayerMap<unknown>).changedKeys()]);
  }
  return undefined;
}

/** Whether an entry points at `table` (POINTS without making its list: a scan asks every entry). */
const POINTS_AT: { [M in PointerMap]: (v: SchemaState[M] extends Map<string, infer V> ? V : never, table: string) => boolean } = {
  tables: (t: TableState, table) => t.partitionOf === table || t.constraints.some((c) => c.references?.table === table),
  sequences: (s: SequenceState, table) => s.ownedBy?.table === table,
  triggers: (t, table) => t.table === table,
  policies: (p, table) => p.table === table,
};

/** Keys of the entries of `state[name]` that point at `table` now. */
export function keysPointingAt(state: SchemaState, name: PointerMap, table: string): string[] {
  const map = state[name] as Map<string, unknown>;
  const pointsAt = POINTS_AT[name] as (v: unknown, table: string) => boolean;
  const out: string[] = [];
  const keys = candidates(map, table);
  if (keys) {
    for (const k of keys) {
      const v = map.get(k);
      if (v !== undefined && pointsAt(v, table)) out.push(k);
    }
  } else scan(state, name, table, out);
  return out;
}

/** Every entry looked at (a map without an index): a loop per map, as the editor's replay runs it for each DROP TABLE. */
function scan(state: SchemaState, name: PointerMap, table: string, out: string[]): void {
  switch (name) {
    case 'tables':
      for (const [k, t] of state.tables) if (t.partitionOf === table || t.constraints.some((c) => c.references?.table === table)) out.push(k);
      return;
    case 'sequences':
      for (const [k, s] of state.sequences) if (s.ownedBy?.table === table) out.push(k);
      return;
    case 'triggers':
      for (const [k, t] of state.triggers) if (t.table === table) out.push(k);
      return;
    case 'policies':
      for (const [k, p] of state.policies) if (p.table === table) out.push(k);
      return;
  }
}
