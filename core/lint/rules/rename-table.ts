// rename-table: renaming an existing table (or view) breaks the application version still
// running during the deploy. Not reported for one created in this migration. Invariant: only
// RenameStmt on a table, view or materialized view.

import type { RenameStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOf } from '../schema-state/effects';
import { aboutTable, tableName } from './common';

export const renameTable: StatementRule = {
  name: 'rename-table',
  summary: 'Renaming a table breaks the running application that still uses the old name.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['RenameStmt'],
  check({ node, src }, ctx) {
    const n = node as RenameStmt;
    if (!['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(n.renameType ?? '')) return;
    const q = qnameOf(n.relation);
    if (!q) return;
    const rel = ctx.relation(q);
    if (rel && rel.created !== 'earlier') return;
    ctx.report({
      range: src.all,
      message: `Renaming ${tableName(rel, q)} to ${n.newname} breaks the application version still running during the deploy — create a view with the old name over the renamed table for the transition, or keep the name.`,
      ...aboutTable(rel),
    });
  },
};
