// drop-column (destructive): ALTER TABLE … DROP COLUMN in an Up section deletes the column's
// data for good and breaks the application version still reading it. `-- pglc:allow
// drop-column` above the statement records that this is intended. Not reported for a table
// created in this migration, nor in Down sections (undoing an ADD COLUMN is their job).
// Invariant: destructive rules only fire in Up sections (the engine enforces it).

import type { AlterTableStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { aboutTable, tableCommands, tableName, tableWithSize } from './common';

export const dropColumn: StatementRule = {
  name: 'drop-column',
  summary: 'Dropping a column deletes its data and breaks the running application (needs -- pglc:allow drop-column).',
  category: 'destructive',
  defaultLevel: 'error',
  destructive: true,
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_DropColumn')) {
      if (!cmd.name) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      ctx.report({
        range,
        message: `Dropping ${tableName(rel, q)}.${cmd.name} deletes its data in ${tableWithSize(rel, q)} for good, and the application version still running during the deploy fails on it — stop using the column first; if this is intended, say so with -- pglc:allow drop-column.`,
        ...aboutTable(rel),
        ...(rel ? { related: [{ message: `${cmd.name} is created here`, ref: { kind: 'column' as const, table: rel.key, column: cmd.name } }] } : {}),
      });
    }
  },
};
