// rename-column: renaming a column of an existing table breaks every query of the application
// version that is still running during the deploy (and views keep the old name's meaning
// silently). Not reported for a table created in this migration. Invariant: only RenameStmt
// on a column.

import type { RenameStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOf } from '../schema-state/effects';
import { aboutTable, tableName } from './common';

export const renameColumn: StatementRule = {
  name: 'rename-column',
  summary: 'Renaming a column breaks the running application that still uses the old name.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['RenameStmt'],
  check({ node, src }, ctx) {
    const n = node as RenameStmt;
    if (n.renameType !== 'OBJECT_COLUMN' || !n.subname) return;
    const q = qnameOf(n.relation);
    if (!q) return;
    const rel = ctx.relation(q);
    if (rel && rel.created !== 'earlier') return;
    if (rel && rel.kind !== 'table' && rel.kind !== 'partitioned') return;
    ctx.report({
      range: src.all,
      message: `Renaming ${tableName(rel, q)}.${n.subname} to ${n.newname} breaks the application version still running during the deploy (its queries use ${n.subname}) — add the new column, write both, move readers, then drop the old one (or keep the old name).`,
      ...aboutTable(rel),
      ...(rel ? { related: [{ message: `${n.subname} is created here`, ref: { kind: 'column' as const, table: rel.key, column: n.subname } }] } : {}),
    });
  },
};
