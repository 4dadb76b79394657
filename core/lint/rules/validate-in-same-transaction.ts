// validate-in-same-transaction: VALIDATE CONSTRAINT in the transaction that added the
// constraint NOT VALID. The point of NOT VALID is to take ADD CONSTRAINT's strong lock only
// briefly; validating before the commit keeps that lock for the whole scan. Invariant: known
// from the replay (where and in which transaction the constraint was added), not from the text.

import type { AlterTableStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOf } from '../schema-state/effects';
import { commandRange, commandsOf, outsideTransactionEdits, tableName } from './common';

export const validateInSameTransaction: StatementRule = {
  name: 'validate-in-same-transaction',
  summary: 'VALIDATE CONSTRAINT in the same transaction as the ADD … NOT VALID keeps the strong lock during the scan.',
  category: 'transactions',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    const n = node as AlterTableStmt;
    const q = qnameOf(n.relation);
    if (!q) return;
    for (const { cmd, i } of commandsOf(n.cmds)) {
      if (cmd.subtype !== 'AT_ValidateConstraint' || !cmd.name) continue;
      const c = ctx.constraint(q, cmd.name);
      if (!c?.sameTransaction) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') continue;
      const edits = outsideTransactionEdits(ctx);
      ctx.report({
        range: commandRange(src, n.relation, n.cmds, i),
        message: `${cmd.name} was added NOT VALID earlier in this transaction, so validating it now holds that ALTER TABLE's lock on ${tableName(rel, q)} for the whole scan — commit first: validate in a later migration${edits.length ? ', or run this one outside a transaction' : ''}.`,
        related: [{ message: `${cmd.name} is added NOT VALID here`, ref: { kind: 'constraint', table: rel?.key ?? '', constraint: cmd.name } }],
        ...(edits.length ? { fixes: [{ title: 'Run this migration outside a transaction (each statement commits)', edits }] } : {}),
      });
    }
  },
};
