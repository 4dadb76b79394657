// The shared logic of foreign-key-without-not-valid and check-without-not-valid: ADD
// CONSTRAINT on an existing table checks every row while holding its lock; added NOT VALID it
// takes the lock only briefly, and a later VALIDATE CONSTRAINT checks the rows under a lock
// that lets reads and writes go on. Invariant: the fix adds NOT VALID and the VALIDATE, and
// puts them in separate transactions (VALIDATE in the same transaction would hold the first
// lock all along — validate-in-same-transaction).

import type { Constraint } from 'libpg-query';
import { nodeAs } from '../ast/nodes';
import type { RelationInfo, RuleContext, RuleStatement } from '../rule';
import { makeObjectName } from '../schema-state/apply-effects';
import { constraintSpec } from '../schema-state/effects';
import { aboutTable, outsideTransactionEdits, sqlIdent, sqlQName, tableCommands, tableName, tableWithSize } from './common';

export function checkNotValid(kind: 'CONSTR_FOREIGN' | 'CONSTR_CHECK', { node, src }: RuleStatement, ctx: RuleContext): void {
  for (const { q, cmd, range } of tableCommands(node, src, 'AT_AddConstraint')) {
    const c = nodeAs(cmd.def, 'Constraint') as Constraint | undefined;
    if (!c || c.contype !== kind || c.skip_validation) continue;
    const rel = ctx.relation(q);
    if (rel && rel.created !== 'earlier') return;
    const spec = constraintSpec(c, undefined, range);
    const name = spec.name ?? makeObjectName(q.name, kind === 'CONSTR_CHECK' ? undefined : spec.columns.join('_'), kind === 'CONSTR_CHECK' ? 'check' : 'fkey');
    const moveOut = outsideTransactionEdits(ctx);
    const validate = `;\nALTER TABLE ${sqlQName(q)} VALIDATE CONSTRAINT ${sqlIdent(name)}`;
    const fix = {
      title: `Split into ADD … NOT VALID and VALIDATE CONSTRAINT${moveOut.length ? ' (run this migration outside a transaction)' : ''}`,
      preferred: true,
      edits: [
        { anchor: { at: 'statement' as const, start: range.end, end: range.end }, text: ' NOT VALID' },
        { anchor: { at: 'statement' as const, start: src.text.length, end: src.text.length }, text: validate },
        ...moveOut,
      ],
    };
    ctx.report({ range, message: message(kind, rel, q, spec.references?.table, name), ...aboutTable(rel), fixes: [fix] });
  }
}

function message(kind: 'CONSTR_FOREIGN' | 'CONSTR_CHECK', rel: RelationInfo | undefined, q: { schema?: string; name: string }, ref: { schema?: string; name: string } | undefined, name: string): string {
  const t = tableWithSize(rel, q);
  if (kind === 'CONSTR_FOREIGN') {
    const other = ref ? ` and ${tableName(undefined, ref)}` : '';
    return `Adding foreign key ${name} checks every row of ${t} while holding a SHARE ROW EXCLUSIVE lock on ${tableName(rel, q)}${other} (writes to both wait) — add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction.`;
  }
  return `Adding CHECK constraint ${name} scans all of ${t} while holding an ACCESS EXCLUSIVE lock (reads and writes wait) — add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction.`;
}
