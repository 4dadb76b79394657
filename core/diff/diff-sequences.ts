// Sequences that are objects of their own: standalone ones and serial columns' (OWNED BY a
// column). Identity sequences belong to their column (diff-tables.ts).
// Invariants: CREATE SEQUENCE always states AS <type>, so a serial's `integer` sequence stays
// integer (PostgreSQL's default would be bigint); OWNED BY is set after the column exists; a
// sequence owned by a column that is dropped goes with it and is not dropped twice.

import { keys } from '../schema/keys';
import type { SequenceDef, SequenceOptions } from '../schema/model';
import { commentStep, defaultPrivilegeKeys, emit, grantSteps, initialGrants, isDropped, ownerStep, type DiffContext } from './diff-context';
import { ident, qname } from './sql-text';
import { relationName } from './step';

const TYPE_RANGE: Record<string, [string, string]> = {
  smallint: ['-32768', '32767'],
  integer: ['-2147483648', '2147483647'],
  bigint: ['-9223372036854775808', '9223372036854775807'],
};

/** The options that differ from what CREATE SEQUENCE … AS <type> would pick. */
export function sequenceOptionsSql(o: SequenceOptions, withType = true): string {
  const [tmin, tmax] = TYPE_RANGE[o.dataType] ?? TYPE_RANGE.bigint!;
  const ascending = !o.increment.startsWith('-');
  const defMin = ascending ? '1' : tmin;
  const defMax = ascending ? tmax : '-1';
  const defStart = ascending ? o.min : o.max;
  const parts: string[] = [];
  if (withType) parts.push(`AS ${o.dataType}`);
  if (o.increment !== '1') parts.push(`INCREMENT BY ${o.increment}`);
  if (o.min !== defMin) parts.push(`MINVALUE ${o.min}`);
  if (o.max !== defMax) parts.push(`MAXVALUE ${o.max}`);
  if (o.start !== defStart) parts.push(`START WITH ${o.start}`);
  if (o.cache !== '1') parts.push(`CACHE ${o.cache}`);
  if (o.cycle) parts.push('CYCLE');
  return parts.join(' ');
}

/** ALTER SEQUENCE options turning a into b (every changed option, stated in full). */
export function alterSequenceOptions(a: SequenceOptions, b: SequenceOptions): string {
  return alterSequenceParts(a, b).join(' ');
}

export function alterSequenceParts(a: SequenceOptions, b: SequenceOptions): string[] {
  const parts: string[] = [];
  if (a.dataType !== b.dataType) parts.push(`AS ${b.dataType}`);
  if (a.increment !== b.increment) parts.push(`INCREMENT BY ${b.increment}`);
  if (a.min !== b.min || a.dataType !== b.dataType) parts.push(`MINVALUE ${b.min}`);
  if (a.max !== b.max || a.dataType !== b.dataType) parts.push(`MAXVALUE ${b.max}`);
  if (a.start !== b.start) parts.push(`START WITH ${b.start}`);
  if (a.cache !== b.cache) parts.push(`CACHE ${b.cache}`);
  if (a.cycle !== b.cycle) parts.push(b.cycle ? 'CYCLE' : 'NO CYCLE');
  return parts;
}

export function diffSequences(ctx: DiffContext): void {
  for (const s of ctx.b.sequences) {
    const key = keys.sequence(s.schema, s.name);
    const old = ctx.A.sequences.get(key);
    const name = qname(s.schema, s.name);
    if (!old) {
      const opts = sequenceOptionsSql(s);
      emit(ctx, { key, action: 'create', sql: `CREATE SEQUENCE ${name}${opts ? ` ${opts}` : ''};`, claims: [relationName(s.schema, s.name)], after: [keys.schema(s.schema), ...defaultPrivilegeKeys('sequences', s.schema)] });
    } else {
      const change = alterSequenceOptions(old, s);
      if (change) emit(ctx, { key, action: 'alter', sql: `ALTER SEQUENCE ${name} ${change};` });
    }
    if (!sameOwner(old?.ownedBy, s.ownedBy)) {
      const o = s.ownedBy;
      emit(ctx, {
        key, action: 'alter', decoration: true,
        after: o ? [keys.column(o.schema, o.table, o.column)] : [],
        sql: `ALTER SEQUENCE ${name} OWNED BY ${o ? `${qname(o.schema, o.table)}.${ident(o.column)}` : 'NONE'};`,
      });
    }
    ownerStep(ctx, key, `SEQUENCE ${name}`, old?.owner, s.owner, !old);
    commentStep(ctx, key, `SEQUENCE ${name}`, old?.comment, s.comment);
    grantSteps(ctx, key, `SEQUENCE ${name}`, old ? old.grants : initialGrants(ctx, 'sequences', s.schema), s.grants);
  }
  for (const s of ctx.a.sequences) {
    const key = keys.sequence(s.schema, s.name);
    if (ctx.B.sequences.has(key)) continue;
    if (s.ownedBy && (goesWithColumn(ctx, s) || becomesIdentity(ctx, s))) continue;
    emit(ctx, { key, action: 'drop', sql: `DROP SEQUENCE ${qname(s.schema, s.name)};`, releases: [relationName(s.schema, s.name)], destructive: `drops sequence ${s.schema}.${s.name} (its current value is lost)` });
  }
}

/** A serial column turning into an identity column drops its sequence itself (diff-tables.ts). */
function becomesIdentity(ctx: DiffContext, s: SequenceDef): boolean {
  const o = s.ownedBy!;
  const k = keys.column(o.schema, o.table, o.column);
  return !ctx.A.columns.get(k)?.column.identity && Boolean(ctx.B.columns.get(k)?.column.identity);
}

function sameOwner(a: SequenceDef['ownedBy'], b: SequenceDef['ownedBy']): boolean {
  return (a === undefined && b === undefined) || (a !== undefined && b !== undefined && a.schema === b.schema && a.table === b.table && a.column === b.column);
}

/** PostgreSQL drops a sequence OWNED BY a column together with the column (or its table). */
function goesWithColumn(ctx: DiffContext, s: SequenceDef): boolean {
  const o = s.ownedBy!;
  const table = keys.table(o.schema, o.table);
  return isDropped(ctx, table) || ctx.replaced.has(table) || isDropped(ctx, keys.column(o.schema, o.table, o.column)) || ctx.replaced.has(keys.column(o.schema, o.table, o.column));
}
