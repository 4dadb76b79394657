// What a backup records about the database it dumps: its size, its tables (estimates and sizes)
// and — counted in the very snapshot pg_dump dumps — exact row counts that `verify --deep`
// compares a restored copy against.
// Invariant: the tables listed are the ones pg_dump dumps the data of (ordinary and partitioned
// tables outside system schemas, not members of extensions), so counts compare like with like.

import type { BackupTableEntry } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { PglcError } from '../errors';
import { quoteQualified } from '../sql/quote';

export interface TableFact extends BackupTableEntry {
  /** 'r' ordinary (incl. partitions), 'p' partitioned parent (holds no rows itself). */
  kind: 'r' | 'p';
}

/**
 * Tables whose data pg_dump dumps, with estimates and sizes, sorted by schema and name.
 * @example const tables = await readTables(client); tables[0] // { schema: 'public', name: 'users', rowEstimate: 1200, bytes: 90112, kind: 'r' }
 */
export async function readTables(client: Pick<DbClient, 'query'>): Promise<TableFact[]> {
  const r = await client.query<{ schema: string; name: string; kind: 'r' | 'p'; reltuples: number; bytes: string }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.relkind AS kind, c.reltuples::float8 AS reltuples,
            pg_table_size(c.oid)::text AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND c.relpersistence <> 't'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d
                         WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
  );
  return r.rows.map((t) => ({
    schema: t.schema,
    name: t.name,
    kind: t.kind,
    rowEstimate: Math.max(0, Math.round(Number(t.reltuples))),
    bytes: Number(t.bytes),
  }));
}

/** Size of the current database in bytes and its number of large objects. */
export async function readDatabaseFacts(client: Pick<DbClient, 'query'>): Promise<{ databaseSize: number; largeObjects: number }> {
  const r = await client.query<{ size: string; lo: string }>(
    'SELECT pg_database_size(current_database())::text AS size, (SELECT count(*) FROM pg_largeobject_metadata)::text AS lo',
  );
  return { databaseSize: Number(r.rows[0]?.size ?? 0), largeObjects: Number(r.rows[0]?.lo ?? 0) };
}

/**
 * The tables matching pg_dump `-t` patterns (`users`, `public.users`, `app.*`, `"MixedCase"`),
 * with pg_dump's rules: unquoted parts fold to lower case, `*` and `?` are wildcards, a pattern
 * without a schema matches in every schema. A pattern matching nothing is an error, before any
 * dump starts.
 * @example selectTables(tables, ['public.users', 'orders'])
 */
export function selectTables(tables: TableFact[], patterns: string[]): TableFact[] {
  const compiled = patterns.map((p) => ({ text: p, ...compilePattern(p) }));
  for (const c of compiled) {
    if (!tables.some((t) => matches(c, t))) {
      throw new PglcError('usage', {
        what: `No table matches --tables ${c.text}`,
        why: 'pg_dump would dump nothing for it',
        fix: 'Give existing table names (schema.table or table; * and ? as wildcards), separated by commas.',
        details: { pattern: c.text },
      });
    }
  }
  return tables.filter((t) => compiled.some((c) => matches(c, t)));
}

function matches(c: { schema?: RegExp; name: RegExp }, t: TableFact): boolean {
  return c.name.test(t.name) && (!c.schema || c.schema.test(t.schema));
}

function compilePattern(p: string): { schema?: RegExp; name: RegExp } {
  // Split on unquoted dots; fold unquoted characters; translate wildcards.
  const parts: string[] = [''];
  let quoted = false;
  for (let i = 0; i < p.length; i++) {
    const ch = p[i]!;
    if (ch === '"') {
      if (quoted && p[i + 1] === '"') {
        parts[parts.length - 1] += escapeRe('"');
        i++;
      } else quoted = !quoted;
    } else if (ch === '.' && !quoted) parts.push('');
    else if (!quoted && ch === '*') parts[parts.length - 1] += '.*';
    else if (!quoted && ch === '?') parts[parts.length - 1] += '.';
    else parts[parts.length - 1] += escapeRe(quoted ? ch : ch.toLowerCase());
  }
  const re = (s: string) => new RegExp(`^(?:${s})$`);
  if (parts.length === 1) return { name: re(parts[0]!) };
  return { schema: re(parts[parts.length - 2]!), name: re(parts[parts.length - 1]!) };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Exact row counts of `tables`, each `count(*) FROM ONLY` (partitions are counted as their own
 * tables), on `client` — which the caller has put in the snapshot pg_dump uses. Each count runs
 * in a savepoint: a table that cannot be counted (e.g. no SELECT privilege) is reported in
 * `failures` and never aborts the snapshot's transaction, which pg_dump depends on.
 * @example const { counts, failures } = await countRows(snapshotClient, tables);
 */
export async function countRows(
  client: Pick<DbClient, 'query'>,
  tables: TableFact[],
  signal?: AbortSignal,
): Promise<{ counts: Map<string, number>; failures: string[] }> {
  const counts = new Map<string, number>();
  const failures: string[] = [];
  for (const t of tables) {
    if (signal?.aborted) break;
    if (t.kind === 'p') {
      counts.set(tableKey(t), 0);
      continue;
    }
    await client.query('SAVEPOINT pglc_count');
    try {
      const r = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ONLY ${quoteQualified(t.schema, t.name)}`);
      counts.set(tableKey(t), Number(r.rows[0]?.n ?? 0));
      await client.query('RELEASE SAVEPOINT pglc_count');
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT pglc_count');
      if (signal?.aborted) break;
      failures.push(`${t.schema}.${t.name}: ${(e as Error).message}`);
    }
  }
  return { counts, failures };
}

export function tableKey(t: { schema: string; name: string }): string {
  return `${t.schema}\u0000${t.name}`;
}
