// Schemas, extensions and default privileges: the objects everything else lives in or inherits
// its privileges from.
// Invariant: a schema is dropped only after what is in it (its objects are dropped one by one
// first, never with CASCADE); an extension's own objects are never diffed (they come with it).

import { keys } from '../schema/keys';
import type { DefaultPrivilegeDef } from '../schema/model';
import { builtInGrants, commentStep, emit, grantSteps, ownerStep, type DiffContext } from './diff-context';
import { ident, roleName } from './sql-text';

export function diffSchemas(ctx: DiffContext): void {
  const a = new Map(ctx.a.schemas.map((s) => [s.name, s]));
  for (const s of ctx.b.schemas) {
    const key = keys.schema(s.name);
    const old = a.get(s.name);
    const target = `SCHEMA ${ident(s.name)}`;
    if (!old) emit(ctx, { key, action: 'create', sql: `CREATE SCHEMA ${ident(s.name)};` });
    ownerStep(ctx, key, target, old?.owner, s.owner, !old);
    commentStep(ctx, key, target, old?.comment, s.comment);
    grantSteps(ctx, key, target, old ? old.grants : [], s.grants);
  }
  for (const s of ctx.a.schemas) {
    if (ctx.B.schemas.has(s.name)) continue;
    emit(ctx, { key: keys.schema(s.name), action: 'drop', sql: `DROP SCHEMA ${ident(s.name)};`, destructive: `drops schema ${s.name}` });
  }
}

export function diffExtensions(ctx: DiffContext): void {
  const a = new Map(ctx.a.extensions.map((e) => [e.name, e]));
  const b = new Map(ctx.b.extensions.map((e) => [e.name, e]));
  for (const e of ctx.b.extensions) {
    const key = keys.extension(e.name);
    const old = a.get(e.name);
    if (!old) {
      emit(ctx, { key, action: 'create', after: [keys.schema(e.schema)], sql: `CREATE EXTENSION IF NOT EXISTS ${ident(e.name)} WITH SCHEMA ${ident(e.schema)};` });
    } else if (old.schema !== e.schema) {
      emit(ctx, { key, action: 'alter', after: [keys.schema(e.schema)], sql: `ALTER EXTENSION ${ident(e.name)} SET SCHEMA ${ident(e.schema)};` });
    }
  }
  for (const e of ctx.a.extensions) {
    if (b.has(e.name)) continue;
    emit(ctx, { key: keys.extension(e.name), action: 'drop', sql: `DROP EXTENSION ${ident(e.name)};`, destructive: `drops extension ${e.name} and the objects it provides` });
  }
}

const OBJECT_WORD: Record<DefaultPrivilegeDef['objectType'], string> = { tables: 'TABLES', sequences: 'SEQUENCES', functions: 'FUNCTIONS', types: 'TYPES', schemas: 'SCHEMAS' };

/** ALTER DEFAULT PRIVILEGES, per (role, schema, object type). */
export function diffDefaultPrivileges(ctx: DiffContext): void {
  if (!ctx.privileges) return;
  const id = (d: DefaultPrivilegeDef) => keys.defaultPrivileges(d.role, d.schema, d.objectType);
  const a = new Map(ctx.a.defaultPrivileges.map((d) => [id(d), d]));
  const b = new Map(ctx.b.defaultPrivileges.map((d) => [id(d), d]));
  for (const k of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const d = (b.get(k) ?? a.get(k)) as DefaultPrivilegeDef;
    const baseline = d.schema === undefined ? builtInGrants(d.objectType) : [];
    const from = a.get(k)?.grants ?? baseline;
    const to = b.get(k)?.grants ?? baseline;
    const prefix = `ALTER DEFAULT PRIVILEGES${d.role !== undefined ? ` FOR ROLE ${roleName(d.role)}` : ''}${d.schema !== undefined ? ` IN SCHEMA ${ident(d.schema)}` : ''}`;
    const before = ctx.steps.length;
    grantSteps(ctx, k, OBJECT_WORD[d.objectType], from, to, { after: d.schema !== undefined ? [keys.schema(d.schema)] : [] });
    // grantSteps writes `GRANT … ON TABLES TO …`; default privileges put the verb after the prefix.
    for (const s of ctx.steps.slice(before)) {
      s.sql = `${prefix} ${s.sql}`;
      s.decoration = false;
    }
  }
}
