// require-concurrent-index: CREATE INDEX without CONCURRENTLY on a table that already exists
// takes a SHARE lock for the whole build — every INSERT, UPDATE and DELETE on it waits. Not
// reported for a table this migration created (it is empty: Squawk's classic false positive).
// Invariant: the fix adds CONCURRENTLY and, when the migration would run in a transaction
// (where CONCURRENTLY fails), moves the migration out of it.

import type { IndexStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOf } from '../schema-state/effects';
import { aboutTable, afterWord, headRange, outsideTransactionEdits, tableName, tableWithSize } from './common';

export const requireConcurrentIndex: StatementRule = {
  name: 'require-concurrent-index',
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes to an existing table while the index builds.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['IndexStmt'],
  check({ node, src }, ctx) {
    const n = node as IndexStmt;
    if (n.concurrent) return;
    const q = qnameOf(n.relation);
    if (!q) return;
    const rel = ctx.relation(q);
    if (rel && rel.created !== 'earlier') return;
    const range = headRange(src, n.relation);
    if (rel?.kind === 'partitioned') {
      ctx.report({
        range,
        message: `CREATE INDEX on partitioned table ${tableWithSize(rel)} builds the index on every partition while blocking writes to all of them, and CONCURRENTLY is not available for partitioned tables — create it ON ONLY ${tableName(rel)}, then CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX … ATTACH PARTITION.`,
        ...aboutTable(rel),
      });
      return;
    }
    const at = afterWord(src, 'index');
    const moveOut = outsideTransactionEdits(ctx);
    ctx.report({
      range,
      message: `CREATE INDEX on ${tableWithSize(rel, q)} blocks writes to it (SHARE lock) until the index is built — use CREATE INDEX CONCURRENTLY${moveOut.length ? ', outside a transaction' : ''}.`,
      ...aboutTable(rel),
      ...(at !== undefined
        ? { fixes: [{ title: moveOut.length ? 'Add CONCURRENTLY (and run this migration outside a transaction)' : 'Add CONCURRENTLY', preferred: true, edits: [{ anchor: { at: 'statement', start: at, end: at }, text: ' CONCURRENTLY' }, ...moveOut] }] }
        : {}),
    });
  },
};
