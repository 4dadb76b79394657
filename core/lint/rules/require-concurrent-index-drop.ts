// require-concurrent-index-drop: DROP INDEX without CONCURRENTLY takes an ACCESS EXCLUSIVE
// lock on the index's table — reads and writes wait, and queue behind any long query. Not
// reported for an index this migration created. Invariant: the fix is the same statement with
// CONCURRENTLY, moved out of the transaction when it would run in one.

import type { DropStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOfList } from '../schema-state/effects';
import { nodeAs, stringList } from '../ast/nodes';
import { aboutTable, afterWord, outsideTransactionEdits, tableWithSize } from './common';

export const requireConcurrentIndexDrop: StatementRule = {
  name: 'require-concurrent-index-drop',
  summary: 'DROP INDEX without CONCURRENTLY blocks reads and writes of the table while it waits for and holds its lock.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['DropStmt'],
  check({ node, src }, ctx) {
    const n = node as DropStmt;
    if (n.removeType !== 'OBJECT_INDEX' || n.concurrent) return;
    for (const obj of Array.isArray(n.objects) ? n.objects : []) {
      const q = qnameOfList(stringList(nodeAs(obj, 'List')?.items).map((sval) => ({ String: { sval } })));
      if (!q) continue;
      const idx = ctx.index(q);
      if (idx && idx.created !== 'earlier') continue;
      if (idx?.table?.kind === 'partitioned') continue;
      const at = afterWord(src, 'index');
      const moveOut = outsideTransactionEdits(ctx);
      const table = idx?.table ? ` on ${tableWithSize(idx.table)}` : '';
      // CONCURRENTLY drops one index per statement
      const single = Array.isArray(n.objects) && n.objects.length === 1 && n.behavior !== 'DROP_CASCADE';
      ctx.report({
        range: src.all,
        message: `DROP INDEX ${q.name}${table} waits for an ACCESS EXCLUSIVE lock on the table, blocking its reads and writes — use DROP INDEX CONCURRENTLY${moveOut.length ? ', outside a transaction' : ''}.`,
        ...aboutTable(idx?.table),
        ...(at !== undefined && single
          ? { fixes: [{ title: moveOut.length ? 'Add CONCURRENTLY (and run this migration outside a transaction)' : 'Add CONCURRENTLY', preferred: true, edits: [{ anchor: { at: 'statement', start: at, end: at }, text: ' CONCURRENTLY' }, ...moveOut] }] }
          : {}),
      });
      return;
    }
  },
};
