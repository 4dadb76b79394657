// The check of a restored copy before it replaces anything: the backup's tables with their exact
// row counts (core/backup/compare-with-manifest.ts) and, for archives, the number of objects of
// each kind the table of contents lists against what the new database's catalogs hold.
// Invariant: a restored copy that does not match is never swapped in or moved — the check fails
// with the differences named.

import type { BackupManifest } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { PglcError } from '../errors';
import { compareWithManifest } from '../backup/compare-with-manifest';
import type { TocEntry } from './archive';

/** Catalog counts per TOC entry type, over user objects (not system schemas, not extension members). */
const KIND_COUNTS: Record<string, string> = {
  TABLE: `SELECT count(*) FROM pg_class c WHERE c.relkind IN ('r','p') AND c.relpersistence <> 't' AND ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
  VIEW: `SELECT count(*) FROM pg_class c WHERE c.relkind = 'v' AND ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
  'MATERIALIZED VIEW': `SELECT count(*) FROM pg_class c WHERE c.relkind = 'm' AND ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
  FUNCTION: `SELECT count(*) FROM pg_proc p WHERE p.prokind IN ('f','w') AND ${userObject('p.pronamespace', "'pg_proc'::regclass", 'p.oid')}`,
  PROCEDURE: `SELECT count(*) FROM pg_proc p WHERE p.prokind = 'p' AND ${userObject('p.pronamespace', "'pg_proc'::regclass", 'p.oid')}`,
  AGGREGATE: `SELECT count(*) FROM pg_proc p WHERE p.prokind = 'a' AND ${userObject('p.pronamespace', "'pg_proc'::regclass", 'p.oid')}`,
  TRIGGER: `SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
  POLICY: `SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
  'FK CONSTRAINT': `SELECT count(*) FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid WHERE k.contype = 'f' AND k.conparentid = 0 AND ${userObject('c.relnamespace', "'pg_class'::regclass", 'c.oid')}`,
};

function userObject(namespace: string, classid: string, objid: string): string {
  return `${namespace} NOT IN (SELECT oid FROM pg_namespace WHERE nspname IN ('pg_catalog','information_schema') OR nspname LIKE 'pg\\_toast%' OR nspname LIKE 'pg\\_temp%')
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = ${classid} AND d.objid = ${objid} AND d.deptype = 'e')`;
}

/** How many entries of each checked kind the archive lists. */
export function tocKindCounts(toc: TocEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of toc) if (KIND_COUNTS[e.type] !== undefined) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
  return counts;
}

/**
 * Compares the restored database behind `c` with the backup; returns the checks passed, in words.
 * @example const checks = await verifyRestored(client, manifest, archive.toc, { rows: true });
 */
export async function verifyRestored(
  c: Pick<DbClient, 'query'>,
  manifest: BackupManifest,
  toc: TocEntry[],
  opts: { rows: boolean; tables?: BackupManifest['tables']; objects: boolean; signal?: AbortSignal; knownRows?: Map<string, number> },
): Promise<{ checks: string[]; tables: number; exactTables: number; rows: number; exact: boolean }> {
  const checks: string[] = [];
  const tables = opts.tables ?? manifest.tables;
  let exactTables = 0;
  if (opts.rows) {
    const r = await compareWithManifest(c, manifest, { tables, largeObjects: !opts.tables, signal: opts.signal, ...(opts.knownRows ? { known: opts.knownRows } : {}) });
    exactTables = r.rows;
    checks.push(`${r.tables} table${r.tables === 1 ? '' : 's'} present${r.rows ? `, exact row counts of ${r.rows === r.tables ? 'all' : r.rows} match the backup` : ''}`);
    if (r.largeObjects !== undefined) checks.push(`${r.largeObjects} large object${r.largeObjects === 1 ? '' : 's'} present`);
  } else {
    const missing: string[] = [];
    for (const t of tables) {
      const e = await c.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`]);
      if (!e.rows[0]?.ok) missing.push(`${t.schema}.${t.name}`);
    }
    if (missing.length) throw mismatch(manifest, missing.map((m) => `${m} is missing`));
    checks.push(`${tables.length} table${tables.length === 1 ? '' : 's'} present`);
  }
  if (opts.objects && toc.length) {
    const expected = tocKindCounts(toc);
    const problems: string[] = [];
    let total = 0;
    for (const [kind, n] of expected) {
      const got = Number((await c.query<{ count: string }>(KIND_COUNTS[kind]!)).rows[0]?.count ?? 0);
      if (got !== n) problems.push(`${kind.toLowerCase()}: ${got} restored, the backup has ${n}`);
      total += n;
    }
    if (problems.length) throw mismatch(manifest, problems);
    if (total) checks.push(`${total} objects (${[...expected].map(([k, n]) => `${n} ${k.toLowerCase()}`).join(', ')}) match the backup's table of contents`);
  }
  const rows = tables.reduce((s, t) => s + (t.rows ?? t.rowEstimate), 0);
  return { checks, tables: tables.length, exactTables, rows, exact: tables.every((t) => t.rows !== undefined) };
}

function mismatch(manifest: BackupManifest, problems: string[]): PglcError {
  return new PglcError('backup-verify-failed', {
    what: `The restored copy of ${manifest.id} does not match the backup`,
    why: problems.slice(0, 5).join('; ') + (problems.length > 5 ? `; and ${problems.length - 5} more` : ''),
    fix: 'Nothing was replaced. Run `pglc backup verify --deep` on the backup, and check the target server has the extensions and roles the backup needs.',
    details: { id: manifest.id, problems },
  });
}
