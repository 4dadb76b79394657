// truncate-table (destructive): TRUNCATE in an Up section deletes every row of an existing
// table (and with CASCADE of the tables referencing it), under an ACCESS EXCLUSIVE lock.
// `-- pglc:allow truncate-table` records that it is intended. Invariant: destructive rules only
// fire in Up sections; tables created in this migration are exempt.

import type { TruncateStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { aboutTable, relationsOf, tableWithSize } from './common';

export const truncateTable: StatementRule = {
  name: 'truncate-table',
  summary: 'TRUNCATE deletes every row of an existing table (needs -- pglc:allow truncate-table).',
  category: 'destructive',
  defaultLevel: 'error',
  destructive: true,
  scope: 'statement',
  kinds: ['TruncateStmt'],
  check({ node, src }, ctx) {
    const n = node as TruncateStmt;
    for (const q of relationsOf(n.relations)) {
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') continue;
      ctx.report({
        range: src.all,
        message: `TRUNCATE deletes every row of ${tableWithSize(rel, q)}${n.behavior === 'DROP_CASCADE' ? ' and, with CASCADE, of every table referencing it' : ''} — if this is intended, say so with -- pglc:allow truncate-table.`,
        ...aboutTable(rel),
      });
      return;
    }
  },
};
