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
  opts: { tables?: BackupManifest['tables']; largeObjects?: boolean; signal?: AbortSignal } = {},
): Promise<{ tables: number; rows: number; largeObjects?: number }> {
  const problems: string[] = [];
  let rows = 0;
  for (const t of opts.tables ?? manifest.tables) {
    if (opts.signal?.aborted) break;
    const exists = await c.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [quoteQualified(t.schema, t.name)]);
    if (!exists.rows[0]?.ok) {
      problems.push(`${t.schema}.${t.name} is missing`);
      continue;
    }
    if (t.rows === undefined) continue;
    const r = await c.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${quoteQualified(t.schema, t.name)}`);
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
  return { tables: (opts.tables ?? manifest.tables).length, rows, ...(largeObjects !== undefined ? { largeObjects } : {}) };
}

