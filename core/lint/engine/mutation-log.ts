// The undo log of a replay's schema state: every set and delete on the state's maps, with the
// value before and after, in order. Why: the language server lints a long migration again after
// every keystroke; with the log it rewinds the state to the statement the edit touched, replays
// from there, and — when the edited statements change the schema exactly as before — replays the
// recorded changes of the rest of the file instead of analysing it again (engine/relint.ts).
// Invariants: only LoggedMaps write to the log, and undo/redo write through Map.prototype
// directly, so rewinding is never itself logged; entries are plain references to immutable state
// entries (schema-state/model.ts), so an old entry's value is still that value when it is redone;
// while `reads` is set every read of a LoggedMap is listed there (a key, or the whole map).

import { OBJECT_MAPS, type SchemaState } from '../schema-state/model';

const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;

/** The keys a statement's replay read (`null`: the whole map, by iteration or size). */
export interface ReadSet {
  maps: Map<string, unknown>[];
  keys: (string | null)[];
}

export class MutationLog {
  /** While set, LoggedMaps record every read here (relint.ts: which statements a changed key affects). */
  reads: ReadSet | undefined;
  maps: Map<string, unknown>[] = [];
  keys: string[] = [];
  /** The value before (undefined: the key was absent). */
  before: unknown[] = [];
  /** The value after (undefined: deleted). */
  after: unknown[] = [];

  get length(): number {
    return this.keys.length;
  }

  record(map: Map<string, unknown>, key: string, before: unknown, after: unknown): void {
    this.maps.push(map);
    this.keys.push(key);
    this.before.push(before);
    this.after.push(after);
  }

  /** Undoes the entries from the end down to `mark` (a length this log had) and forgets them. */
  undoTo(mark: number): void {
    for (let i = this.keys.length - 1; i >= mark; i--) {
      const map = this.maps[i] as Map<string, unknown>;
      const before = this.before[i];
      if (before === undefined) mapDelete.call(map, this.keys[i]);
      else mapSet.call(map, this.keys[i], before);
    }
    this.truncate(mark);
  }

  truncate(mark: number): void {
    this.maps.length = mark;
    this.keys.length = mark;
    this.before.length = mark;
    this.after.length = mark;
  }

  /** Entries [from, to) as a detached log (to redo them later). */
  slice(from: number, to = this.keys.length): MutationLog {
    const out = new MutationLog();
    out.maps = this.maps.slice(from, to);
    out.keys = this.keys.slice(from, to);
    out.before = this.before.slice(from, to);
    out.after = this.after.slice(from, to);
    return out;
  }

  /** Applies `other`'s entries again, in order, recording them here with the values they replace now. */
  redo(other: MutationLog): void {
    for (let i = 0; i < other.keys.length; i++) {
      const map = other.maps[i] as Map<string, unknown>;
      const key = other.keys[i] as string;
      const after = other.after[i];
      this.record(map, key, map.get(key), after);
      if (after === undefined) mapDelete.call(map, key);
      else mapSet.call(map, key, after);
    }
  }
}

/** A Map whose sets and deletes are recorded in a MutationLog. */
export class LoggedMap<V> extends Map<string, V> {
  private log: MutationLog | undefined;

  constructor(entries: Iterable<readonly [string, V]>, log: MutationLog) {
    super(entries);
    this.log = log;
  }

  override set(key: string, value: V): this {
    // the constructor's own inserts run before `log` is assigned: they are the starting point
    this.log?.record(this as Map<string, unknown>, key, super.get(key), value);
    return super.set(key, value);
  }

  private read(key: string | null): void {
    const r = this.log?.reads;
    if (r) {
      r.maps.push(this as Map<string, unknown>);
      r.keys.push(key);
    }
  }

  override get(key: string): V | undefined {
    this.read(key);
    return super.get(key);
  }

  override has(key: string): boolean {
    this.read(key);
    return super.has(key);
  }

  override get size(): number {
    this.read(null);
    return super.size;
  }

  override entries(): MapIterator<[string, V]> {
    this.read(null);
    return super.entries();
  }

  override keys(): MapIterator<string> {
    this.read(null);
    return super.keys();
  }

  override values(): MapIterator<V> {
    this.read(null);
    return super.values();
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    this.read(null);
    return super[Symbol.iterator]();
  }

  override forEach(fn: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.read(null);
    super.forEach(fn, thisArg);
  }

  override delete(key: string): boolean {
    if (!super.has(key)) return false;
    this.log?.record(this as Map<string, unknown>, key, super.get(key), undefined);
    return super.delete(key);
  }

  override clear(): void {
    for (const key of [...this.keys()]) this.delete(key);
  }
}

/**
 * A copy of `state` whose changes are recorded in `log`.
 * @example const log = new MutationLog(); const s = loggedState(before, log); s.tables.delete('public.t'); log.undoTo(0)
 */
export function loggedState(state: SchemaState, log: MutationLog): SchemaState {
  const out = {} as Record<string, unknown>;
  for (const m of OBJECT_MAPS) out[m] = new LoggedMap(state[m] as Map<string, unknown>, log);
  return out as unknown as SchemaState;
}
