// Tables: columns (type, default, identity, generated, collation, NOT NULL), partitioning and
// inheritance, storage options, row-level security switches, and their constraints.
// Invariants: a table is altered in place whenever PostgreSQL can (it is re-created only when
// its partitioning changes, and that is marked destructive); a column is never dropped and
// re-added to change its type; inherited columns and constraints are left to the parent (the
// parent's ALTER reaches its children); safe forms are used on tables that already hold data.

import { keys } from '../schema/keys';
import type { ColumnDef, ConstraintDef, IdentityDef, TableDef } from '../schema/model';
import { commentStep, defaultPrivilegeKeys, emit, grantSteps, initialGrants, isDropped, ownerStep, type DiffContext } from './diff-context';
import { alterSequenceParts, sequenceOptionsSql } from './diff-sequences';
import { commentSql, ident, qname } from './sql-text';
import { relationName, typeName } from './step';

export function tableNeedsReplace(a: TableDef, b: TableDef): boolean {
  return a.kind !== b.kind || a.partitionKey !== b.partitionKey;
}

/** A generated column whose expression changes (or that becomes generated) is dropped and added again. */
export function columnNeedsReplace(a: ColumnDef, b: ColumnDef): boolean {
  return b.generated !== undefined && a.generated !== b.generated;
}

export function columnRetyped(a: ColumnDef, b: ColumnDef): boolean {
  return a.type !== b.type || a.collation !== b.collation;
}

/** Definition without the DEFERRABLE clauses (what ALTER CONSTRAINT can change in place). */
function withoutDeferrable(def: string): string {
  return def.replace(/ (NOT )?DEFERRABLE( INITIALLY (DEFERRED|IMMEDIATE))?/g, '');
}

export function constraintNeedsReplace(a: ConstraintDef, b: ConstraintDef): boolean {
  if (a.kind !== b.kind) return true;
  if (a.validated && !b.validated) return true; // a validated constraint cannot become NOT VALID
  if (a.definition === b.definition) return false;
  // Foreign keys change deferrability in place.
  return !(a.kind === 'foreign-key' && withoutDeferrable(a.definition) === withoutDeferrable(b.definition));
}

function identitySql(id: IdentityDef, table: TableDef, column: string): string {
  const opts = sequenceOptionsSql(id.sequence, false);
  const defaultName = `${table.name}_${column}_seq`;
  const name = id.sequence.name !== defaultName ? `SEQUENCE NAME ${qname(table.schema, id.sequence.name)}` : '';
  const inner = [name, opts].filter(Boolean).join(' ');
  return `GENERATED ${id.generation === 'always' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY${inner ? ` (${inner})` : ''}`;
}

export function columnSql(c: ColumnDef, table: TableDef): string {
  let s = `${ident(c.name)} ${c.type}`;
  if (c.collation) s += ` COLLATE ${c.collation}`;
  if (c.generated !== undefined) s += ` GENERATED ALWAYS AS (${c.generated}) STORED`;
  if (c.identity) s += ` ${identitySql(c.identity, table, c.name)}`;
  if (c.default !== undefined) s += ` DEFAULT ${c.default}`;
  if (c.notNull && !c.identity) s += ' NOT NULL';
  return s;
}

/** Columns a CREATE TABLE lists itself (the others come from a parent). */
function ownColumns(t: TableDef): ColumnDef[] {
  return t.partitionOf ? [] : t.columns.filter((c) => c.local);
}

/** Constraints that can be written inside CREATE TABLE (foreign keys and NOT VALID ones come after). */
function inlineConstraint(c: ConstraintDef): boolean {
  return c.kind !== 'foreign-key' && c.validated;
}

export function tableGone(ctx: DiffContext, schema: string, table: string): boolean {
  const k = keys.table(schema, table);
  if (ctx.A.views.has(keys.view(schema, table))) {
    const vk = keys.view(schema, table);
    return isDropped(ctx, vk) || ctx.replaced.has(vk);
  }
  return isDropped(ctx, k) || ctx.replaced.has(k);
}

export function diffTables(ctx: DiffContext): void {
  for (const t of ctx.b.tables) {
    const key = keys.table(t.schema, t.name);
    const old = ctx.A.tables.get(key);
    const created = !old || ctx.replaced.has(key);
    const name = qname(t.schema, t.name);
    if (created) createTable(ctx, t);
    else alterTable(ctx, old, t);
    if (t.rowSecurity !== (created ? false : old!.rowSecurity)) {
      emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${name} ${t.rowSecurity ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY;`, ...(t.rowSecurity ? {} : { destructive: `turns off row-level security on ${t.schema}.${t.name}: its policies stop applying` }) });
    }
    if (t.forceRowSecurity !== (created ? false : old!.forceRowSecurity)) {
      emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${name} ${t.forceRowSecurity ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY;`, ...(t.forceRowSecurity ? {} : { destructive: `stops forcing row-level security on ${t.schema}.${t.name} for its owner` }) });
    }
    ownerStep(ctx, key, `TABLE ${name}`, old?.owner, t.owner, created);
    commentStep(ctx, key, `TABLE ${name}`, created ? undefined : old!.comment, t.comment);
    grantSteps(ctx, key, `TABLE ${name}`, created ? initialGrants(ctx, 'tables', t.schema) : old!.grants, t.grants);
    for (const c of t.columns) {
      const ck = keys.column(t.schema, t.name, c.name);
      const oc = created ? undefined : ctx.A.columns.get(ck)?.column;
      const fresh = created || !oc || ctx.replaced.has(ck);
      commentStep(ctx, ck, `COLUMN ${name}.${ident(c.name)}`, fresh ? undefined : oc.comment, c.comment);
      grantSteps(ctx, ck, `TABLE ${name}`, fresh ? [] : oc.grants, c.grants, { column: ident(c.name) });
    }
  }
  for (const t of ctx.a.tables) {
    const key = keys.table(t.schema, t.name);
    if (ctx.B.tables.has(key) && !ctx.replaced.has(key)) continue;
    // A partition goes with its partitioned table.
    if (t.partitionOf && tableGone(ctx, t.partitionOf.schema, t.partitionOf.table)) continue;
    // Foreign keys between tables that are all going are dropped first, one by one: dropping
    // the tables alone would stall on a cycle of references.
    const crossing = t.constraints.filter((c) => c.foreignKey && !(c.foreignKey.schema === t.schema && c.foreignKey.table === t.name) && tableGone(ctx, c.foreignKey.schema, c.foreignKey.table));
    for (const c of crossing) {
      emit(ctx, { key: keys.constraint(t.schema, t.name, c.name), action: 'drop', sql: `ALTER TABLE ${qname(t.schema, t.name)} DROP CONSTRAINT ${ident(c.name)};` });
    }
    const removes = [
      ...t.columns.map((c) => keys.column(t.schema, t.name, c.name)),
      ...t.constraints.filter((c) => !crossing.includes(c)).map((c) => keys.constraint(t.schema, t.name, c.name)),
      ...ctx.a.indexes.filter((i) => i.schema === t.schema && i.table === t.name).map((i) => keys.index(i.schema, i.name)),
      ...ctx.a.triggers.filter((i) => i.schema === t.schema && i.table === t.name).map((i) => keys.trigger(i.schema, i.table, i.name)),
      ...ctx.a.policies.filter((i) => i.schema === t.schema && i.table === t.name).map((i) => keys.policy(i.schema, i.table, i.name)),
      ...ctx.a.sequences.filter((s) => s.ownedBy?.schema === t.schema && s.ownedBy.table === t.name).map((s) => keys.sequence(s.schema, s.name)),
      ...partitionsOf(ctx, t).map((p) => keys.table(p.schema, p.name)),
    ];
    const replaced = ctx.B.tables.has(key);
    emit(ctx, {
      key, action: 'drop', sql: `DROP TABLE ${qname(t.schema, t.name)};`, removes,
      releases: [relationName(t.schema, t.name), typeName(t.schema, t.name), ...identitySequenceNames(t)],
      destructive: replaced
        ? `drops and re-creates ${t.schema}.${t.name} (its partitioning changes): its rows are lost`
        : `drops table ${t.schema}.${t.name} and its rows`,
    });
  }
}

/** Identity sequences are relations too: their names are taken with the table. */
function identitySequenceNames(t: TableDef): string[] {
  return t.columns.filter((c) => c.identity && c.local).map((c) => relationName(t.schema, c.identity!.sequence.name));
}

function partitionsOf(ctx: DiffContext, t: TableDef): TableDef[] {
  return ctx.a.tables.filter((p) => p.partitionOf?.schema === t.schema && p.partitionOf.table === t.name);
}

function createTable(ctx: DiffContext, t: TableDef): void {
  const key = keys.table(t.schema, t.name);
  const name = qname(t.schema, t.name);
  const inline = t.constraints.filter(inlineConstraint);
  const lines = [
    ...ownColumns(t).map((c) => columnSql(c, t)),
    ...inline.map((c) => `CONSTRAINT ${ident(c.name)} ${c.definition}`),
  ];
  let sql = `CREATE ${t.unlogged ? 'UNLOGGED ' : ''}TABLE ${name}`;
  if (t.partitionOf) {
    sql += ` PARTITION OF ${qname(t.partitionOf.schema, t.partitionOf.table)}`;
    if (lines.length) sql += ` (\n  ${lines.join(',\n  ')}\n)`;
    sql += ` ${t.partitionOf.bound}`;
  } else {
    sql += lines.length ? ` (\n  ${lines.join(',\n  ')}\n)` : ' ()';
    if (t.inherits.length) sql += ` INHERITS (${t.inherits.map((p) => qname(p.schema, p.table)).join(', ')})`;
  }
  if (t.partitionKey) sql += ` PARTITION BY ${t.partitionKey}`;
  if (t.options.length) sql += ` WITH (${t.options.join(', ')})`;
  const parents = t.partitionOf ? [t.partitionOf] : t.inherits;
  emit(ctx, {
    key, action: 'create', sql: `${sql};`,
    provides: [...t.columns.map((c) => keys.column(t.schema, t.name, c.name)), ...inline.map((c) => keys.constraint(t.schema, t.name, c.name))],
    claims: [relationName(t.schema, t.name), typeName(t.schema, t.name), ...identitySequenceNames(t)],
    after: [keys.schema(t.schema), ...parents.map((p) => keys.table(p.schema, p.table)), ...defaultPrivilegeKeys('tables', t.schema)],
  });
  for (const c of t.constraints) {
    if (inlineConstraint(c)) {
      if (c.comment !== undefined) emit(ctx, { key: keys.constraint(t.schema, t.name, c.name), action: 'alter', decoration: true, sql: commentSql(`CONSTRAINT ${ident(c.name)} ON ${name}`, c.comment) });
      continue;
    }
    addConstraint(ctx, t, c, false);
  }
}

function addConstraint(ctx: DiffContext, t: TableDef, c: ConstraintDef, existing: boolean): void {
  const key = keys.constraint(t.schema, t.name, c.name);
  const name = qname(t.schema, t.name);
  const add = `ALTER TABLE ${name} ADD CONSTRAINT ${ident(c.name)}`;
  const after = [keys.table(t.schema, t.name)];
  // Safe forms need a plain table (not partitioned) that already holds rows.
  const safe = ctx.safe && existing && t.kind === 'table';
  if (!c.validated) {
    emit(ctx, { key, action: 'create', after, sql: `${add} ${c.definition} NOT VALID;` });
  } else if (safe && (c.kind === 'foreign-key' || c.kind === 'check')) {
    emit(ctx, { key, action: 'create', after, sql: `${add} ${c.definition} NOT VALID;` });
    emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${name} VALIDATE CONSTRAINT ${ident(c.name)};` });
  } else if (safe && (c.kind === 'unique' || c.kind === 'primary-key') && /^(UNIQUE|PRIMARY KEY) \([^()]*\)( (NOT )?DEFERRABLE( INITIALLY (DEFERRED|IMMEDIATE))?)?$/.test(c.definition)) {
    // Build the unique index without blocking writes, then turn it into the constraint.
    const m = /^(UNIQUE|PRIMARY KEY) (\([^()]*\))(.*)$/.exec(c.definition)!;
    emit(ctx, { key, action: 'create', after, transactional: false, claims: [relationName(t.schema, c.name)], sql: `CREATE UNIQUE INDEX CONCURRENTLY ${ident(c.name)} ON ${name} ${m[2]};` });
    emit(ctx, { key, action: 'alter', sql: `${add} ${m[1]} USING INDEX ${ident(c.name)}${m[3]};` });
  } else {
    emit(ctx, { key, action: 'create', after, claims: c.kind === 'unique' || c.kind === 'primary-key' || c.kind === 'exclusion' ? [relationName(t.schema, c.name)] : [], sql: `${add} ${c.definition};` });
  }
  if (c.comment !== undefined) emit(ctx, { key, action: 'alter', decoration: true, sql: commentSql(`CONSTRAINT ${ident(c.name)} ON ${name}`, c.comment) });
}

function alterTable(ctx: DiffContext, a: TableDef, b: TableDef): void {
  const key = keys.table(b.schema, b.name);
  const name = qname(b.schema, b.name);
  const alter = (sql: string, extra: Partial<Parameters<typeof emit>[1]> = {}) => emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${name} ${sql};`, ...extra });

  if (a.unlogged !== b.unlogged) alter(b.unlogged ? 'SET UNLOGGED' : 'SET LOGGED');
  const ao = optionMap(a.options);
  const bo = optionMap(b.options);
  const set = [...bo].filter(([k, v]) => ao.get(k) !== v).map(([k, v]) => `${k}=${v}`);
  const reset = [...ao.keys()].filter((k) => !bo.has(k));
  if (set.length) alter(`SET (${set.join(', ')})`);
  if (reset.length) alter(`RESET (${reset.join(', ')})`);

  // Partitions and inheritance parents.
  const ap = a.partitionOf;
  const bp = b.partitionOf;
  if (ap && (!bp || ap.schema !== bp.schema || ap.table !== bp.table || ap.bound !== bp.bound)) {
    emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${qname(ap.schema, ap.table)} DETACH PARTITION ${name};` });
  }
  if (bp && (!ap || ap.schema !== bp.schema || ap.table !== bp.table || ap.bound !== bp.bound)) {
    emit(ctx, { key, action: 'alter', after: [keys.table(bp.schema, bp.table)], sql: `ALTER TABLE ${qname(bp.schema, bp.table)} ATTACH PARTITION ${name} ${bp.bound};` });
  }
  const parentKey = (p: { schema: string; table: string }) => `${p.schema}.${p.table}`;
  const ai = new Set(a.inherits.map(parentKey));
  const bi = new Set(b.inherits.map(parentKey));
  for (const p of a.inherits) if (!bi.has(parentKey(p))) alter(`NO INHERIT ${qname(p.schema, p.table)}`);
  for (const p of b.inherits) if (!ai.has(parentKey(p))) alter(`INHERIT ${qname(p.schema, p.table)}`, { after: [keys.table(p.schema, p.table)] });

  // Columns.
  const aCols = new Map(a.columns.map((c) => [c.name, c]));
  const bCols = new Map(b.columns.map((c) => [c.name, c]));
  for (const c of a.columns) {
    if (bCols.has(c.name) || !c.local) continue;
    const ck = keys.column(b.schema, b.name, c.name);
    emit(ctx, { key: ck, action: 'drop', sql: `ALTER TABLE ${name} DROP COLUMN ${ident(c.name)};`, destructive: `drops column ${b.schema}.${b.name}.${c.name} and its data` });
  }
  for (const c of b.columns) {
    const ck = keys.column(b.schema, b.name, c.name);
    const o = aCols.get(c.name);
    if (!o) {
      if (!c.local) continue; // added to the parent, which adds it here
      addColumn(ctx, b, c);
      continue;
    }
    if (!c.local && !o.local) continue; // the parent's ALTER reaches this column
    if (ctx.replaced.has(ck)) {
      emit(ctx, { key: ck, action: 'drop', sql: `ALTER TABLE ${name} DROP COLUMN ${ident(c.name)};`, destructive: c.generated !== undefined && o.generated !== undefined ? undefined : `drops column ${b.schema}.${b.name}.${c.name} to add it again as a generated column: its data is replaced` });
      addColumn(ctx, b, c);
      continue;
    }
    alterColumn(ctx, b, o, c);
  }
  // Column order is not changed in place (PostgreSQL cannot); column-order.ts says what it becomes.

  // Constraints.
  const aCons = new Map(a.constraints.map((c) => [c.name, c]));
  const bCons = new Map(b.constraints.map((c) => [c.name, c]));
  for (const c of a.constraints) {
    const ck = keys.constraint(b.schema, b.name, c.name);
    const n = bCons.get(c.name);
    if (n && !ctx.replaced.has(ck) && !constraintNeedsReplace(c, n)) continue;
    emit(ctx, { key: ck, action: 'drop', sql: `ALTER TABLE ${name} DROP CONSTRAINT ${ident(c.name)};`, releases: [relationName(b.schema, c.name)] });
  }
  for (const c of b.constraints) {
    const ck = keys.constraint(b.schema, b.name, c.name);
    const o = aCons.get(c.name);
    if (!o || ctx.replaced.has(ck) || constraintNeedsReplace(o, c)) {
      addConstraint(ctx, b, c, true);
      continue;
    }
    if (o.definition !== c.definition) {
      const m = / (NOT )?DEFERRABLE( INITIALLY (DEFERRED|IMMEDIATE))?/.exec(c.definition);
      emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${name} ALTER CONSTRAINT ${ident(c.name)}${m ? m[0] : ' NOT DEFERRABLE'};` });
    }
    if (!o.validated && c.validated) emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${name} VALIDATE CONSTRAINT ${ident(c.name)};` });
    commentStep(ctx, ck, `CONSTRAINT ${ident(c.name)} ON ${name}`, o.comment, c.comment);
  }
}

function optionMap(options: string[]): Map<string, string> {
  return new Map(options.map((o) => {
    const i = o.indexOf('=');
    return [o.slice(0, i), o.slice(i + 1)] as [string, string];
  }));
}

function addColumn(ctx: DiffContext, t: TableDef, c: ColumnDef): void {
  const ck = keys.column(t.schema, t.name, c.name);
  const risky = c.notNull && c.default === undefined && !c.identity && c.generated === undefined;
  emit(ctx, {
    key: ck, action: 'create', sql: `ALTER TABLE ${qname(t.schema, t.name)} ADD COLUMN ${columnSql(c, t)};`,
    after: [keys.table(t.schema, t.name)],
    ...(risky ? { warning: 'NOT NULL without a default: fails if the table has rows (add a DEFAULT, or add the column nullable, backfill, then SET NOT NULL)' } : {}),
  });
}

/** Casts between these need no USING (and keep PostgreSQL's no-rewrite shortcuts). */
function needsUsing(from: string, to: string): boolean {
  const base = (t: string) => t.replace(/\(.*\)/, '').replace('character varying', 'varchar');
  const a = base(from);
  const b = base(to);
  if (a === b) return false;
  const texty = new Set(['text', 'varchar']);
  return !(texty.has(a) && texty.has(b));
}

function alterColumn(ctx: DiffContext, t: TableDef, a: ColumnDef, b: ColumnDef): void {
  const ck = keys.column(t.schema, t.name, b.name);
  const table = qname(t.schema, t.name);
  const col = ident(b.name);
  const alter = (sql: string, extra: Partial<Parameters<typeof emit>[1]> = {}) =>
    emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} ALTER COLUMN ${col} ${sql};`, ...(sql.startsWith('DROP ') ? { detaches: true } : {}), ...extra });

  // A column moved onto a re-created enum (diff-types.ts) already has its new type and default.
  const moved = ctx.retyped.has(ck) && !columnRetyped(a, b);
  const retype = columnRetyped(a, b);
  const refresh = ctx.refreshDefault.has(ck);
  let defaultNow = moved ? b.default : a.default;
  if ((retype || refresh) && defaultNow !== undefined) {
    alter('DROP DEFAULT');
    defaultNow = undefined;
  }
  if (a.generated !== undefined && b.generated === undefined) alter('DROP EXPRESSION');
  if (retype) {
    const collate = b.collation ? ` COLLATE ${b.collation}` : '';
    const using = needsUsing(a.type, b.type) ? ` USING ${col}::${b.type}` : '';
    alter(`TYPE ${b.type}${collate}${using}`, { destructive: `changes the type of ${t.schema}.${t.name}.${b.name} from ${a.type} to ${b.type}: the table is rewritten and values that do not convert make it fail` });
  }

  // Identity.
  if (a.identity && !b.identity) alter('DROP IDENTITY', { releases: [relationName(t.schema, a.identity.sequence.name)], warning: `${t.schema}.${t.name}.${b.name} stops being an identity column; its sequence is dropped` });
  if (b.notNull && !a.notNull) setNotNull(ctx, t, b);
  if (!b.notNull && a.notNull && !b.identity) alter('DROP NOT NULL');
  if (!a.identity && b.identity) {
    if (defaultNow !== undefined) {
      alter('DROP DEFAULT');
      defaultNow = undefined;
    }
    // A serial's sequence gives way to the identity's (which takes the same name).
    const serial = serialSequenceOf(ctx, t, a);
    if (serial) emit(ctx, { key: ck, action: 'alter', sql: `DROP SEQUENCE ${qname(serial.schema, serial.name)};`, destructive: `drops sequence ${serial.schema}.${serial.name}: ${t.name}.${b.name} becomes an identity column` });
    alter(`ADD ${identitySql(b.identity, t, b.name)}`, { claims: [relationName(t.schema, b.identity.sequence.name)] });
    // Rows already there: the new sequence continues after the highest value.
    emit(ctx, { key: ck, action: 'alter', sql: `SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(${literalName(t)}, ${literalOf(b.name)}), coalesce(max(${col}), 0) + 1, false) FROM ${table};` });
  } else if (a.identity && b.identity) {
    if (a.identity.generation !== b.identity.generation) alter(`SET GENERATED ${b.identity.generation === 'always' ? 'ALWAYS' : 'BY DEFAULT'}`);
    const change = alterSequenceParts(a.identity.sequence, b.identity.sequence).filter((p) => !p.startsWith('AS '));
    if (change.length) alter(change.map((p) => `SET ${p}`).join(' '));
    if (a.identity.sequence.name !== b.identity.sequence.name) {
      emit(ctx, { key: ck, action: 'alter', sql: `ALTER SEQUENCE ${qname(t.schema, a.identity.sequence.name)} RENAME TO ${ident(b.identity.sequence.name)};`, releases: [relationName(t.schema, a.identity.sequence.name)], claims: [relationName(t.schema, b.identity.sequence.name)] });
    }
  }
  if (b.default !== defaultNow && !b.identity && b.generated === undefined) {
    const reattaches = defaultNow === undefined && a.default !== undefined && b.default !== undefined;
    alter(b.default === undefined ? 'DROP DEFAULT' : `SET DEFAULT ${b.default}`, reattaches ? { reattaches: true } : {});
  }
}

/** The sequence a serial column in A owns and B no longer has (B makes the column an identity). */
export function serialSequenceOf(ctx: DiffContext, t: TableDef, a: ColumnDef): { schema: string; name: string } | undefined {
  const s = ctx.a.sequences.find((q) => q.ownedBy?.schema === t.schema && q.ownedBy.table === t.name && q.ownedBy.column === a.name);
  if (!s || ctx.B.sequences.has(keys.sequence(s.schema, s.name))) return undefined;
  return s;
}

function literalName(t: TableDef): string {
  return literalOf(qname(t.schema, t.name));
}

function literalOf(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SET NOT NULL; on a table with rows, through a validated check so the lock is short. */
function setNotNull(ctx: DiffContext, t: TableDef, c: ColumnDef): void {
  const ck = keys.column(t.schema, t.name, c.name);
  const table = qname(t.schema, t.name);
  const col = ident(c.name);
  if (ctx.safe && t.kind === 'table') {
    const check = ident(`${t.name}_${c.name}_not_null`.slice(0, 54) + '_pglc');
    emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;` });
    emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};` });
    emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL;` });
    emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} DROP CONSTRAINT ${check};` });
    return;
  }
  emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL;` });
}
