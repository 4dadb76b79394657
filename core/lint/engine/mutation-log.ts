// The undo log of a replay's schema state: every set and delete on the state's maps, with the
// value before and after, in order. Why: the language server lints a long migration again after
// every keystroke; with the log it rewinds the state to the statement the edit touched, replays
// from there, and — when the edited statements change the schema exactly as before — replays the
// recorded changes of the rest of the file instead of analysing it again (engine/relint.ts).
// Invariants: only LoggedMaps write to the log, and undo/redo write through Map.prototype
// directly, so rewinding is never itself logged; entries are plain references to immutable state
// entries (schema-state/model.ts), so an old entry's value is still that value when it is redone.

import { OBJECT_MAPS, type SchemaState } from '../schema-state/model';

const mapSet = Map.prototype.set;
const mapDelete = Map.prototype.delete;

export class MutationLog {
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
