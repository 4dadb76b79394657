// drop-table (destructive): DROP TABLE in an Up section deletes the table's rows for good.
// `-- pglc:allow drop-table` records that it is intended. Not reported for a table created in
// this migration, nor in Down sections. Invariant: destructive rules only fire in Up sections.

import type { DropStmt } from 'libpg-query';
import { nodeAs, stringList } from '../ast/nodes';
import type { StatementRule } from '../rule';
import { qnameOfList } from '../schema-state/effects';
import { aboutTable, tableWithSize } from './common';

export const dropTable: StatementRule = {
  name: 'drop-table',
  summary: 'Dropping a table deletes its rows for good (needs -- pglc:allow drop-table).',
  category: 'destructive',
  defaultLevel: 'error',
  destructive: true,
  scope: 'statement',
  kinds: ['DropStmt'],
  check({ node, src }, ctx) {
    const n = node as DropStmt;
    if (n.removeType !== 'OBJECT_TABLE' && n.removeType !== 'OBJECT_FOREIGN_TABLE') return;
    for (const obj of Array.isArray(n.objects) ? n.objects : []) {
      const q = qnameOfList(stringList(nodeAs(obj, 'List')?.items).map((sval) => ({ String: { sval } })));
      if (!q) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') continue;
      ctx.report({
        range: src.all,
        message: `Dropping ${tableWithSize(rel, q)} deletes its rows for good${n.behavior === 'DROP_CASCADE' ? ', and CASCADE drops whatever depends on it (views, foreign keys)' : ''} — keep a backup; if this is intended, say so with -- pglc:allow drop-table.`,
        ...aboutTable(rel),
      });
    }
  },
};
