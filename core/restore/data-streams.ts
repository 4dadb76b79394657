// Which pg_restore stream loads which data of a custom archive: with `jobs` streams, a table
// bigger than a fair share (and than SPLIT_MIN_BYTES) is split across all of them — its rows go
// out in ranges, so `jobs` sessions COPY into it side by side, as pgcopydb splits big tables —
// and the other tables go whole to the least loaded stream, largest first (fewer streams when one
// would carry less than a tenth of the data). Large objects and the
// data section's entries without data (sequence values, large-object comments and grants) stay
// with the first stream, in archive order.
// Invariant: every data block goes to at least one stream; a stream's use-list names exactly the
// entries whose blocks it is given, plus (the first stream) the data section's other entries.

import type { BackupTableEntry } from '../../protocol/index';
import type { ArchiveLayout } from './archive-layout';
import { tocNames, type TocEntry } from './archive';

/** A table smaller than this is never split: one COPY of it is quick anyway. */
export const SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/** Less data than this is loaded by one stream (a second pg_restore would cost more than it saves). */
export const STREAMS_MIN_BYTES = 16 * 1024 * 1024;

export type BlockRoute = { whole: number } | { split: number[] };

export interface DataStreamPlan {
  /** Per stream: the pg_restore --list lines of its use-list. */
  lists: string[][];
  /** Where each data block (by dump id) goes. */
  routes: Map<number, BlockRoute>;
  /** Tables split across all streams, as the TOC names them. */
  split: string[];
}

/**
 * The streams for loading an archive's data, or undefined when one stream is best (little data,
 * one job, or data blocks pg_dump compressed itself, which cannot be split by row).
 * @example planDataStreams(layout, toc, manifest.tables, 2)?.split // ['public pgbench_accounts']
 */
export function planDataStreams(
  layout: ArchiveLayout,
  toc: TocEntry[],
  tables: BackupTableEntry[],
  jobs: number,
  limits: { splitMinBytes: number; streamsMinBytes: number } = { splitMinBytes: SPLIT_MIN_BYTES, streamsMinBytes: STREAMS_MIN_BYTES },
): DataStreamPlan | undefined {
  if (jobs < 2 || !layout.uncompressed) return undefined;
  const byId = new Map(toc.map((e) => [e.id, e]));
  const data = layout.entries
    .filter((e) => e.hadData && byId.get(e.id)?.type === 'TABLE DATA')
    .map((e) => {
      const entry = byId.get(e.id)!;
      const t = tables.find((x) => tocNames(entry, x.schema, x.name));
      return { entry, name: t ? `${t.schema}.${t.name}` : entry.rest, w: t ? Math.max(1, t.bytes ?? t.rowEstimate * 100) : 1 };
    });
  const total = data.reduce((s, d) => s + d.w, 0);
  if (total < limits.streamsMinBytes) return undefined;
  for (let k = jobs; k >= 2; k--) {
    const plan = planFor(k);
    if (plan) return plan;
  }
  return undefined;

  function planFor(k: number): DataStreamPlan | undefined {
    const load = Array.from({ length: k }, () => 0);
    const routes = new Map<number, BlockRoute>();
    const all = Array.from({ length: k }, (_, i) => i);
    const split: string[] = [];
    for (const d of data) {
      if (d.w >= limits.splitMinBytes && d.w > total / k) {
        routes.set(d.entry.id, { split: all });
        split.push(d.name);
        for (const i of all) load[i]! += d.w / k;
      }
    }
    for (const d of [...data].sort((a, b) => b.w - a.w)) {
      if (routes.has(d.entry.id)) continue;
      const lightest = load.indexOf(Math.min(...load));
      load[lightest]! += d.w;
      routes.set(d.entry.id, { whole: lightest });
    }
    // Large objects (and everything about them) with the first stream.
    for (const e of layout.entries) if (e.hadData && !routes.has(e.id)) routes.set(e.id, { whole: 0 });
    const streamsOf = (id: number): number[] => {
      const r = routes.get(id);
      return r ? ('whole' in r ? [r.whole] : r.split) : [0];
    };
    const lists = all.map((i) => toc.filter((e) => streamsOf(e.id).includes(i)).map((e) => e.line));
    // A stream with less than a tenth of the data is not worth its pg_restore: fewer streams.
    if (load.some((l) => l < total / 10)) return undefined;
    return { lists, routes, split };
  }
}
