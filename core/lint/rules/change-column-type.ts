// change-column-type: ALTER COLUMN … TYPE on an existing table. Most type changes rewrite the
// table and its indexes under an ACCESS EXCLUSIVE lock; some are catalog-only (varchar(50) →
// varchar(100), varchar → text, numeric(10,2) → numeric(12,2)). Table aware: the replayed
// schema knows the column's current type, so the safe changes are not reported (a linter
// without the table's state cannot tell them apart). Invariant: when the current type is
// unknown, the change is reported as possibly rewriting.

import type { AlterTableStmt, ColumnDef } from 'libpg-query';
import { nodeAs } from '../ast/nodes';
import { columnType, sameType, type ColumnType } from '../ast/type-name';
import type { StatementRule } from '../rule';
import { aboutTable, tableCommands, tableName, tableWithSize } from './common';

type Cost = 'none' | 'rewrite';

/** What changing a column from `a` to `b` costs, without a USING clause (PostgreSQL's binary-coercible cases). */
export function typeChangeCost(a: ColumnType, b: ColumnType): Cost {
  if (sameType(a, b)) return 'none';
  if (a.array !== b.array || a.schema || b.schema) return 'rewrite';
  const limit = (t: ColumnType): number | undefined => t.mods[0];
  if (a.name === 'varchar' && b.name === 'varchar') {
    const la = limit(a);
    const lb = limit(b);
    return lb === undefined || (la !== undefined && lb >= la) ? 'none' : 'rewrite';
  }
  if (a.name === 'varchar' && b.name === 'text') return 'none';
  if (a.name === 'text' && b.name === 'varchar' && limit(b) === undefined) return 'none';
  if (a.name === 'numeric' && b.name === 'numeric') {
    if (b.mods.length === 0) return 'none';
    const [pa, sa = 0] = a.mods;
    const [pb, sb = 0] = b.mods;
    return pa !== undefined && pb !== undefined && sa === sb && pb >= pa ? 'none' : 'rewrite';
  }
  if ((a.name === 'varbit' && b.name === 'varbit') && (limit(b) === undefined || (limit(a) !== undefined && (limit(b) as number) >= (limit(a) as number)))) return 'none';
  if (a.name === 'cidr' && b.name === 'inet') return 'none';
  return 'rewrite';
}

export const changeColumnType: StatementRule = {
  name: 'change-column-type',
  summary: 'Changing a column type usually rewrites the table and its indexes under an exclusive lock.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_AlterColumnType')) {
      if (!cmd.name) continue;
      const def = nodeAs(cmd.def, 'ColumnDef') as ColumnDef | undefined;
      const to = columnType(def?.typeName);
      if (!to) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      const col = ctx.column(q, cmd.name);
      const using = def?.raw_default !== undefined;
      if (col?.type && !using && typeChangeCost(col.type, to) === 'none') continue;
      const from = col?.type ? ` from ${col.type.sql}` : '';
      ctx.report({
        range,
        message: `Changing ${tableName(rel, q)}.${cmd.name}${from} to ${to.sql} rewrites ${tableWithSize(rel, q)} and rebuilds its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait) — add a new column, backfill it in batches, and switch over.`,
        ...aboutTable(rel),
      });
    }
  },
};
