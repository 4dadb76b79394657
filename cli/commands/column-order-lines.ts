// Shared rendering of column-order notes (schema diff, schema drift, migrate:status): one line per
// table, the order pglc leaves next to the order the other side has.
import type { ColumnOrderNote } from '../../protocol/index';
import { dim } from '../output/style';

/** `  public.co: id, a, b, c (staging has id, c, b, a)` — one line per table. */
export function columnOrderLines(notes: ColumnOrderNote[], other: string): string[] {
  return notes.map((n) => `  ${n.table}: ${n.result.join(', ')} ${dim(`(${other} has ${n.target.join(', ')}${n.created ? '; inherited columns come first' : ''})`)}`);
}
