// drop-database (destructive): DROP DATABASE in a migration deletes a whole database. There is
// almost never a reason for it in a migration; `-- pglc:allow drop-database` records one.
// Invariant: destructive rules only fire in Up sections.

import type { DropdbStmt } from 'libpg-query';
import type { StatementRule } from '../rule';

export const dropDatabase: StatementRule = {
  name: 'drop-database',
  summary: 'DROP DATABASE in a migration deletes a whole database (needs -- pglc:allow drop-database).',
  category: 'destructive',
  defaultLevel: 'error',
  destructive: true,
  scope: 'statement',
  kinds: ['DropdbStmt'],
  check({ node, src }, ctx) {
    const n = node as DropdbStmt;
    ctx.report({ range: src.all, message: `DROP DATABASE ${n.dbname ?? ''} deletes a whole database — migrations change one database's schema; if this is really intended, say so with -- pglc:allow drop-database.` });
  },
};
