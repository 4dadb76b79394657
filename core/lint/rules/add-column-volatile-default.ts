// add-column-volatile-default: ADD COLUMN that rewrites the whole table under an ACCESS
// EXCLUSIVE lock — a DEFAULT PostgreSQL must compute per row (a volatile function: random(),
// gen_random_uuid(), clock_timestamp(), nextval() behind serial and identity columns, or a
// function the migrations created without IMMUTABLE/STABLE), a stored generated column, or on
// PostgreSQL 10 and older any DEFAULT. Version aware: on 11+ `DEFAULT now()` or a constant is
// only a catalog change (the false positive of linters that assume PostgreSQL 10).
// Invariant: a function whose volatility is unknown (created outside the migrations) is not
// guessed volatile.

import type { AlterTableStmt, ColumnDef } from 'libpg-query';
import { nodeAs } from '../ast/nodes';
import { isSerial } from '../ast/type-name';
import type { RuleContext, StatementRule } from '../rule';
import { readColumn } from '../schema-state/effects';
import type { DefaultState } from '../schema-state/model';
import { aboutTable, tableCommands, tableWithSize } from './common';

function volatileCall(d: DefaultState, ctx: RuleContext): string | undefined {
  for (const call of d.calls) if (ctx.functionVolatility(call) === 'volatile') return call;
  return undefined;
}

export const addColumnVolatileDefault: StatementRule = {
  name: 'add-column-volatile-default',
  summary: 'Adding a column whose value must be computed per row (volatile DEFAULT, serial, identity, stored generated) rewrites the table under an exclusive lock.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_AddColumn')) {
      const def = nodeAs(cmd.def, 'ColumnDef') as ColumnDef | undefined;
      if (!def) continue;
      const { column } = readColumn(src, def, range.end + 1);
      let why: string | undefined;
      if (column.generated) why = `stored generated column ${column.name} is computed for every existing row`;
      else if (column.identity) why = `identity column ${column.name} draws a sequence value for every existing row`;
      else if (column.type && isSerial(column.type)) why = `${column.type.sql} column ${column.name} draws a sequence value (nextval) for every existing row`;
      else if (column.default) {
        const call = volatileCall(column.default, ctx);
        if (call) why = `DEFAULT ${column.default.sql} calls ${call}(), which is volatile, so PostgreSQL computes it for every existing row`;
        else if (ctx.pgVersion() < 11 && !/^null$/i.test(column.default.sql.trim())) {
          why = `PostgreSQL ${ctx.pgVersion()} writes a DEFAULT into every existing row (from PostgreSQL 11 on, a non-volatile DEFAULT is only a catalog change)`;
        }
      }
      if (!why) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      ctx.report({
        range,
        message: `Adding it rewrites all of ${tableWithSize(rel, q)} under an ACCESS EXCLUSIVE lock (reads and writes wait): ${why} — add the column without it, then fill it in batches${column.default && !column.generated ? ' and SET DEFAULT afterwards' : ''}.`,
        ...aboutTable(rel),
      });
    }
  },
};
