// A schema state kept as a layer of changes over another state, which it never writes: what
// `pglc db lint` replays each migration on. Why: every migration needs the schema before it
// (document rules compare with it) next to the one its statements change, and copying a
// 1,000-table schema for each of 1,000 migrations was most of a project lint's time and garbage.
// A layer costs what its migration changes; the Down section runs on a layer over the Up's, so
// both stay readable; committing the Up's layer moves the project on, and the Down's is dropped.
// Invariants: a LayerMap behaves exactly as a copy of its base changed by the same calls would —
// the same values and the same iteration order (a key updated in place keeps its place, a
// deleted and re-set key moves to the end, iteration during changes sees what a Map's does) —
// because rules read the state in iteration order; its base does not change while the layer is
// used (a layer with another on top is only read); a committed layer is not used again.

import { OBJECT_MAPS, type ObjectMapName, type SchemaState } from './model';

// Not a subclass of Map: every layer has nine, and a Map subclass would carry an unused hash
// table of its own (a project lint makes tens of thousands of layers' maps).
export class LayerMap<V> implements Map<string, V> {
  readonly [Symbol.toStringTag] = 'LayerMap';
  // made on the first change: most maps of most layers are only read
  /** Values of keys set in this layer and still present (in the base's place or in `tail`). */
  private own: Map<string, V> | undefined;
  /** Keys of the base deleted in this layer (a later set puts them in `tail`). */
  private removed: Set<string> | undefined;
  /** Keys that come after the base's, in the order they were (last) inserted. */
  private tail: Set<string> | undefined;

  constructor(readonly base: Map<string, V>) {}

  /** Whether the base's entry for `key` still sits in its place (not deleted here). */
  private inBase(key: string): boolean {
    return !this.removed?.has(key) && this.base.has(key);
  }

  get(key: string): V | undefined {
    if (this.own === undefined) return this.base.get(key);
    const v = this.own.get(key);
    if (v !== undefined || this.removed?.has(key)) return v;
    return this.base.get(key);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  get size(): number {
    return this.base.size - (this.removed?.size ?? 0) + (this.tail?.size ?? 0);
  }

  set(key: string, value: V): this {
    if (!this.tail?.has(key) && !this.inBase(key)) (this.tail ??= new Set()).add(key);
    (this.own ??= new Map()).set(key, value);
    return this;
  }

  delete(key: string): boolean {
    if (this.tail?.delete(key)) {
      this.own?.delete(key);
      return true;
    }
    if (!this.inBase(key)) return false;
    (this.removed ??= new Set()).add(key);
    // own is made with removed: get() looks at removed only when own exists
    (this.own ??= new Map()).delete(key);
    return true;
  }

  clear(): void {
    for (const key of [...this.keys()]) this.delete(key);
  }

  *entries(): MapIterator<[string, V]> {
    // each entry is looked at when it is reached, as a Map's iterator does
    for (const [key, value] of this.base) {
      if (this.removed?.has(key)) continue;
      yield [key, this.own?.get(key) ?? value];
    }
    if (this.tail) for (const key of this.tail) yield [key, this.own?.get(key) as V];
  }

  *keys(): MapIterator<string> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) fn.call(thisArg, value, key, this);
  }

  /** Keys whose entry here may differ from the base's (every other key has the base's very entry). */
  changedKeys(): Iterable<string> {
    if (!this.own) return [];
    return this.removed ? [...this.own.keys(), ...this.removed] : this.own.keys();
  }

  /** Writes this layer's changes into its base, which then holds what this layer showed. */
  commit(): void {
    const base = this.base;
    const own = this.own;
    if (!own) return;
    if (this.removed) for (const key of this.removed) base.delete(key);
    for (const [key, value] of own) if (!this.tail?.has(key)) base.set(key, value);
    // after the deletes above, each of these goes to the end of the base, in this order
    if (this.tail) for (const key of this.tail) base.set(key, own.get(key) as V);
  }
}

/**
 * A state that reads as `base` until it is changed, and keeps its changes to itself.
 * @example const up = layerState(before); up.tables.delete('public.t'); before.tables.has('public.t') === true
 */
export function layerState(base: SchemaState): SchemaState {
  const out = {} as Record<ObjectMapName, Map<string, unknown>>;
  for (const m of OBJECT_MAPS) out[m] = new LayerMap(base[m] as Map<string, unknown>);
  return out as unknown as SchemaState;
}

/** Writes a layer made by layerState into the state it was made over (the layer is spent). */
export function commitLayer(state: SchemaState): void {
  for (const m of OBJECT_MAPS) {
    const map = state[m] as Map<string, unknown>;
    if (!(map instanceof LayerMap)) throw new Error('commitLayer: not a layered state');
    map.commit();
  }
}

/**
 * Keys of map `name` whose entries may differ between `top` and `bottom`, when `top` is made
 * of layers over `bottom` (every other key holds the very same entry in both); undefined when
 * it is not.
 */
export function changedKeysSince(top: SchemaState, bottom: SchemaState, name: ObjectMapName): Set<string> | undefined {
  const out = new Set<string>();
  let map = top[name] as Map<string, unknown>;
  const end = bottom[name] as Map<string, unknown>;
  while (map !== end) {
    if (!(map instanceof LayerMap)) return undefined;
    for (const key of (map as LayerMap<unknown>).changedKeys()) out.add(key);
    map = (map as LayerMap<unknown>).base;
  }
  return out;
}
