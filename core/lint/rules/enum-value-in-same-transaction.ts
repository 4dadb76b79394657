// enum-value-in-same-transaction: a value added by ALTER TYPE … ADD VALUE cannot be used before
// its transaction commits (PostgreSQL: "unsafe use of new value"), and before PostgreSQL 12
// ADD VALUE cannot run in a transaction block at all. Known from the replay: which values this
// transaction added (values of a type created in the same transaction are exempt, as in
// PostgreSQL). Invariant: a use is a string constant equal to such a value anywhere in
// the statement (a DEFAULT, a VALUES list, a WHERE) — the replay does not type expressions.

import type { AlterEnumStmt } from 'libpg-query';
import { walk } from '../ast/nodes';
import type { StatementRule } from '../rule';
import { outsideTransactionEdits } from './common';

export const enumValueInSameTransaction: StatementRule = {
  name: 'enum-value-in-same-transaction',
  summary: 'An enum value added by ALTER TYPE … ADD VALUE is used before its transaction commits (an error).',
  category: 'transactions',
  defaultLevel: 'error',
  scope: 'statement',
  kinds: ['AlterEnumStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'SelectStmt', 'AlterTableStmt', 'CreateStmt', 'IndexStmt', 'ViewStmt', 'CreateFunctionStmt'],
  check({ kind, node, src }, ctx) {
    if (kind === 'AlterEnumStmt') {
      const n = node as AlterEnumStmt;
      if (n.oldVal || ctx.pgVersion() >= 12) return;
      const tx = ctx.transaction();
      if (tx.kind === 'none') return;
      const edits = outsideTransactionEdits(ctx);
      ctx.report({
        range: src.all,
        message: `ALTER TYPE … ADD VALUE cannot run inside a transaction block on PostgreSQL ${ctx.pgVersion()} (from 12 on it can) — run this migration outside a transaction.`,
        ...(edits.length ? { fixes: [{ title: 'Run this migration outside a transaction', preferred: true, edits }] } : {}),
      });
      return;
    }
    const added = ctx.enumValuesAddedInTransaction();
    if (added.length === 0) return;
    // keys are schema.type.value (a value may itself contain dots): match on the suffix
    const keyOf = (s: string): string | undefined => added.find((k) => k.endsWith(`.${s}`));
    let used: { value: string; key: string; at: number } | undefined;
    walk(node, (tag, body) => {
      if (used || tag !== 'A_Const') return;
      const sval = (body as { sval?: { sval?: string } }).sval?.sval;
      if (sval === undefined) return;
      const key = keyOf(sval);
      if (key) used = { value: sval, key, at: typeof body.location === 'number' ? body.location : -1 };
    });
    if (!used) return;
    const u: { value: string; key: string; at: number } = used;
    const at = src.index(u.at >= 0 ? u.at : undefined);
    const range = at !== undefined ? src.clause(at) : src.all;
    const parts = u.key.split('.');
    const type = `${parts[0] === 'public' ? '' : `${parts[0]}.`}${parts[1]}`;
    ctx.report({
      range: at !== undefined ? { start: at, end: Math.min(range.end, at + u.value.length + 2) } : src.all,
      message: `'${u.value}' was added to ${type} earlier in this transaction, and a new enum value cannot be used before it commits ("unsafe use of new value") — add the value in an earlier migration, or run this one outside a transaction.`,
      related: [{ message: `'${u.value}' is added here`, ref: { kind: 'enum-value', type: `${parts[0]}.${parts[1]}`, value: u.value } }],
    });
  },
};
