// What every per-kind differ shares: both models indexed by key, the options, the steps being
// collected, the objects that must be dropped and re-created because something they depend on
// changes, and the helpers for grants, comments and owners that every kind uses alike.
// Invariant: grants are diffed against what an object really has — for an object the migration
// creates, the built-in defaults plus the target's default privileges — so no privilege is
// silently added or lost.

import { keys, kindOf } from '../schema/keys';
import type { DefaultPrivilegeObject, Grant, SchemaModel } from '../schema/model';
import type { ModelIndex } from './model-index';
import { commentSql, roleName } from './sql-text';
import type { Step } from './step';

export interface DiffOptions {
  /**
   * Safe forms for objects that already exist: CREATE INDEX CONCURRENTLY, constraints added
   * NOT VALID then validated, SET NOT NULL through a validated check. Default true.
   */
  safe?: boolean;
}

export interface DiffContext {
  a: SchemaModel;
  b: SchemaModel;
  A: ModelIndex;
  B: ModelIndex;
  safe: boolean;
  /** Compare grants (both models read privileges). */
  privileges: boolean;
  /** Compare owners (both models read them). */
  owners: boolean;
  steps: Step[];
  /** Keys present in both models that are dropped and created again. */
  replaced: Set<string>;
  /** Columns whose type changes in place (dependents that cannot survive that are replaced). */
  retyped: Set<string>;
  /** Columns whose default must be dropped before and set again after (it depends on something replaced). */
  refreshDefault: Set<string>;
  /** Notes for the reader that are not statements (e.g. column order). */
  notes: string[];
}

export function emit(ctx: DiffContext, step: Step): void {
  ctx.steps.push(step);
}

/** In A and not B. */
export function isDropped(ctx: DiffContext, key: string): boolean {
  return has(ctx.A, key) && !has(ctx.B, key);
}

/** The object is created by this migration (new, or replaced). */
export function isNew(ctx: DiffContext, key: string): boolean {
  return !has(ctx.A, key) || ctx.replaced.has(key);
}

export function has(ix: ModelIndex, key: string): boolean {
  switch (kindOf(key)) {
    case 'table': return ix.tables.has(key);
    case 'view': return ix.views.has(key);
    case 'column': return ix.columns.has(key);
    case 'constraint': return ix.constraints.has(key);
    case 'index': return ix.indexes.has(key);
    case 'function': return ix.functions.has(key);
    case 'trigger': return ix.triggers.has(key);
    case 'policy': return ix.policies.has(key);
    case 'type': return ix.types.has(key);
    case 'sequence': return ix.sequences.has(key);
    case 'schema': return ix.schemas.has(/^schema:"((?:[^"]|"")*)"$/.exec(key)?.[1]?.replace(/""/g, '"') ?? '');
    default: return false;
  }
}

// Privileges every new object has before any GRANT, without its owner's (acldefault minus owner).
const BUILT_IN: Record<DefaultPrivilegeObject, Grant[]> = {
  tables: [],
  sequences: [],
  functions: [{ grantee: 'PUBLIC', privilege: 'EXECUTE', grantable: false }],
  types: [{ grantee: 'PUBLIC', privilege: 'USAGE', grantable: false }],
  schemas: [],
};

export function builtInGrants(objectType: DefaultPrivilegeObject): Grant[] {
  return BUILT_IN[objectType];
}

/**
 * What an object created by the migration in `schema` starts with: the target's default
 * privileges for the migrating role (global entry, else the built-in defaults, plus the
 * schema's entry).
 */
export function initialGrants(ctx: DiffContext, objectType: DefaultPrivilegeObject, schema: string | undefined): Grant[] {
  if (!ctx.privileges) return [];
  const dp = ctx.b.defaultPrivileges.filter((d) => d.role === undefined && d.objectType === objectType);
  const global = dp.find((d) => d.schema === undefined);
  const out = [...(global ? global.grants : BUILT_IN[objectType])];
  const local = schema !== undefined ? dp.find((d) => d.schema === schema) : undefined;
  for (const g of local?.grants ?? []) if (!out.some((x) => x.grantee === g.grantee && x.privilege === g.privilege)) out.push(g);
  return out;
}

/** The default-privileges keys whose changes an object created in `schema` must wait for. */
export function defaultPrivilegeKeys(objectType: DefaultPrivilegeObject, schema: string): string[] {
  return [keys.defaultPrivileges(undefined, undefined, objectType), keys.defaultPrivileges(undefined, schema, objectType)];
}

const grantKey = (g: Grant) => `${g.grantee}\u0000${g.privilege}`;

/**
 * GRANT / REVOKE statements that turn `from` into `to` on `target` (e.g. `TABLE public.users`,
 * or with `columns` a column list: `SELECT (email) ON TABLE …`).
 */
export function grantSteps(
  ctx: DiffContext,
  key: string,
  target: string,
  from: Grant[],
  to: Grant[],
  opts: { column?: string; after?: string[] } = {},
): void {
  if (!ctx.privileges) return;
  const a = new Map(from.map((g) => [grantKey(g), g]));
  const b = new Map(to.map((g) => [grantKey(g), g]));
  const byGrantee = new Map<string, { grant: string[]; grantOption: string[]; revoke: string[]; revokeOption: string[] }>();
  const slot = (grantee: string) => {
    let s = byGrantee.get(grantee);
    if (!s) byGrantee.set(grantee, (s = { grant: [], grantOption: [], revoke: [], revokeOption: [] }));
    return s;
  };
  for (const [k, g] of b) {
    const old = a.get(k);
    if (!old) (g.grantable ? slot(g.grantee).grantOption : slot(g.grantee).grant).push(g.privilege);
    else if (g.grantable && !old.grantable) slot(g.grantee).grantOption.push(g.privilege);
    else if (!g.grantable && old.grantable) slot(g.grantee).revokeOption.push(g.privilege);
  }
  for (const [k, g] of a) if (!b.has(k)) slot(g.grantee).revoke.push(g.privilege);
  const privs = (list: string[]) => list.sort().map((p) => (opts.column ? `${p} (${opts.column})` : p)).join(', ');
  const base = { key, after: opts.after, decoration: true } as const;
  for (const grantee of [...byGrantee.keys()].sort()) {
    const s = byGrantee.get(grantee)!;
    const who = roleName(grantee);
    if (s.revoke.length) {
      emit(ctx, { ...base, action: 'alter', sql: `REVOKE ${privs(s.revoke)} ON ${target} FROM ${who};`, destructive: `revokes ${privs([...s.revoke])} on ${target} from ${grantee}` });
    }
    if (s.revokeOption.length) {
      emit(ctx, { ...base, action: 'alter', sql: `REVOKE GRANT OPTION FOR ${privs(s.revokeOption)} ON ${target} FROM ${who};`, destructive: `takes the grant option for ${privs([...s.revokeOption])} on ${target} from ${grantee}` });
    }
    if (s.grant.length) emit(ctx, { ...base, action: 'alter', sql: `GRANT ${privs(s.grant)} ON ${target} TO ${who};` });
    if (s.grantOption.length) emit(ctx, { ...base, action: 'alter', sql: `GRANT ${privs(s.grantOption)} ON ${target} TO ${who} WITH GRANT OPTION;` });
  }
}

/** COMMENT ON when the comment differs (for a new object: when it has one). */
export function commentStep(ctx: DiffContext, key: string, target: string, from: string | undefined, to: string | undefined): void {
  if (from === to) return;
  emit(ctx, { key, action: 'alter', decoration: true, sql: commentSql(target, to) });
}

/** ALTER … OWNER TO when owners are compared and differ (a new object is owned by the migrating role). */
export function ownerStep(ctx: DiffContext, key: string, alterTarget: string, from: string | undefined, to: string | undefined, created: boolean): void {
  if (!ctx.owners || to === undefined) return;
  const current = created ? 'CURRENT_USER' : from;
  if (current === to) return;
  emit(ctx, { key, action: 'alter', decoration: true, sql: `ALTER ${alterTarget} OWNER TO ${roleName(to)};` });
}

/** Stable JSON for comparing parts of objects. */
export function same(x: unknown, y: unknown): boolean {
  return JSON.stringify(x) === JSON.stringify(y);
}
