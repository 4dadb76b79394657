// Reads a live database's structure into a SchemaModel: a dozen set-based catalog queries in
// one read-only snapshot (never one query per object), assembled in memory, plus pg_depend
// turned into dependencies between object keys.
// Invariants: read-only (a READ ONLY transaction, rolled back); deterministic (every list is
// sorted, so equal schemas give deepEqual models); the session's search_path is empty while
// reading, so definitions qualify every name; pglc's own migration table is left out.

import type { DbClient } from '../db/connect';
import { serverVersion } from '../db/server-info';
import { throwIfAborted } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { keys } from './keys';
import type {
  ColumnDef, ConstraintDef, ConstraintKind, DefaultPrivilegeDef, DefaultPrivilegeObject, FunctionDef, Grant, IndexDef,
  PolicyDef, SchemaModel, SequenceDef, TableDef, TriggerDef, TypeDef, ViewDef,
} from './model';
import { emptyModel } from './model';
import * as q from './introspect-queries';

export interface IntrospectOptions {
  /** Tables to leave out, as `schema.table` (pglc's migration table, by default `public._pglc_migrations`). */
  exclude?: string[];
  /** Only these schemas (default: every user schema). */
  schemas?: string[];
  /** Read owners too (off by default: environments are usually owned by different roles). */
  owners?: boolean;
  /** Recorded in the model (informational). */
  source?: string;
}

type Row = Record<string, any>;

const CONSTRAINT_KINDS: Record<string, ConstraintKind> = { p: 'primary-key', u: 'unique', f: 'foreign-key', c: 'check', x: 'exclusion' };
const FK_ACTIONS: Record<string, string> = { a: 'NO ACTION', r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };
const FK_MATCH: Record<string, string> = { f: 'FULL', p: 'PARTIAL', s: 'SIMPLE' };
const POLICY_COMMANDS: Record<string, string> = { '*': 'ALL', r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE' };
const DEFACL_OBJECTS: Record<string, DefaultPrivilegeObject> = { r: 'tables', S: 'sequences', f: 'functions', T: 'types', n: 'schemas' };

/**
 * Introspects the database `client` is connected to.
 * @example const model = await introspect(client, { exclude: ['public._pglc_migrations'] }, ctx); model.tables.length
 */
export async function introspect(client: DbClient, opts: IntrospectOptions = {}, ctx?: OperationContext): Promise<SchemaModel> {
  const version = await serverVersion(client);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await client.query("SELECT pg_catalog.set_config('search_path', '', true)");
    const model = await read(client, version.num, opts, ctx);
    model.server = { version: version.text, major: version.major };
    return model;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function read(client: DbClient, serverNum: number, opts: IntrospectOptions, ctx?: OperationContext): Promise<SchemaModel> {
  const rows = async (sql: string, params?: unknown[]): Promise<Row[]> => {
    throwIfAborted(ctx?.signal, 'Reading the schema');
    return (await client.query(sql, params as unknown[])).rows as Row[];
  };
  if (ctx) progress(ctx, 'schema.introspect', 'Reading the schema from the catalog…');
  const exclude = new Set(opts.exclude ?? ['public._pglc_migrations']);
  const only = opts.schemas ? new Set(opts.schemas) : undefined;
  const inScope = (schema: string) => !only || only.has(schema);
  const owner = (o: string | null) => (opts.owners && o ? { owner: o } : {});
  const comment = (c: string | null | undefined) => (c != null ? { comment: c } : {});

  const model = emptyModel();
  model.owners = Boolean(opts.owners);
  if (opts.source) model.source = opts.source;

  // oid → key, for the dependency graph
  const byOid = { pg_namespace: new Map<string, string>(), pg_extension: new Map<string, string>(), pg_type: new Map<string, string>(), pg_class: new Map<string, string>(), pg_proc: new Map<string, string>(), pg_constraint: new Map<string, string>(), pg_trigger: new Map<string, string>(), pg_policy: new Map<string, string>() };
  const columnKeys = new Map<string, string>(); // `${relOid}:${attnum}` → key

  for (const r of await rows(q.schemasQuery)) {
    if (!inScope(r.name)) continue;
    model.schemas.push({ name: r.name, ...owner(r.owner), ...comment(r.comment), grants: grants(r.grants) });
    byOid.pg_namespace.set(r.oid, keys.schema(r.name));
  }
  for (const r of await rows(q.extensionsQuery)) {
    model.extensions.push({ name: r.name, schema: r.schema, version: r.version, ...comment(r.comment) });
    byOid.pg_extension.set(r.oid, keys.extension(r.name));
  }
  const extensionOf = new Map<string, string>();
  for (const r of await rows(q.extensionMembersQuery)) {
    const ext = byOid.pg_extension.get(r.ext);
    if (ext) extensionOf.set(`${r.cls}:${r.oid}`, ext);
  }

  for (const r of await rows(q.typesQuery)) {
    if (!inScope(r.schema)) continue;
    const base = { schema: r.schema, name: r.name, ...owner(r.owner), ...comment(r.comment), grants: grants(r.grants) };
    let t: TypeDef;
    if (r.typtype === 'e') t = { kind: 'enum', ...base, values: r.enum_values ?? [] };
    else if (r.typtype === 'd') {
      t = {
        kind: 'domain', ...base, baseType: r.base_type, notNull: r.not_null,
        ...(r.default_expr != null ? { default: r.default_expr } : {}),
        ...(r.collation ? { collation: r.collation } : {}),
        constraints: (r.domain_constraints ?? []).map((c: Row) => ({ name: c.name, definition: withoutNotValid(c.definition), validated: c.validated, ...comment(c.comment) })),
      };
    } else if (r.typtype === 'c') {
      t = { kind: 'composite', ...base, attributes: (r.attributes ?? []).map((a: Row) => ({ name: a.name, type: a.type, ...(a.collation ? { collation: a.collation } : {}) })) };
    } else {
      const g = r.range as Row;
      const options: string[] = [];
      if (g.opclass) options.push(`subtype_opclass = ${g.opclass}`);
      if (g.collation) options.push(`collation = ${g.collation}`);
      if (g.canonical) options.push(`canonical = ${g.canonical}`);
      if (g.subtypeDiff) options.push(`subtype_diff = ${g.subtypeDiff}`);
      const defaultMulti = `${quoteName(r.schema)}.${quoteName(multirangeName(r.name))}`;
      if (g.multirange && g.multirange !== defaultMulti) options.push(`multirange_type_name = ${g.multirange}`);
      t = { kind: 'range', ...base, subtype: g.subtype, options };
    }
    model.types.push(t);
    byOid.pg_type.set(r.oid, keys.type(r.schema, r.name));
  }

  const relations = (await rows(q.relationsQuery)).filter((r) => inScope(r.schema) && !exclude.has(`${r.schema}.${r.name}`));
  const tablesByOid = new Map<string, TableDef>();
  const viewsByOid = new Map<string, ViewDef>();
  const relName = new Map<string, { schema: string; name: string }>();
  for (const r of relations) {
    relName.set(r.oid, { schema: r.schema, name: r.name });
    const common = { ...owner(r.owner), ...comment(r.comment), grants: grants(r.grants) };
    if (r.relkind === 'r' || r.relkind === 'p') {
      const t: TableDef = {
        schema: r.schema, name: r.name, kind: r.relkind === 'p' ? 'partitioned' : 'table', unlogged: r.persistence === 'u',
        columns: [], constraints: [],
        ...(r.partition_key ? { partitionKey: r.partition_key } : {}),
        inherits: [], options: [...(r.options as string[])].sort(),
        rowSecurity: r.row_security, forceRowSecurity: r.force_row_security, ...common,
      };
      const parents = r.parents as { schema: string; table: string }[];
      if (r.is_partition && parents[0]) t.partitionOf = { schema: parents[0].schema, table: parents[0].table, bound: r.partition_bound };
      else t.inherits = parents;
      model.tables.push(t);
      tablesByOid.set(r.oid, t);
      byOid.pg_class.set(r.oid, keys.table(r.schema, r.name));
    } else if (r.relkind === 'v' || r.relkind === 'm') {
      const v: ViewDef = {
        schema: r.schema, name: r.name, materialized: r.relkind === 'm', definition: r.view_definition,
        options: [...(r.options as string[])].sort(), columns: [], ...common,
      };
      model.views.push(v);
      viewsByOid.set(r.oid, v);
      byOid.pg_class.set(r.oid, keys.view(r.schema, r.name));
    } else if (r.relkind === 'S') {
      const ob = r.owned_by as (Row | null);
      if (ob?.internal) continue; // an identity column's sequence: part of the column
      const s: SequenceDef = { ...(r.sequence as SequenceDef), schema: r.schema, name: r.name, ...common };
      if (ob && !exclude.has(`${ob.schema}.${ob.table}`)) s.ownedBy = { schema: ob.schema, table: ob.table, column: ob.column };
      model.sequences.push(s);
      byOid.pg_class.set(r.oid, keys.sequence(r.schema, r.name));
    }
  }
  const relOids = [...tablesByOid.keys(), ...viewsByOid.keys()];

  if (ctx) progress(ctx, 'schema.introspect', `Reading columns of ${tablesByOid.size} tables and ${viewsByOid.size} views…`);
  for (const r of await rows(q.columnsQuery, [relOids])) {
    const table = tablesByOid.get(r.rel);
    if (table) {
      const c: ColumnDef = {
        name: r.name, position: r.position, type: r.type, notNull: r.not_null,
        ...(r.default_expr != null ? { default: r.default_expr } : {}),
        ...(r.identity ? { identity: { generation: r.identity === 'a' ? 'always' : 'by default', sequence: r.identity_sequence } } : {}),
        ...(r.generated != null ? { generated: r.generated } : {}),
        ...(r.collation ? { collation: r.collation } : {}),
        local: r.local, inherited: r.inherited, ...comment(r.comment), grants: grants(r.grants),
      };
      table.columns.push(c);
      // pg_depend speaks of attnum, which counts dropped columns (position does not)
      columnKeys.set(`${r.rel}:${r.attnum}`, keys.column(table.schema, table.name, r.name));
    } else {
      const v = viewsByOid.get(r.rel);
      v?.columns.push({ name: r.name, type: r.type, ...comment(r.comment), grants: grants(r.grants) });
    }
  }
  const indexBacking = new Map<string, string>(); // index oid → constraint key
  for (const r of await rows(q.constraintsQuery, [[...tablesByOid.keys()]])) {
    const table = tablesByOid.get(r.rel);
    if (!table) continue;
    const k = keys.constraint(table.schema, table.name, r.name);
    byOid.pg_constraint.set(r.oid, k);
    if (r.index_oid !== '0' && r.contype !== 'f') indexBacking.set(r.index_oid, k);
    if (r.inherited) continue;
    const c: ConstraintDef = {
      name: r.name, kind: CONSTRAINT_KINDS[r.contype] as ConstraintKind, definition: withoutNotValid(r.definition), columns: r.columns,
      validated: r.validated, deferrable: r.deferrable, deferred: r.deferred, noInherit: r.no_inherit, ...comment(r.comment),
    };
    if (r.foreign_key) {
      const f = r.foreign_key as Row;
      c.foreignKey = { schema: f.schema, table: f.table, columns: f.columns, onUpdate: FK_ACTIONS[f.onUpdate] ?? f.onUpdate, onDelete: FK_ACTIONS[f.onDelete] ?? f.onDelete, match: FK_MATCH[f.match] ?? f.match };
    }
    table.constraints.push(c);
  }

  for (const r of await rows(q.indexesQuery, [relOids])) {
    const on = relName.get(r.rel);
    if (!on) continue;
    if (r.backs_constraint || r.is_partition) {
      // a constraint's index is the constraint; an index partition is part of its parent index
      byOid.pg_class.set(r.oid, indexBacking.get(r.oid) ?? keys.index(on.schema, r.name));
      continue;
    }
    const ix: IndexDef = {
      schema: on.schema, name: r.name, table: on.name, definition: r.definition, unique: r.unique, method: r.method,
      keys: r.keys ?? [], include: r.include ?? [], ...(r.predicate != null ? { predicate: r.predicate } : {}), ...comment(r.comment),
    };
    model.indexes.push(ix);
    byOid.pg_class.set(r.oid, keys.index(on.schema, r.name));
  }

  for (const r of await rows(q.functionsQuery)) {
    if (!inScope(r.schema)) continue;
    const f: FunctionDef = {
      schema: r.schema, name: r.name, identityArgs: r.identity_args, argTypes: r.arg_types,
      kind: r.prokind === 'p' ? 'procedure' : r.prokind === 'w' ? 'window' : 'function',
      returns: r.returns ?? '', language: r.language, definition: r.definition, argNames: r.arg_names ?? [], argDefaults: r.arg_defaults,
      ...owner(r.owner), ...comment(r.comment), grants: grants(r.grants),
    };
    model.functions.push(f);
    byOid.pg_proc.set(r.oid, keys.function(r.schema, r.name, r.arg_types));
  }

  for (const r of await rows(q.triggersQuery(serverNum), [relOids])) {
    const on = relName.get(r.rel);
    if (!on) continue;
    const t: TriggerDef = {
      schema: on.schema, table: on.name, name: r.name, definition: r.definition,
      function: { schema: r.function_schema, name: r.function_name, argTypes: r.function_args }, enabled: r.enabled, ...comment(r.comment),
    };
    model.triggers.push(t);
    byOid.pg_trigger.set(r.oid, keys.trigger(on.schema, on.name, r.name));
  }

  for (const r of await rows(q.policiesQuery, [[...tablesByOid.keys()]])) {
    const on = relName.get(r.rel);
    if (!on) continue;
    const p: PolicyDef = {
      schema: on.schema, table: on.name, name: r.name, command: POLICY_COMMANDS[r.cmd] ?? r.cmd, permissive: r.permissive, roles: r.roles,
      ...(r.using_expr != null ? { using: r.using_expr } : {}), ...(r.check_expr != null ? { withCheck: r.check_expr } : {}), ...comment(r.comment),
    };
    model.policies.push(p);
    byOid.pg_policy.set(r.oid, keys.policy(on.schema, on.name, r.name));
  }

  for (const r of await rows(q.defaultPrivilegesQuery)) {
    if (r.schema && !inScope(r.schema)) continue;
    const d: DefaultPrivilegeDef = {
      ...(r.is_current ? {} : { role: r.role }), ...(r.schema ? { schema: r.schema } : {}),
      objectType: DEFACL_OBJECTS[r.objtype] ?? r.objtype, grants: grants(r.grants),
    };
    model.defaultPrivileges.push(d);
  }

  // Dependencies: map both ends to keys; array types to their element, row types to their table.
  const typeLinks = new Map<string, { elem?: string; rel?: string }>();
  for (const r of await rows(q.typeLinksQuery)) typeLinks.set(r.oid, { ...(r.elem ? { elem: r.elem } : {}), ...(r.rel ? { rel: r.rel } : {}) });
  const keyOf = (cls: string, oid: string, sub: number): string | undefined => {
    if (cls === 'pg_class' || cls === 'pg_rewrite' || cls === 'pg_attrdef') {
      if (sub > 0) return columnKeys.get(`${oid}:${sub}`) ?? byOid.pg_class.get(oid) ?? extensionOf.get(`pg_class:${oid}`);
      return byOid.pg_class.get(oid) ?? extensionOf.get(`pg_class:${oid}`);
    }
    if (cls === 'pg_type') {
      const direct = byOid.pg_type.get(oid) ?? extensionOf.get(`pg_type:${oid}`);
      if (direct) return direct;
      const link = typeLinks.get(oid);
      if (link?.elem) return keyOf('pg_type', link.elem, 0);
      if (link?.rel) return byOid.pg_class.get(link.rel);
      return undefined;
    }
    const map = (byOid as Record<string, Map<string, string>>)[cls];
    return map?.get(oid) ?? extensionOf.get(`${cls}:${oid}`);
  };
  const deps = new Map<string, Set<string>>();
  for (const r of await rows(q.dependenciesQuery)) {
    const from = keyOf(r.cls, r.oid, Number(r.sub));
    const to = keyOf(r.ref_cls, r.ref_oid, Number(r.ref_sub));
    if (!from || !to || from === to) continue;
    let set = deps.get(from);
    if (!set) deps.set(from, (set = new Set()));
    set.add(to);
  }
  for (const k of [...deps.keys()].sort()) model.dependencies[k] = [...(deps.get(k) as Set<string>)].sort();

  sortModel(model);
  throwIfAborted(ctx?.signal, 'Reading the schema');
  return model;
}

/** pg_get_constraintdef appends NOT VALID; the model keeps that in `validated`. */
function withoutNotValid(def: string): string {
  return def.endsWith(' NOT VALID') ? def.slice(0, -' NOT VALID'.length) : def;
}

function grants(json: unknown): Grant[] {
  const list = (json ?? []) as Grant[];
  return list.map((g) => ({ grantee: g.grantee, privilege: g.privilege, grantable: g.grantable })).sort(compareGrants);
}

export function compareGrants(a: Grant, b: Grant): number {
  return cmp(a.grantee, b.grantee) || cmp(a.privilege, b.privilege) || Number(a.grantable) - Number(b.grantable);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The name PostgreSQL gives a range type's multirange: `int4range` → `int4multirange`, else `<name>_multirange`. */
function multirangeName(range: string): string {
  return range.includes('range') ? range.replace(/range(?!.*range)/, 'multirange') : `${range}_multirange`;
}

function quoteName(n: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(n) ? n : `"${n.replace(/"/g, '""')}"`;
}

/** Sorts every list of a model the way introspection returns it (for models built by hand or edited). */
export function sortModel(m: SchemaModel): void {
  const byName = <T extends { name: string }>(a: T, b: T) => cmp(a.name, b.name);
  const bySchemaName = <T extends { schema: string; name: string }>(a: T, b: T) => cmp(a.schema, b.schema) || cmp(a.name, b.name);
  m.schemas.sort(byName);
  m.extensions.sort(byName);
  m.types.sort(bySchemaName);
  m.sequences.sort(bySchemaName);
  m.tables.sort(bySchemaName);
  for (const t of m.tables) {
    t.columns.sort((a, b) => a.position - b.position);
    t.constraints.sort(byName);
  }
  m.views.sort(bySchemaName);
  m.indexes.sort(bySchemaName);
  m.functions.sort((a, b) => bySchemaName(a, b) || cmp(a.argTypes, b.argTypes));
  m.triggers.sort((a, b) => cmp(a.schema, b.schema) || cmp(a.table, b.table) || cmp(a.name, b.name));
  m.policies.sort((a, b) => cmp(a.schema, b.schema) || cmp(a.table, b.table) || cmp(a.name, b.name));
  m.defaultPrivileges.sort((a, b) => cmp(a.role ?? '', b.role ?? '') || cmp(a.schema ?? '', b.schema ?? '') || cmp(a.objectType, b.objectType));
}
