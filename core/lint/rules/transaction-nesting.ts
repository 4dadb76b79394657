// transaction-nesting: BEGIN in a migration that already runs in a transaction — the one
// lint.assume_in_transaction says the migration tool wraps it in, or an earlier BEGIN of the
// file. PostgreSQL only warns about the second BEGIN, but the file's COMMIT then commits the
// outer transaction early: the rest runs outside it, and a failure no longer rolls the whole
// migration back. Invariant: pglc itself runs a file with its own BEGIN/COMMIT as written, so
// with assume_in_transaction = false only a BEGIN inside a BEGIN is reported.

import type { TransactionStmt } from 'libpg-query';
import type { StatementRule } from '../rule';

export const transactionNesting: StatementRule = {
  name: 'transaction-nesting',
  summary: 'BEGIN inside a transaction: the file\'s COMMIT ends the outer transaction early.',
  category: 'transactions',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['TransactionStmt'],
  check({ node, src }, ctx) {
    const n = node as TransactionStmt;
    if (n.kind !== 'TRANS_STMT_BEGIN' && n.kind !== 'TRANS_STMT_START') return;
    const tx = ctx.transaction();
    if (tx.blockDepth > 0) {
      ctx.report({ range: src.all, message: 'BEGIN inside a transaction block this file opened: PostgreSQL ignores it (with a warning), and the first COMMIT ends both — remove the inner BEGIN/COMMIT.' });
      return;
    }
    if (tx.kind !== 'assumed' && tx.kind !== 'migration') return;
    ctx.report({
      range: src.all,
      message: `${tx.kind === 'migration' ? 'This migration runs in a transaction' : 'lint.assume_in_transaction says the migration tool runs this file in a transaction'}, so this BEGIN nests: PostgreSQL ignores it (with a warning) and the file's COMMIT commits the tool's transaction early — remove BEGIN/COMMIT and let the migration's transaction hold the statements.`,
    });
  },
};
