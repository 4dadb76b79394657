// Enums, domains, composite and range types.
// Invariants: enum values are only ever added in place (ADD VALUE … BEFORE/AFTER keeps the
// order); removing or reordering values re-creates the type under its name and moves every
// column onto it (USING col::text::type), so nothing that uses the type is dropped; a domain is
// altered in place (default, NOT NULL, constraints) and re-created only when its base type changes.

import { keys } from '../schema/keys';
import type { CompositeTypeDef, DomainTypeDef, EnumTypeDef, RangeTypeDef, TypeDef } from '../schema/model';
import { commentStep, defaultPrivilegeKeys, emit, grantSteps, initialGrants, ownerStep, same, type DiffContext } from './diff-context';
import { commentSql, ident, literal, qname } from './sql-text';
import { typeName, relationName } from './step';

export function typeWord(t: TypeDef): string {
  return t.kind === 'domain' ? 'DOMAIN' : 'TYPE';
}

/** Whether a type change cannot be made in place (the type is dropped and created again). */
export function typeNeedsReplace(a: TypeDef, b: TypeDef): boolean {
  if (a.kind !== b.kind) return true;
  if (a.kind === 'domain' && b.kind === 'domain') return a.baseType !== b.baseType || a.collation !== b.collation;
  if (a.kind === 'range' && b.kind === 'range') return a.subtype !== b.subtype || !same(a.options, b.options);
  return false;
}

/** Whether an enum change needs the type re-created (a value removed or moved). */
export function enumNeedsRecreate(a: EnumTypeDef, b: EnumTypeDef): boolean {
  let i = 0;
  for (const v of b.values) if (v === a.values[i]) i++;
  return i < a.values.length;
}

export function createTypeSql(t: TypeDef): string[] {
  const name = qname(t.schema, t.name);
  switch (t.kind) {
    case 'enum':
      return [`CREATE TYPE ${name} AS ENUM (${t.values.map(literal).join(', ')});`];
    case 'composite':
      return [`CREATE TYPE ${name} AS (${t.attributes.map((x) => `${ident(x.name)} ${x.type}${x.collation ? ` COLLATE ${x.collation}` : ''}`).join(', ')});`];
    case 'range':
      return [`CREATE TYPE ${name} AS RANGE (subtype = ${t.subtype}${t.options.map((o) => `, ${o}`).join('')});`];
    case 'domain': {
      const parts = [`CREATE DOMAIN ${name} AS ${t.baseType}`];
      if (t.collation) parts.push(`COLLATE ${t.collation}`);
      if (t.default !== undefined) parts.push(`DEFAULT ${t.default}`);
      if (t.notNull) parts.push('NOT NULL');
      for (const c of t.constraints) if (c.validated) parts.push(`CONSTRAINT ${ident(c.name)} ${c.definition}`);
      const out = [`${parts.join(' ')};`];
      for (const c of t.constraints) if (!c.validated) out.push(`ALTER DOMAIN ${name} ADD CONSTRAINT ${ident(c.name)} ${c.definition};`);
      return out;
    }
  }
}

export function diffTypes(ctx: DiffContext): void {
  for (const t of ctx.b.types) {
    const key = keys.type(t.schema, t.name);
    const old = ctx.A.types.get(key);
    const name = qname(t.schema, t.name);
    const created = !old || ctx.replaced.has(key);
    if (created) {
      const sql = createTypeSql(t);
      sql.forEach((s, i) => emit(ctx, {
        key, action: i === 0 ? 'create' : 'alter', sql: s,
        claims: [typeName(t.schema, t.name), ...(t.kind === 'composite' ? [relationName(t.schema, t.name)] : [])],
        after: [keys.schema(t.schema), ...defaultPrivilegeKeys('types', t.schema)],
      }));
      for (const c of t.kind === 'domain' ? t.constraints : []) if (c.comment !== undefined) emit(ctx, { key, action: 'alter', decoration: true, sql: commentSql(`CONSTRAINT ${ident(c.name)} ON DOMAIN ${name}`, c.comment) });
    } else if (t.kind === 'enum' && old.kind === 'enum') {
      alterEnum(ctx, key, old, t);
    } else if (t.kind === 'domain' && old.kind === 'domain') {
      alterDomain(ctx, key, old, t);
    } else if (t.kind === 'composite' && old.kind === 'composite') {
      alterComposite(ctx, key, old, t);
    }
    ownerStep(ctx, key, `${typeWord(t)} ${name}`, old?.owner, t.owner, created);
    commentStep(ctx, key, `${typeWord(t)} ${name}`, created ? undefined : old?.comment, t.comment);
    grantSteps(ctx, key, `${typeWord(t)} ${name}`, created ? initialGrants(ctx, 'types', t.schema) : (old as TypeDef).grants, t.grants);
  }
  for (const t of ctx.a.types) {
    const key = keys.type(t.schema, t.name);
    if (ctx.B.types.has(key) && !ctx.replaced.has(key)) continue;
    emit(ctx, {
      key, action: 'drop', sql: `DROP ${typeWord(t)} ${qname(t.schema, t.name)};`,
      releases: [typeName(t.schema, t.name), ...(t.kind === 'composite' ? [relationName(t.schema, t.name)] : [])],
      ...(ctx.B.types.has(key) ? {} : { destructive: `drops type ${t.schema}.${t.name}` }),
    });
  }
}

function alterEnum(ctx: DiffContext, key: string, a: EnumTypeDef, b: EnumTypeDef): void {
  const name = qname(b.schema, b.name);
  if (!enumNeedsRecreate(a, b)) {
    const present = new Set(a.values);
    b.values.forEach((v, i) => {
      if (present.has(v)) return;
      const next = b.values.slice(i + 1).find((x) => present.has(x));
      const prev = i > 0 ? b.values[i - 1] : undefined; // added in order: present by now
      const where = next !== undefined ? ` BEFORE ${literal(next)}` : prev !== undefined ? ` AFTER ${literal(prev)}` : '';
      emit(ctx, { key, action: 'alter', sql: `ALTER TYPE ${name} ADD VALUE ${literal(v)}${where};` });
      present.add(v);
    });
    return;
  }
  // Re-create: rename the old type away, create the new one, move every column, drop the old.
  const removed = a.values.filter((v) => !b.values.includes(v));
  const oldName = `${b.name}_pglc_old`.slice(0, 63);
  emit(ctx, { key, action: 'alter', sql: `ALTER TYPE ${name} RENAME TO ${ident(oldName)};`, releases: [typeName(b.schema, b.name)] });
  emit(ctx, { key, action: 'alter', sql: createTypeSql(b)[0]!, ...(removed.length ? { destructive: `removes enum value${removed.length > 1 ? 's' : ''} ${removed.join(', ')} of ${b.schema}.${b.name}: rows holding ${removed.length > 1 ? 'them' : 'it'} make this statement's followers fail` } : {}) });
  const moved: string[] = [];
  for (const [ck, { table, column }] of ctx.A.columns) {
    const bare = column.type.replace(/\[\]$/, '');
    if (bare !== name && bare !== `${b.schema}.${b.name}`) continue;
    if (!ctx.B.columns.has(ck) || ctx.replaced.has(keys.table(table.schema, table.name))) continue;
    const t = qname(table.schema, table.name);
    const c = ident(column.name);
    const array = column.type.endsWith('[]');
    if (column.default !== undefined) emit(ctx, { key: ck, action: 'alter', sql: `ALTER TABLE ${t} ALTER COLUMN ${c} DROP DEFAULT;` });
    emit(ctx, { key: ck, action: 'alter', after: [key], sql: `ALTER TABLE ${t} ALTER COLUMN ${c} TYPE ${column.type} USING ${c}::text${array ? '[]' : ''}::${column.type};` });
    const target = ctx.B.columns.get(ck)!.column;
    if (target.default !== undefined) emit(ctx, { key: ck, action: 'alter', after: [key], sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${target.default};` });
    ctx.retyped.add(ck);
    moved.push(ck);
  }
  emit(ctx, { key: keys.type(b.schema, oldName), action: 'drop', after: [key, ...moved], sql: `DROP TYPE ${qname(b.schema, oldName)};` });
}

function alterDomain(ctx: DiffContext, key: string, a: DomainTypeDef, b: DomainTypeDef): void {
  const name = qname(b.schema, b.name);
  if (a.default !== b.default) {
    emit(ctx, { key, action: 'alter', sql: b.default === undefined ? `ALTER DOMAIN ${name} DROP DEFAULT;` : `ALTER DOMAIN ${name} SET DEFAULT ${b.default};` });
  }
  if (a.notNull !== b.notNull) emit(ctx, { key, action: 'alter', sql: `ALTER DOMAIN ${name} ${b.notNull ? 'SET' : 'DROP'} NOT NULL;` });
  const ac = new Map(a.constraints.map((c) => [c.name, c]));
  const bc = new Map(b.constraints.map((c) => [c.name, c]));
  for (const c of a.constraints) {
    const n = bc.get(c.name);
    if (!n || n.definition !== c.definition || (c.validated && !n.validated)) emit(ctx, { key, action: 'alter', sql: `ALTER DOMAIN ${name} DROP CONSTRAINT ${ident(c.name)};` });
  }
  for (const c of b.constraints) {
    const o = ac.get(c.name);
    const recreate = !o || o.definition !== c.definition || (o.validated && !c.validated);
    if (recreate) {
      const safe = ctx.safe && c.validated;
      emit(ctx, { key, action: 'alter', sql: `ALTER DOMAIN ${name} ADD CONSTRAINT ${ident(c.name)} ${c.definition}${!c.validated || safe ? ' NOT VALID' : ''};` });
      if (safe) emit(ctx, { key, action: 'alter', sql: `ALTER DOMAIN ${name} VALIDATE CONSTRAINT ${ident(c.name)};` });
    } else if (!o.validated && c.validated) {
      emit(ctx, { key, action: 'alter', sql: `ALTER DOMAIN ${name} VALIDATE CONSTRAINT ${ident(c.name)};` });
    }
    if ((recreate ? undefined : o?.comment) !== c.comment) emit(ctx, { key, action: 'alter', decoration: true, sql: commentSql(`CONSTRAINT ${ident(c.name)} ON DOMAIN ${name}`, c.comment) });
  }
}

function alterComposite(ctx: DiffContext, key: string, a: CompositeTypeDef, b: CompositeTypeDef): void {
  const name = qname(b.schema, b.name);
  const aa = new Map(a.attributes.map((x) => [x.name, x]));
  const bb = new Map(b.attributes.map((x) => [x.name, x]));
  for (const x of a.attributes) {
    if (!bb.has(x.name)) emit(ctx, { key, action: 'alter', sql: `ALTER TYPE ${name} DROP ATTRIBUTE ${ident(x.name)};`, destructive: `drops attribute ${x.name} of type ${b.schema}.${b.name}` });
  }
  for (const x of b.attributes) {
    const o = aa.get(x.name);
    const def = `${x.type}${x.collation ? ` COLLATE ${x.collation}` : ''}`;
    if (!o) emit(ctx, { key, action: 'alter', sql: `ALTER TYPE ${name} ADD ATTRIBUTE ${ident(x.name)} ${def};` });
    else if (o.type !== x.type || o.collation !== x.collation) emit(ctx, { key, action: 'alter', sql: `ALTER TYPE ${name} ALTER ATTRIBUTE ${ident(x.name)} TYPE ${def};` });
  }
}

export type { RangeTypeDef };
