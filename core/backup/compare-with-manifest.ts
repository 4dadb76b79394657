// Does a restored database hold what the backup recorded? Every table of the manifest (or of a
// chosen subset) present, with exactly the row count counted in the dump's snapshot, and the
// large objects. Shared by `verify --deep` (a scratch restore) and `pglc restore` (the new copy,
// before it is swapped in). Invariant: a difference is a failure naming the tables, never a note.

import type { BackupManifest } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { PglcError } from '../errors';
import { quoteQualified } from '../sql/quote';

/** Tables present and row counts equal to the manifest's (where it recorded them). */
export async function compareWithManifest(
  c: Pick<DbClient, 'query'>,
  manifest: BackupManifest,
  opts: {
    tables?: BackupManifest['tables'];
    largeObjects?: boolean;
    signal?: AbortSignal;
    /** Row counts known without a scan (core/restore/loaded-row-counts.ts), by quoted name: a table whose count matches is not scanned. */
    known?: Map<string, number>;
  } = {},
): Promise<{ tables: number; rows: number; largeObjects?: number }> {
  const problems: string[] = [];
  let rows = 0;
  const tables = opts.tables ?? manifest.tables;
  const names = tables.map((t) => quoteQualified(t.schema, t.name));
  const missing = new Set((await c.query<{ i: number }>('SELECT i::int - 1 AS i FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i) WHERE to_regclass(name) IS NULL', [names])).rows.map((r) => r.i));
  for (const [i, t] of tables.entries()) {
    if (opts.signal?.aborted) break;
    if (missing.has(i)) {
      problems.push(`${t.schema}.${t.name} is missing`);
      continue;
    }
    if (t.rows === undefined) continue;
    if (opts.known?.get(names[i]!) === t.rows) {
      rows++;
      continue;
    }
    const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${names[i]}`);
    const n = Number(r.rows[0]?.n);
    if (n !== t.rows) problems.push(`${t.schema}.${t.name} has ${n} rows, the manifest ${t.rows}`);
    else rows++;
  }
  let largeObjects: number | undefined;
  if (manifest.largeObjects !== undefined && opts.largeObjects !== false) {
    const r = await c.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_largeobject_metadata');
    largeObjects = Number(r.rows[0]?.n);
    if (largeObjects !== manifest.largeObjects) problems.push(`${largeObjects} large objects restored, the manifest records ${manifest.largeObjects}`);
  }
  if (problems.length) {
    throw new PglcError('backup-verify-failed', {
      what: `Backup ${manifest.id} does not restore to what was dumped`,
      why: problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : ''),
      fix: 'Do not rely on this backup: create a new one, and check pg_dump\'s messages and permissions on the tables.',
      details: { id: manifest.id, problems },
    });
  }
  return { tables: tables.length, rows, ...(largeObjects !== undefined ? { largeObjects } : {}) };
}

