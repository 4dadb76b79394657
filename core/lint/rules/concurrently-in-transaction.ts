// concurrently-in-transaction: CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM
// and the other statements PostgreSQL refuses inside a transaction block, where they would run
// in one: inside an explicit BEGIN … COMMIT (they fail), or in a migration that
// lint.assume_in_transaction says the migration tool wraps in a transaction (pglc itself
// detects them and runs such a migration outside a transaction, statement by statement — say
// so in the file, so every tool and reader knows). Invariant: uses core's own list of such
// statements (nonTransactionalStatement), the same that decides how pglc runs the file.

import { nonTransactionalStatement } from '../../migrations/execution-plan';
import type { StatementRule } from '../rule';
import { outsideTransactionEdits } from './common';

export const concurrentlyInTransaction: StatementRule = {
  name: 'concurrently-in-transaction',
  summary: 'A statement PostgreSQL refuses in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, …) would run inside one.',
  category: 'transactions',
  defaultLevel: 'error',
  scope: 'statement',
  kinds: ['IndexStmt', 'DropStmt', 'ReindexStmt', 'VacuumStmt', 'ClusterStmt', 'AlterSystemStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterDatabaseStmt', 'CreateTableSpaceStmt', 'DropTableSpaceStmt', 'CreateSubscriptionStmt', 'DropSubscriptionStmt', 'AlterSubscriptionStmt', 'DiscardStmt', 'AlterTableStmt'],
  check({ kind, node, src }, ctx) {
    const what = nonTransactionalStatement(kind, node);
    if (!what) return;
    const tx = ctx.transaction();
    if (tx.kind === 'none') return;
    // an explicit BEGIN puts it in a transaction block whatever runs the file
    if (tx.kind === 'block' || tx.blockDepth > 0) {
      ctx.report({ range: src.all, message: `${what} cannot run inside a transaction block, and this one is inside BEGIN … COMMIT: it fails ("cannot run inside a transaction block") — move it after the COMMIT.` });
      return;
    }
    const edits = outsideTransactionEdits(ctx);
    const declare = ctx.migrationFormat() === 'dbmate' ? '"transaction:false" on the marker' : '-- pglc:no-transaction';
    ctx.report({
      range: src.all,
      message: `${what} cannot run inside a transaction block, and lint.assume_in_transaction says the migration tool runs this migration in one — declare ${declare} (pglc detects it and runs the whole migration outside a transaction, statement by statement; other tools fail).`,
      // pglc runs it correctly anyway: worth a warning, not an error
      impact: 'low',
      ...(edits.length ? { fixes: [{ title: 'Run this migration outside a transaction', preferred: true, edits }] } : {}),
    });
  },
};
