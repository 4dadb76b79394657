// Triggers on tables and views (INSTEAD OF), and row-level security policies.
// Invariants: a trigger is created after the function it executes and dropped before it; a
// policy is altered in place when ALTER POLICY can express the change, and a policy that goes
// is an explicit DROP POLICY listed among the destructive statements — never a side effect.

import { keys } from '../schema/keys';
import type { PolicyDef, TriggerDef } from '../schema/model';
import { commentStep, emit, same, type DiffContext } from './diff-context';
import { tableGone } from './diff-tables';
import { ident, qname, roleName } from './sql-text';

const ENABLE: Record<TriggerDef['enabled'], string> = { O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };

function relationKeys(schema: string, table: string): string[] {
  return [keys.table(schema, table), keys.view(schema, table)];
}

export function diffTriggers(ctx: DiffContext): void {
  for (const t of ctx.b.triggers) {
    const key = keys.trigger(t.schema, t.table, t.name);
    const old = ctx.A.triggers.get(key);
    const on = qname(t.schema, t.table);
    const created = !old || ctx.replaced.has(key) || old.definition !== t.definition;
    if (created) {
      emit(ctx, { key, action: 'create', sql: `${t.definition};`, after: [...relationKeys(t.schema, t.table), keys.function(t.function.schema, t.function.name, t.function.argTypes)] });
    }
    if (t.enabled !== (created ? 'O' : old!.enabled) && ctx.B.tables.has(keys.table(t.schema, t.table))) {
      emit(ctx, { key, action: 'alter', sql: `ALTER TABLE ${on} ${ENABLE[t.enabled]} TRIGGER ${ident(t.name)};` });
    }
    commentStep(ctx, key, `TRIGGER ${ident(t.name)} ON ${on}`, created ? undefined : old!.comment, t.comment);
  }
  for (const t of ctx.a.triggers) {
    const key = keys.trigger(t.schema, t.table, t.name);
    const n = ctx.B.triggers.get(key);
    if (n && !ctx.replaced.has(key) && n.definition === t.definition) continue;
    if (tableGone(ctx, t.schema, t.table)) continue;
    emit(ctx, { key, action: 'drop', sql: `DROP TRIGGER ${ident(t.name)} ON ${qname(t.schema, t.table)};`, ...(n ? {} : { destructive: `drops trigger ${t.name} on ${t.schema}.${t.table}` }) });
  }
}

function policyNeedsReplace(a: PolicyDef, b: PolicyDef): boolean {
  return a.command !== b.command || a.permissive !== b.permissive || (a.using !== undefined && b.using === undefined) || (a.withCheck !== undefined && b.withCheck === undefined);
}

export function createPolicySql(p: PolicyDef): string {
  let sql = `CREATE POLICY ${ident(p.name)} ON ${qname(p.schema, p.table)}`;
  if (!p.permissive) sql += ' AS RESTRICTIVE';
  sql += ` FOR ${p.command} TO ${p.roles.map(roleName).join(', ')}`;
  if (p.using !== undefined) sql += ` USING (${p.using})`;
  if (p.withCheck !== undefined) sql += ` WITH CHECK (${p.withCheck})`;
  return `${sql};`;
}

export function diffPolicies(ctx: DiffContext): void {
  for (const p of ctx.b.policies) {
    const key = keys.policy(p.schema, p.table, p.name);
    const old = ctx.A.policies.get(key);
    const on = qname(p.schema, p.table);
    const created = !old || ctx.replaced.has(key) || policyNeedsReplace(old, p);
    if (created) {
      emit(ctx, { key, action: 'create', sql: createPolicySql(p), after: [keys.table(p.schema, p.table)] });
    } else {
      const parts: string[] = [];
      if (!same(old.roles, p.roles)) parts.push(`TO ${p.roles.map(roleName).join(', ')}`);
      if (old.using !== p.using && p.using !== undefined) parts.push(`USING (${p.using})`);
      if (old.withCheck !== p.withCheck && p.withCheck !== undefined) parts.push(`WITH CHECK (${p.withCheck})`);
      if (parts.length) emit(ctx, { key, action: 'alter', sql: `ALTER POLICY ${ident(p.name)} ON ${on} ${parts.join(' ')};` });
    }
    commentStep(ctx, key, `POLICY ${ident(p.name)} ON ${on}`, created ? undefined : old!.comment, p.comment);
  }
  for (const p of ctx.a.policies) {
    const key = keys.policy(p.schema, p.table, p.name);
    const n = ctx.B.policies.get(key);
    if (n && !ctx.replaced.has(key) && !policyNeedsReplace(p, n)) continue;
    if (tableGone(ctx, p.schema, p.table)) continue;
    emit(ctx, { key, action: 'drop', sql: `DROP POLICY ${ident(p.name)} ON ${qname(p.schema, p.table)};`, ...(n ? {} : { destructive: `drops row-level security policy ${p.name} on ${p.schema}.${p.table}` }) });
  }
}
