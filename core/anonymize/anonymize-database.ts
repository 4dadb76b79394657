// Anonymizing a database in one transaction, set-based: for every domain (a strategy with its
// generator — columns sharing it share one mapping, so a value repeated across tables gets the
// same replacement everywhere and joins still match) the distinct values are collected in SQL,
// replaced in batches in Node (faker, mask, keyed hash), collisions resolved, and each table is
// rewritten once with all its ruled columns.
// Invariants: all or nothing (one transaction: a failure leaves the data as it was); no original
// value of a ruled column survives — for identifying values (e-mails, phones, addresses, hashes,
// masks, anything unique) a replacement never equals ANY original value of its domain; for
// common ones (first names, cities, dates) never the value it replaces — and the end of the run
// checks it by query; replacements of unique columns stay unique; user triggers do not fire (an audit trigger must not copy the originals elsewhere);
// foreign keys between ruled columns are dropped and re-added (validated) around the rewrite.

import type { AnonymizeSummary, AnonymizeTableSummary } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { PglcError, isPglcError, throwIfAborted } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { quoteIdent, quoteQualified } from '../sql/quote';
import { readForeignKeys, type ForeignKeyFact } from './column-facts';
import { makeReplacer } from './replacer';
import type { ResolvedColumn, ResolvedRules } from './resolve-rules';

const BATCH = 20_000;
/**
 * Generators of values that many people share (a first name, a city): a replacement only has to
 * differ from the value it replaces — requiring it to differ from every original would exhaust
 * faker's lists on real data.
 */
const COMMON_VALUES = new Set([
  'person.firstName', 'person.lastName', 'person.middleName', 'person.jobTitle', 'person.sex', 'person.gender',
  'location.city', 'location.state', 'location.country', 'location.zipCode', 'company.name',
  'date.birthdate', 'date.past', 'lorem.word', 'lorem.words', 'lorem.sentence', 'lorem.paragraph',
]);
const MAX_ROUNDS = 8;

interface Domain {
  key: string;
  index: number;
  columns: ResolvedColumn[];
  unique: boolean;
  /** Replacements must avoid every original of the domain, not only the value they replace. */
  disjoint: boolean;
  replace: (value: string, attempt: number) => string;
  distinct: number;
}

/**
 * Anonymizes the database behind `client` with `rules` (already resolved against it).
 * `tables` limits the run to some tables (`schema.table`), e.g. those a partial restore moves.
 * @example const summary = await anonymizeDatabase(client, rules, key, { unruledPii }, ctx);
 */
export async function anonymizeDatabase(
  client: DbClient,
  rules: ResolvedRules,
  key: Buffer,
  opts: { tables?: Set<string>; unruledPii?: string[]; warnings?: string[] },
  ctx: OperationContext,
): Promise<AnonymizeSummary> {
  const t0 = performance.now();
  const ruled = rules.columns.filter((c) => c.strategy !== 'keep' && (!opts.tables || opts.tables.has(`${c.schema}.${c.table}`)));
  const domains = buildDomains(ruled, key);
  const byTable = groupByTable(ruled);
  const summaries: AnonymizeTableSummary[] = [];
  let rows = 0;
  await client.query('BEGIN');
  try {
    const fks = await foreignKeysToLift(client, ruled);
    for (const fk of fks) await client.query(`ALTER TABLE ${quoteQualified(fk.schema, fk.table)} DROP CONSTRAINT ${quoteIdent(fk.name)}`);

    let n = 0;
    for (const d of domains.values()) {
      throwIfAborted(ctx.signal, 'Anonymization');
      progress(ctx, 'anonymize.map', `Replacing values of ${d.columns.map(label).join(', ')}`, { current: ++n, total: domains.size, unit: 'steps' });
      await buildMapping(client, d, ctx);
    }
    let done = 0;
    for (const [table, cols] of byTable) {
      throwIfAborted(ctx.signal, 'Anonymization');
      const s = performance.now();
      progress(ctx, 'anonymize.table', `Anonymizing ${table}`, { current: done, total: byTable.size, unit: 'tables' });
      const count = await rewriteTable(client, cols, domains);
      rows += count;
      done++;
      summaries.push({
        schema: cols[0]!.schema,
        table: cols[0]!.table,
        rows: count,
        columns: cols.map((c) => ({ column: c.column, strategy: c.strategy, ...(c.generator ? { generator: c.generator } : {}), ...(c.domain ? { distinctValues: domains.get(c.domain)!.distinct } : {}) })),
        durationMs: Math.round(performance.now() - s),
      });
    }
    for (const fk of fks) {
      try {
        await client.query(`ALTER TABLE ${quoteQualified(fk.schema, fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} ${fk.definition}`);
      } catch (e) {
        throw new PglcError('anonymize-failed', {
          what: `Foreign key ${fk.name} (${fk.schema}.${fk.table} → ${fk.refSchema}.${fk.refTable}) no longer holds after anonymization`,
          why: (e as Error).message,
          fix: `Give ${fk.schema}.${fk.table}.${fk.columns.join(',')} and ${fk.refSchema}.${fk.refTable}.${fk.refColumns.join(',')} the same rule, so both sides get the same replacements. Nothing was changed.`,
        });
      }
    }
    await checkNothingSurvives(client, ruled, domains);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (isPglcError(e)) throw e;
    throw new PglcError('anonymize-failed', {
      what: 'Anonymization failed; nothing was changed',
      why: (e as Error).message,
      fix: 'Check the rules against the message (a replacement that does not fit a column\'s type or a CHECK constraint), then run it again.',
    });
  }
  const durationMs = Math.round(performance.now() - t0);
  return {
    rulesFile: rules.file,
    tables: summaries,
    rows,
    skipped: rules.skipped,
    unruledPii: opts.unruledPii ?? [],
    rowsPerSecond: durationMs > 0 ? Math.round((rows / durationMs) * 1000) : rows,
    durationMs,
    warnings: [...rules.warnings, ...(opts.warnings ?? [])],
  };
}

function label(c: ResolvedColumn): string {
  return `${c.schema}.${c.table}.${c.column}`;
}

function buildDomains(cols: ResolvedColumn[], key: Buffer): Map<string, Domain> {
  const out = new Map<string, Domain>();
  for (const c of cols) {
    if (!c.domain || !c.replacement) continue;
    const d = out.get(c.domain) ?? { key: c.domain, index: out.size, columns: [], unique: false, disjoint: false, replace: makeReplacer(c.replacement, key), distinct: 0 };
    d.columns.push(c);
    d.unique ||= c.fact.unique;
    d.disjoint ||= c.fact.unique || !COMMON_VALUES.has(c.generator ?? '');
    out.set(c.domain, d);
  }
  return out;
}

function groupByTable(cols: ResolvedColumn[]): Map<string, ResolvedColumn[]> {
  const out = new Map<string, ResolvedColumn[]>();
  for (const c of cols) {
    const k = `${c.schema}.${c.table}`;
    out.set(k, [...(out.get(k) ?? []), c]);
  }
  return out;
}

const mapTable = (d: Domain) => `pglc_anon_map_${d.index}`;
const srcTable = (d: Domain) => `pglc_anon_src_${d.index}`;
const from = (c: ResolvedColumn) => `${c.fact.tableKind === 'p' ? '' : 'ONLY '}${quoteQualified(c.schema, c.table)}`;

/** Distinct originals of the domain in SQL, their replacements from Node in batches, then collisions resolved. */
async function buildMapping(client: DbClient, d: Domain, ctx: OperationContext): Promise<void> {
  const src = srcTable(d);
  const map = mapTable(d);
  await client.query(`CREATE TEMP TABLE ${src} (old text PRIMARY KEY) ON COMMIT DROP`);
  await client.query(`CREATE TEMP TABLE ${map} (old text PRIMARY KEY, new text NOT NULL) ON COMMIT DROP`);
  const selects = d.columns.map((c) => `SELECT ${quoteIdent(c.column)}::text FROM ${from(c)} WHERE ${quoteIdent(c.column)} IS NOT NULL`);
  await client.query(`INSERT INTO ${src} SELECT DISTINCT v FROM (${selects.join(' UNION ALL ')}) x(v)`);
  let last: string | undefined;
  for (;;) {
    throwIfAborted(ctx.signal, 'Anonymization');
    const r = last === undefined
      ? await client.query<{ old: string }>(`SELECT old FROM ${src} ORDER BY old COLLATE "C" LIMIT ${BATCH}`)
      : await client.query<{ old: string }>(`SELECT old FROM ${src} WHERE old COLLATE "C" > $1 ORDER BY old COLLATE "C" LIMIT ${BATCH}`, [last]);
    if (r.rows.length === 0) break;
    const olds = r.rows.map((x) => x.old);
    await client.query(`INSERT INTO ${map} (old, new) SELECT * FROM unnest($1::text[], $2::text[])`, [olds, olds.map((v) => d.replace(v, 0))]);
    d.distinct += olds.length;
    last = olds[olds.length - 1];
  }
  await client.query(`ANALYZE ${map}`);
  // A replacement equal to some original would leave that original in place (and could meet
  // the row it came from); unique columns also need distinct replacements. Draw again for those.
  for (let attempt = 1; ; attempt++) {
    const clash = await client.query<{ old: string }>(
      `SELECT m.old FROM ${map} m WHERE ${d.disjoint ? `EXISTS (SELECT 1 FROM ${map} o WHERE o.old = m.new)` : 'm.new = m.old'}
       ${d.unique ? `UNION SELECT old FROM (SELECT old, row_number() OVER (PARTITION BY new ORDER BY old COLLATE "C") AS rn FROM ${map}) x WHERE rn > 1` : ''}`,
    );
    if (clash.rows.length === 0) return;
    if (attempt > MAX_ROUNDS) {
      throw new PglcError('anonymize-failed', {
        what: `Could not find distinct replacements for ${d.columns.map(label).join(', ')}`,
        why: `${clash.rows.length} values still collide after ${MAX_ROUNDS} attempts (the generator has too few different values for ${d.distinct} distinct inputs)`,
        fix: 'Use a generator with more variety (e.g. internet.exampleEmail, string.uuid) or hash for this column. Nothing was changed.',
      });
    }
    const olds = clash.rows.map((x) => x.old);
    await client.query(`UPDATE ${map} m SET new = u.new FROM unnest($1::text[], $2::text[]) AS u(old, new) WHERE m.old = u.old`, [olds, olds.map((v) => d.replace(v, attempt))]);
  }
}

/** One rewrite of the table: every ruled column at once, rows matched by (tableoid, ctid). */
async function rewriteTable(client: DbClient, cols: ResolvedColumn[], domains: Map<string, Domain>): Promise<number> {
  const c0 = cols[0]!;
  const table = quoteQualified(c0.schema, c0.table);
  const only = c0.fact.tableKind === 'p' ? '' : 'ONLY ';
  const sets: string[] = [];
  const joins: string[] = [];
  const picks: string[] = [];
  cols.forEach((c, i) => {
    const col = quoteIdent(c.column);
    if (c.strategy === 'null') {
      sets.push(`${col} = NULL`);
      return;
    }
    const d = domains.get(c.domain!)!;
    joins.push(`LEFT JOIN ${mapTable(d)} m${i} ON m${i}.old = y.${col}::text`);
    picks.push(`m${i}.new AS n${i}`);
    sets.push(`${col} = s.n${i}::${c.fact.type}`);
  });
  await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  const r = joins.length
    ? await client.query(
        `UPDATE ${only}${table} AS x SET ${sets.join(', ')}
           FROM (SELECT y.tableoid AS toid, y.ctid AS tid${picks.length ? ', ' + picks.join(', ') : ''} FROM ${only}${table} y ${joins.join(' ')}) s
          WHERE x.tableoid = s.toid AND x.ctid = s.tid`,
      )
    : await client.query(`UPDATE ${only}${table} SET ${sets.join(', ')}`);
  await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  return r.rowCount ?? 0;
}

/** Foreign keys that involve a ruled column: lifted around the rewrite, re-added after it. */
async function foreignKeysToLift(client: DbClient, ruled: ResolvedColumn[]): Promise<ForeignKeyFact[]> {
  const isRuled = (schema: string, table: string, cols: string[]) => cols.some((col) => ruled.some((c) => c.schema === schema && c.table === table && c.column === col));
  const fks = (await readForeignKeys(client)).filter((fk) => isRuled(fk.schema, fk.table, fk.columns) || isRuled(fk.refSchema, fk.refTable, fk.refColumns));
  for (const fk of fks) {
    const domainOf = (schema: string, table: string, col: string) => ruled.find((c) => c.schema === schema && c.table === table && c.column === col)?.domain ?? 'unchanged';
    const mismatch = fk.columns.some((col, i) => domainOf(fk.schema, fk.table, col) !== domainOf(fk.refSchema, fk.refTable, fk.refColumns[i]!));
    if (mismatch) {
      throw new PglcError('anonymize-rules-invalid', {
        what: `Foreign key ${fk.name} links ${fk.schema}.${fk.table}(${fk.columns.join(', ')}) to ${fk.refSchema}.${fk.refTable}(${fk.refColumns.join(', ')}), which have different rules`,
        why: 'the two sides would get different values and the foreign key would break',
        fix: 'Give both sides the same rule (strategy and generator), or keep both.',
      });
    }
  }
  return fks;
}

/**
 * The run's own proof: no ruled column of an identifying domain still holds any original value
 * of it (common domains: checked per value while drawing, m.new <> m.old).
 */
async function checkNothingSurvives(client: DbClient, ruled: ResolvedColumn[], domains: Map<string, Domain>): Promise<void> {
  for (const c of ruled) {
    if (!c.domain) continue;
    const d = domains.get(c.domain)!;
    if (!d.disjoint) continue;
    const r = await client.query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${from(c)} t WHERE EXISTS (SELECT 1 FROM ${srcTable(d)} s WHERE s.old = t.${quoteIdent(c.column)}::text)`,
    );
    const n = Number(r.rows[0]?.n ?? 0);
    if (n > 0) {
      throw new PglcError('anonymize-failed', {
        what: `${label(c)} still holds ${n} original value(s) after anonymization`,
        why: 'a replacement could not be applied to every row',
        fix: 'Report this as a bug; nothing was changed.',
      });
    }
  }
}
