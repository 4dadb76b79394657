// Views and materialized views.
// Invariants: a view is changed with CREATE OR REPLACE only when PostgreSQL allows it (the old
// columns stay, same names and types, new ones at the end), and its options (security_invoker,
// security_barrier, check_option) are always restated, so a replace never loses them; otherwise
// it is dropped and created again, and so is everything that depends on it.

import { keys } from '../schema/keys';
import type { ViewDef } from '../schema/model';
import { commentStep, defaultPrivilegeKeys, emit, grantSteps, initialGrants, ownerStep, same, type DiffContext } from './diff-context';
import { ident, qname } from './sql-text';
import { relationName, typeName } from './step';

export function viewWord(v: ViewDef): string {
  return v.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
}

/** The change cannot be a CREATE OR REPLACE. */
export function viewNeedsReplace(a: ViewDef, b: ViewDef): boolean {
  if (a.materialized !== b.materialized) return true;
  if (a.definition === b.definition) return false;
  if (b.materialized) return true;
  if (b.columns.length < a.columns.length) return true;
  return a.columns.some((c, i) => b.columns[i]?.name !== c.name || b.columns[i]?.type !== c.type);
}

function body(v: ViewDef): string {
  return v.definition.trim().replace(/;$/, '');
}

export function createViewSql(v: ViewDef, orReplace = false): string {
  const opts = v.options.length ? ` WITH (${v.options.join(', ')})` : '';
  if (v.materialized) return `CREATE MATERIALIZED VIEW ${qname(v.schema, v.name)}${opts} AS\n ${body(v)}\n WITH DATA;`;
  return `CREATE ${orReplace ? 'OR REPLACE ' : ''}VIEW ${qname(v.schema, v.name)}${opts} AS\n ${body(v)};`;
}

export function diffViews(ctx: DiffContext): void {
  for (const v of ctx.b.views) {
    const key = keys.view(v.schema, v.name);
    const old = ctx.A.views.get(key);
    const created = !old || ctx.replaced.has(key);
    const name = qname(v.schema, v.name);
    const word = viewWord(v);
    if (created) {
      emit(ctx, { key, action: 'create', sql: createViewSql(v), claims: [relationName(v.schema, v.name), typeName(v.schema, v.name)], after: [keys.schema(v.schema), ...defaultPrivilegeKeys('tables', v.schema)] });
    } else {
      if (old.definition !== v.definition) emit(ctx, { key, action: 'alter', sql: createViewSql(v, true) });
      const ao = new Map(old.options.map((o) => [o.split('=')[0], o]));
      const bo = new Map(v.options.map((o) => [o.split('=')[0], o]));
      const set = v.options.filter((o) => ao.get(o.split('=')[0]) !== o);
      const reset = [...ao.keys()].filter((k) => !bo.has(k));
      // CREATE OR REPLACE restates every option; only a plain option change needs ALTER.
      if (old.definition === v.definition || !same(old.options, v.options)) {
        if (set.length) emit(ctx, { key, action: 'alter', sql: `ALTER ${word} ${name} SET (${set.join(', ')});` });
        if (reset.length) emit(ctx, { key, action: 'alter', sql: `ALTER ${word} ${name} RESET (${reset.join(', ')});`, destructive: `removes option${reset.length > 1 ? 's' : ''} ${reset.join(', ')} of ${v.schema}.${v.name}` });
      }
    }
    ownerStep(ctx, key, `${word === 'VIEW' ? 'VIEW' : 'MATERIALIZED VIEW'} ${name}`, old?.owner, v.owner, created);
    commentStep(ctx, key, `${word} ${name}`, created ? undefined : old!.comment, v.comment);
    grantSteps(ctx, key, `TABLE ${name}`, created ? initialGrants(ctx, 'tables', v.schema) : old!.grants, v.grants);
    for (const c of v.columns) {
      const oc = created ? undefined : old!.columns.find((x) => x.name === c.name);
      commentStep(ctx, key, `COLUMN ${name}.${ident(c.name)}`, oc?.comment, c.comment);
      grantSteps(ctx, key, `TABLE ${name}`, oc?.grants ?? [], c.grants, { column: ident(c.name) });
    }
  }
  for (const v of ctx.a.views) {
    const key = keys.view(v.schema, v.name);
    if (ctx.B.views.has(key) && !ctx.replaced.has(key)) continue;
    emit(ctx, {
      key, action: 'drop', sql: `DROP ${viewWord(v)} ${qname(v.schema, v.name)};`,
      removes: ctx.a.indexes.filter((i) => i.schema === v.schema && i.table === v.name).map((i) => keys.index(i.schema, i.name)),
      releases: [relationName(v.schema, v.name), typeName(v.schema, v.name)],
      ...(v.materialized && !ctx.B.views.has(key) ? { destructive: `drops materialized view ${v.schema}.${v.name} and its stored rows` } : {}),
    });
  }
}
