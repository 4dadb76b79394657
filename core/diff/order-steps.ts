// Orders the steps of a migration by dependencies: what a created or altered object needs (the
// target model's pg_depend edges) comes first; what depends on a dropped object (the source
// model's edges) is dropped or changed first; a name is freed before it is taken again.
// Among steps that are free to go, drops come first (most dependent kind first), then creates
// and alters by kind (schemas, extensions, types, sequences, tables, functions, views, indexes,
// constraints, triggers, policies), then in the order they were generated.
// Invariant: the result is a permutation of the input; steps about the same object keep the
// order they were generated in; a cycle (which a correct diff never produces) is broken by kind
// order and reported, never dropped.

import { kindOf, type ObjectKind } from '../schema/keys';
import type { Step } from './step';

const RANK: Record<ObjectKind, number> = {
  schema: 0,
  extension: 1,
  'default-privileges': 2,
  type: 3,
  sequence: 4,
  table: 5,
  column: 6,
  function: 7,
  view: 8,
  index: 9,
  constraint: 10,
  trigger: 11,
  policy: 12,
};

export interface OrderResult {
  steps: Step[];
  /** Steps placed without all their dependencies satisfied (a dependency cycle). */
  cycles: Step[];
}

/**
 * @example orderSteps(steps, modelA.dependencies, modelB.dependencies).steps.map((s) => s.sql)
 */
export function orderSteps(steps: Step[], depsA: Record<string, string[]>, depsB: Record<string, string[]>): OrderResult {
  const n = steps.length;
  const after: number[][] = Array.from({ length: n }, () => []); // i → steps that must wait for i
  const indegree = new Int32Array(n);
  const edge = (from: number, to: number) => {
    if (from === to) return;
    after[from]!.push(to);
    indegree[to]!++;
  };

  const makers = new Map<string, number[]>(); // key → create/alter steps
  const droppers = new Map<string, number[]>(); // key → drop steps
  const alterers = new Map<string, number[]>();
  const byKey = new Map<string, number[]>();
  const releasers = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, k: string, i: number) => {
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  };
  steps.forEach((s, i) => {
    add(byKey, s.key, i);
    if (s.action === 'drop') {
      add(droppers, s.key, i);
      for (const k of s.removes ?? []) add(droppers, k, i);
    } else {
      if (!s.decoration) {
        add(makers, s.key, i);
        for (const k of s.provides ?? []) add(makers, k, i);
      }
      if (s.action === 'alter') add(alterers, s.key, i);
    }
    for (const r of s.releases ?? []) add(releasers, r, i);
  });

  const dependentsA = new Map<string, string[]>();
  for (const [k, ds] of Object.entries(depsA)) {
    for (const d of ds) {
      const list = dependentsA.get(d);
      if (list) list.push(k);
      else dependentsA.set(d, [k]);
    }
  }

  const seen = new Set<string>();
  const once = (from: number, to: number) => {
    const id = `${from}>${to}`;
    if (seen.has(id)) return;
    seen.add(id);
    edge(from, to);
  };

  steps.forEach((s, i) => {
    for (const d of s.after ?? []) for (const j of [...(makers.get(d) ?? []), ...(alterers.get(d) ?? [])]) if (j !== i && steps[j]!.key !== s.key) once(j, i);

    if (s.action !== 'drop') {
      // An alter that takes something away (DROP DEFAULT, DROP IDENTITY, a rename away) needs
      // nothing of B; waiting for B's dependencies would deadlock with the drop it must precede
      // or with whatever claims the name it frees.
      const freeing = s.action === 'alter' && (s.detaches === true || (s.releases?.length ?? 0) > 0);
      if (!freeing) for (const k of [s.key, ...(s.provides ?? [])]) {
        for (const d of depsB[k] ?? []) {
          for (const j of makers.get(d) ?? []) if (steps[j]!.key !== s.key) once(j, i);
        }
      }
      for (const c of s.claims ?? []) for (const j of releasers.get(c) ?? []) once(j, i);
    }
    if (s.action === 'alter' || s.action === 'drop') {
      // Objects that depend on this one and are dropped go first; for a drop, also those altered
      // (an alter may be what removes the dependency: a column moving off an old type).
      for (const k of [s.key, ...(s.removes ?? [])]) {
        for (const dep of dependentsA.get(k) ?? []) {
          for (const j of droppers.get(dep) ?? []) once(j, i);
          if (s.action === 'drop') for (const j of alterers.get(dep) ?? []) if (steps[j]!.key !== s.key && !steps[j]!.reattaches) once(j, i);
        }
      }
    }
  });
  // Steps about the same object: drops, then creates, then alters, each in generated order.
  const CLASS = { drop: 0, create: 1, alter: 2 } as const;
  for (const list of byKey.values()) {
    const chain = [...list].sort((x, y) => CLASS[steps[x]!.action] - CLASS[steps[y]!.action] || x - y);
    for (let k = 1; k < chain.length; k++) once(chain[k - 1]!, chain[k]!);
  }
  // A drop of a key always precedes its re-creation.
  for (const [k, ds] of droppers) for (const d of ds) for (const m of makers.get(k) ?? []) if (steps[m]!.key === k) once(d, m);

  const priority = (i: number): [number, number, number] => {
    const s = steps[i]!;
    const rank = RANK[kindOf(s.key)] ?? 50;
    return s.action === 'drop' ? [0, 100 - rank, i] : [1, rank, i];
  };
  const compare = (a: number, b: number): number => {
    const pa = priority(a);
    const pb = priority(b);
    return pa[0] - pb[0] || pa[1] - pb[1] || pa[2] - pb[2];
  };
  const heap = new Heap<number>(compare);
  for (let i = 0; i < n; i++) if (indegree[i] === 0) heap.push(i);
  const out: Step[] = [];
  const done = new Uint8Array(n);
  const cycles: Step[] = [];
  while (out.length < n) {
    let i = heap.pop();
    if (i === undefined) {
      // A cycle: take the remaining step that would go first by kind order.
      let best = -1;
      for (let j = 0; j < n; j++) if (!done[j] && (best < 0 || compare(j, best) < 0)) best = j;
      i = best;
      cycles.push(steps[i]!);
    }
    if (done[i]) continue;
    done[i] = 1;
    out.push(steps[i]!);
    for (const j of after[i]!) {
      indegree[j]!--;
      if (indegree[j] === 0 && !done[j]) heap.push(j);
    }
  }
  return { steps: out, cycles };
}

/** A binary min-heap. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => number) {}
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.less(a[i]!, a[p]!) >= 0) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!) < 0) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!) < 0) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}
