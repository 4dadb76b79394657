// The last step of a partial restore: the rows of checked tables in the scratch database replace
// the rows of the same tables in the target, in ONE transaction on the target — emptied,
// refilled parents before children (COPY streams between the two servers' connections, text
// format so a column type that differs slightly still converts), sequences moved past the
// restored ids.
// Invariants: all or nothing — a failure (or pglc being killed) rolls the target's transaction
// back and its rows are exactly as before; only columns both sides have are copied, and a target
// column the backup lacks that would need a value (NOT NULL without default) stops the restore
// before anything is emptied; user triggers do not fire for restored rows, foreign keys do
// (a restored row pointing at a row the target lacks fails the transaction, nothing changes).

import { pipeline } from 'node:stream/promises';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DbClient } from '../db/connect';
import { PglcError, throwIfAborted } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { quoteIdent, quoteQualified } from '../sql/quote';

export interface MoveTable {
  schema: string;
  name: string;
}

interface ColumnInfo {
  name: string;
  notNull: boolean;
  hasDefault: boolean;
  generated: boolean;
}

export interface MoveResult {
  tables: number;
  rows: number;
  sequences: number;
  warnings: string[];
}

/**
 * Replaces the rows of `tables` in `target` with those in `scratch`, in one transaction.
 * @example await moveRows(scratchClient, targetClient, [{ schema: 'public', name: 'users' }], ctx);
 */
export async function moveRows(scratch: DbClient, target: DbClient, tables: MoveTable[], ctx: OperationContext, opts: { expectedRows?: number } = {}): Promise<MoveResult> {
  const warnings: string[] = [];
  // Plan every table's columns before the transaction, so a mismatch stops with nothing touched.
  const plans: { table: MoveTable; columns: string[] }[] = [];
  for (const t of tables) {
    const mine = await columnsOf(target, t);
    const theirs = new Set((await columnsOf(scratch, t)).filter((c) => !c.generated).map((c) => c.name));
    const blocking = mine.filter((c) => !c.generated && !theirs.has(c.name) && c.notNull && !c.hasDefault);
    if (blocking.length) {
      throw new PglcError('restore-not-possible', {
        what: `${t.schema}.${t.name} has column${blocking.length > 1 ? 's' : ''} ${blocking.map((c) => c.name).join(', ')} that the backup lacks`,
        why: 'they are NOT NULL without a default, so the backup\'s rows cannot go in without a value for them',
        fix: 'Give the column a default (or restore the whole backup, which brings its own structure); nothing was changed.',
        details: { table: `${t.schema}.${t.name}`, columns: blocking.map((c) => c.name) },
      });
    }
    for (const c of mine) if (!c.generated && !theirs.has(c.name)) warnings.push(`${t.schema}.${t.name}.${c.name} is not in the backup: restored rows get its default.`);
    const mineNames = new Set(mine.filter((c) => !c.generated).map((c) => c.name));
    for (const c of theirs) if (!mineNames.has(c)) warnings.push(`${t.schema}.${t.name}.${c} is in the backup but not in the target: its values are left out.`);
    plans.push({ table: t, columns: mine.filter((c) => !c.generated && theirs.has(c.name)).map((c) => c.name) });
  }
  const ordered = await parentsFirst(target, plans);

  let rows = 0;
  let sequences = 0;
  await target.query('BEGIN');
  try {
    for (const { table } of ordered) await target.query(`ALTER TABLE ${quoteQualified(table.schema, table.name)} DISABLE TRIGGER USER`);
    await target.query(`TRUNCATE ONLY ${ordered.map(({ table }) => quoteQualified(table.schema, table.name)).join(', ')}`);
    let i = 0;
    for (const { table, columns } of ordered) {
      throwIfAborted(ctx.signal, 'The restore');
      i++;
      progress(ctx, 'restore.move', `Replacing rows: table ${i} of ${ordered.length} (${table.schema}.${table.name})`, { current: i, total: ordered.length, unit: 'tables' });
      const cols = columns.map(quoteIdent).join(', ');
      const name = quoteQualified(table.schema, table.name);
      const source = scratch.query(copyTo(`COPY (SELECT ${cols} FROM ONLY ${name}) TO STDOUT`));
      const sink = target.query(copyFrom(`COPY ${name} (${cols}) FROM STDIN`));
      await pipeline(source, sink);
      rows += Number(sink.rowCount ?? 0);
      sequences += await advanceSequences(target, table);
    }
    for (const { table } of ordered) await target.query(`ALTER TABLE ${quoteQualified(table.schema, table.name)} ENABLE TRIGGER USER`);
    if (opts.expectedRows !== undefined && rows !== opts.expectedRows) {
      throw new PglcError('restore-failed', {
        what: 'The rows copied into the target do not add up',
        why: `${rows} rows were copied, the checked scratch copy has ${opts.expectedRows}`,
        fix: 'Nothing was changed (the transaction rolled back). Report this, with `pglc backup verify --deep` of the backup.',
      });
    }
    await target.query('COMMIT');
  } catch (e) {
    await target.query('ROLLBACK').catch(() => undefined);
    if (e instanceof PglcError) throw e;
    const err = e as { message?: string; code?: string; table?: string };
    throw new PglcError('restore-failed', {
      what: 'The restored rows could not replace the target\'s',
      why: err.message ?? String(e),
      fix: err.code === '23503'
        ? 'A restored row points at a row the target does not have: restore the referenced table too (--table), or restore the whole backup. Nothing was changed.'
        : err.code === '42501'
          ? 'Replacing rows needs the tables\' owner (to keep their triggers from firing): run the restore as the owner. Nothing was changed.'
          : 'Nothing was changed (the transaction rolled back).',
      details: { code: err.code },
    });
  }
  return { tables: ordered.length, rows, sequences, warnings };
}

async function columnsOf(c: Pick<DbClient, 'query'>, t: MoveTable): Promise<ColumnInfo[]> {
  const r = await c.query<{ name: string; not_null: boolean; has_default: boolean; generated: boolean }>(
    `SELECT a.attname AS name, a.attnotnull AS not_null,
            (a.atthasdef OR a.attidentity <> '' OR EXISTS (SELECT 1 FROM pg_type ty WHERE ty.oid = a.atttypid AND ty.typdefault IS NOT NULL)) AS has_default,
            a.attgenerated <> '' AS generated
       FROM pg_attribute a
      WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteQualified(t.schema, t.name)],
  );
  return r.rows.map((x) => ({ name: x.name, notNull: x.not_null, hasDefault: x.has_default, generated: x.generated }));
}

/** Referenced tables before referencing ones (within the moved set; cycles keep their order). */
async function parentsFirst<T extends { table: MoveTable }>(c: Pick<DbClient, 'query'>, plans: T[]): Promise<T[]> {
  const key = (t: MoveTable) => JSON.stringify([t.schema, t.name]);
  const r = await c.query<{ cs: string; cn: string; ps: string; pn: string }>(
    `SELECT cn.nspname AS cs, cc.relname AS cn, pn.nspname AS ps, pc.relname AS pn
       FROM pg_constraint k
       JOIN pg_class cc ON cc.oid = k.conrelid JOIN pg_namespace cn ON cn.oid = cc.relnamespace
       JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
      WHERE k.contype = 'f' AND k.conrelid <> k.confrelid`,
  );
  const inSet = new Set(plans.map((p) => key(p.table)));
  const parents = new Map<string, Set<string>>();
  for (const e of r.rows) {
    const child = key({ schema: e.cs, name: e.cn });
    const parent = key({ schema: e.ps, name: e.pn });
    if (!inSet.has(child) || !inSet.has(parent)) continue;
    parents.set(child, (parents.get(child) ?? new Set()).add(parent));
  }
  const out: T[] = [];
  const placed = new Set<string>();
  let remaining = [...plans];
  while (remaining.length) {
    const ready = remaining.filter((p) => [...(parents.get(key(p.table)) ?? [])].every((x) => placed.has(x)));
    const next = ready.length ? ready : [remaining[0]!];
    for (const p of next) {
      out.push(p);
      placed.add(key(p.table));
    }
    remaining = remaining.filter((p) => !next.includes(p));
  }
  return out;
}

/**
 * Moves the sequences owned by `table`'s columns (serial and identity) past the highest value now
 * in the column, never backwards: ids handed out since the backup are not handed out again.
 */
async function advanceSequences(c: Pick<DbClient, 'query'>, table: MoveTable): Promise<number> {
  const r = await c.query<{ seq: string; col: string }>(
    `SELECT format('%I.%I', sn.nspname, s.relname) AS seq, a.attname AS col
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
        AND d.refobjid = to_regclass($1)`,
    [quoteQualified(table.schema, table.name)],
  );
  for (const s of r.rows) {
    await c.query(
      `SELECT setval($1::text::regclass, x.m)
         FROM (SELECT max(${quoteIdent(s.col)})::bigint AS m FROM ${quoteQualified(table.schema, table.name)}) x
        WHERE x.m IS NOT NULL
          AND x.m > coalesce((SELECT coalesce(q.last_value, q.start_value - 1) FROM pg_sequences q WHERE format('%I.%I', q.schemaname, q.sequencename) = $1::text), x.m - 1)`,
      [s.seq],
    );
  }
  return r.rows.length;
}
