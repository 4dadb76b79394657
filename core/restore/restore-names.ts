// Names of the databases a restore makes next to the target: the new copy
// (`<db>__pglc_restore_<stamp>`), the replaced one it keeps (`<db>__pglc_old_<stamp>`) and the
// scratch database partial restores pass rows through (`<db>__pglc_scratch_<stamp>`), and the
// marker comment that says what each one is.
// Invariants: a name never exceeds PostgreSQL's 63-byte limit (a long database name is cut and
// given a hash of the whole, so two long names never share a prefix); what a database *is* comes
// from its marker comment (JSON written by pglc), never from parsing its name alone.

import { createHash } from 'node:crypto';

export type RestoreDatabaseKind = 'restore' | 'old' | 'scratch';

/** PostgreSQL's identifier limit (NAMEDATALEN - 1), in bytes. */
export const MAX_NAME_BYTES = 63;

const COMMENT_PREFIX = 'pglc:';

export interface RestoreMarker {
  kind: RestoreDatabaseKind;
  /** The database this one belongs to (the target's name). */
  database: string;
  environment: string;
  /** When it was made (ISO). For `old`: when it was replaced. */
  at: string;
  backupId?: string;
  /** For `old`: the comment the database had before it was replaced (put back by undo). */
  comment?: string;
}

/** `20260115143000` (UTC, seconds). */
export function nameStamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/**
 * The name of a database made by a restore of `database`.
 * @example restoreDatabaseName('shop', 'old', new Date('2026-01-15T14:30:00Z')) === 'shop__pglc_old_20260115143000'
 */
export function restoreDatabaseName(database: string, kind: RestoreDatabaseKind, at: Date): string {
  const suffix = `__pglc_${kind}_${nameStamp(at)}`;
  const room = MAX_NAME_BYTES - Buffer.byteLength(suffix);
  if (Buffer.byteLength(database) <= room) return database + suffix;
  const hash = createHash('sha256').update(database).digest('hex').slice(0, 6);
  return cutToBytes(database, room - 7) + '~' + hash + suffix;
}

/** The marker comment of such a database (COMMENT ON DATABASE). */
export function markerComment(marker: RestoreMarker): string {
  return COMMENT_PREFIX + JSON.stringify(marker);
}

/** The marker in a database comment, or undefined when the comment is not pglc's. */
export function parseMarker(comment: string | null | undefined): RestoreMarker | undefined {
  if (!comment?.startsWith(COMMENT_PREFIX)) return undefined;
  try {
    const m = JSON.parse(comment.slice(COMMENT_PREFIX.length)) as Partial<RestoreMarker>;
    if (!m || (m.kind !== 'restore' && m.kind !== 'old' && m.kind !== 'scratch')) return undefined;
    if (typeof m.database !== 'string' || typeof m.environment !== 'string' || typeof m.at !== 'string') return undefined;
    return { kind: m.kind, database: m.database, environment: m.environment, at: m.at, ...(typeof m.backupId === 'string' ? { backupId: m.backupId } : {}), ...(typeof m.comment === 'string' ? { comment: m.comment } : {}) };
  } catch {
    return undefined;
  }
}

/** The LIKE pattern that finds candidates of a kind (the marker then decides). */
export function namePattern(kind: RestoreDatabaseKind): string {
  return `%\\_\\_pglc\\_${kind}\\_%`;
}

function cutToBytes(s: string, bytes: number): string {
  let out = '';
  for (const ch of s) {
    if (Buffer.byteLength(out + ch) > bytes) break;
    out += ch;
  }
  return out;
}
