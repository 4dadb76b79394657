// add-unique-without-index: ALTER TABLE … ADD PRIMARY KEY / UNIQUE on an existing table builds
// the index while holding an ACCESS EXCLUSIVE lock (reads and writes wait for the whole build).
// The safe way: CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX, which only
// takes the lock briefly. Invariant: not reported with USING INDEX, nor for a table created in
// this migration (empty) or by one the environment has not applied yet.

import type { AlterTableStmt, Constraint } from 'libpg-query';
import { nodeAs } from '../ast/nodes';
import type { StatementRule } from '../rule';
import { aboutTable, tableCommands, tableWithSize } from './common';

export const addUniqueWithoutIndex: StatementRule = {
  name: 'add-unique-without-index',
  summary: 'ADD PRIMARY KEY / UNIQUE builds its index while blocking reads and writes; build it concurrently first.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_AddConstraint')) {
      const c = nodeAs(cmd.def, 'Constraint') as Constraint | undefined;
      if (!c || (c.contype !== 'CONSTR_PRIMARY' && c.contype !== 'CONSTR_UNIQUE') || c.indexname) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      const what = c.contype === 'CONSTR_PRIMARY' ? 'PRIMARY KEY' : 'UNIQUE';
      ctx.report({
        range,
        message: `ADD ${what} builds its index on ${tableWithSize(rel, q)} while holding an ACCESS EXCLUSIVE lock (reads and writes wait for the whole build) — CREATE UNIQUE INDEX CONCURRENTLY first (outside a transaction), then ADD ${what === 'UNIQUE' ? 'CONSTRAINT … UNIQUE' : 'CONSTRAINT … PRIMARY KEY'} USING INDEX.`,
        ...aboutTable(rel),
      });
    }
  },
};
