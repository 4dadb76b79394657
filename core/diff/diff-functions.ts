// Functions and procedures (aggregates are not modelled).
// Invariants: a function is changed with CREATE OR REPLACE whenever PostgreSQL allows it (same
// result type, same argument names, no argument default removed), which keeps every trigger,
// view and default that uses it; otherwise it is dropped and created again together with
// everything that depends on it.

import { keys } from '../schema/keys';
import type { FunctionDef } from '../schema/model';
import { commentStep, defaultPrivilegeKeys, emit, grantSteps, initialGrants, ownerStep, same, type DiffContext } from './diff-context';
import { qname } from './sql-text';

export function functionWord(f: FunctionDef): string {
  return f.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION';
}

export function functionNeedsReplace(a: FunctionDef, b: FunctionDef): boolean {
  return a.kind !== b.kind || a.returns !== b.returns || !same(a.argNames, b.argNames) || b.argDefaults < a.argDefaults;
}

export function functionSignature(f: FunctionDef): string {
  return `${functionWord(f)} ${qname(f.schema, f.name)}(${f.identityArgs})`;
}

function functionName(f: FunctionDef): string {
  return `proname:${f.schema}\u0000${f.name}`;
}

export function createFunctionSql(f: FunctionDef): string {
  return `${f.definition.trimEnd()};`;
}

export function diffFunctions(ctx: DiffContext): void {
  for (const f of ctx.b.functions) {
    const key = keys.function(f.schema, f.name, f.argTypes);
    const old = ctx.A.functions.get(key);
    const created = !old || ctx.replaced.has(key);
    // Overloads share a name: a call resolves ambiguously while the old and new one both exist.
    if (created) emit(ctx, { key, action: 'create', sql: createFunctionSql(f), claims: [functionName(f)], after: [keys.schema(f.schema), ...defaultPrivilegeKeys('functions', f.schema)] });
    else if (old.definition !== f.definition) emit(ctx, { key, action: 'alter', sql: createFunctionSql(f) });
    const sig = functionSignature(f);
    ownerStep(ctx, key, sig, old?.owner, f.owner, created);
    commentStep(ctx, key, sig, created ? undefined : old!.comment, f.comment);
    grantSteps(ctx, key, sig, created ? initialGrants(ctx, 'functions', f.schema) : old!.grants, f.grants);
  }
  for (const f of ctx.a.functions) {
    const key = keys.function(f.schema, f.name, f.argTypes);
    if (ctx.B.functions.has(key) && !ctx.replaced.has(key)) continue;
    emit(ctx, { key, action: 'drop', sql: `DROP ${functionSignature(f)};`, releases: [functionName(f)], ...(ctx.B.functions.has(key) ? {} : { destructive: `drops ${functionWord(f).toLowerCase()} ${f.schema}.${f.name}(${f.identityArgs})` }) });
  }
}
