// add-required-column: ALTER TABLE … ADD COLUMN … NOT NULL without a DEFAULT fails on a table
// that has rows ("column … contains null values"). Not reported when the column fills itself —
// a generated column, an identity or serial column (a classic false positive elsewhere) — nor for
// a table created in this migration. Invariant: judged from the parse tree of the column
// definition and the replayed table, never from a guess at the text.

import type { AlterTableStmt, ColumnDef } from 'libpg-query';
import { nodeAs } from '../ast/nodes';
import { isSerial } from '../ast/type-name';
import type { StatementRule } from '../rule';
import { readColumn } from '../schema-state/effects';
import { aboutTable, tableCommands, tableWithSize } from './common';

export const addRequiredColumn: StatementRule = {
  name: 'add-required-column',
  summary: 'Adding a NOT NULL column without a DEFAULT fails as soon as the table has a row.',
  category: 'locking',
  defaultLevel: 'error',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_AddColumn')) {
      const def = nodeAs(cmd.def, 'ColumnDef') as ColumnDef | undefined;
      if (!def) continue;
      const { column } = readColumn(src, def, range.end + 1);
      if (!column.notNull || column.default || column.generated || column.identity || (column.type && isSerial(column.type))) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      if (rel?.size && rel.size.rows === 0) continue;
      ctx.report({
        range,
        message: `Adding NOT NULL column ${column.name} without a DEFAULT fails as soon as ${tableWithSize(rel, q)} has a row ("column ${column.name} … contains null values") — give it a DEFAULT, or add it nullable, backfill it, then SET NOT NULL.`,
        ...aboutTable(rel),
      });
    }
  },
};
