// set-not-null: ALTER COLUMN … SET NOT NULL on an existing table scans it for NULLs under an
// ACCESS EXCLUSIVE lock. From PostgreSQL 12 the scan is skipped when a VALID
// CHECK (col IS NOT NULL) constraint exists — the replay knows whether an earlier migration
// added and validated one, so the safe form is not reported. Invariant: version aware
// (before 12 there is no safe form to suggest).

import type { AlterTableStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { aboutTable, tableCommands, tableName, tableWithSize } from './common';

export const setNotNull: StatementRule = {
  name: 'set-not-null',
  summary: 'SET NOT NULL on an existing column scans the table while blocking reads and writes.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    for (const { q, cmd, range } of tableCommands(node, src, 'AT_SetNotNull')) {
      if (!cmd.name) continue;
      const rel = ctx.relation(q);
      if (rel && rel.created !== 'earlier') return;
      const col = ctx.column(q, cmd.name);
      if (col?.notNull) continue;
      const modern = ctx.pgVersion() >= 12;
      if (modern && ctx.hasValidNotNullCheck(q, cmd.name)) continue;
      const how = modern
        ? `add CHECK (${cmd.name} IS NOT NULL) NOT VALID, VALIDATE it in a later transaction, then SET NOT NULL (PostgreSQL ${ctx.pgVersion()} then skips the scan) and drop the CHECK`
        : `on PostgreSQL ${ctx.pgVersion()} there is no way around the scan; run it when ${tableName(rel, q)} is quiet, with a lock_timeout`;
      ctx.report({
        range,
        message: `SET NOT NULL on ${tableName(rel, q)}.${cmd.name} scans all of ${tableWithSize(rel, q)} for NULLs while holding an ACCESS EXCLUSIVE lock (reads and writes wait) — ${how}.`,
        ...aboutTable(rel),
      });
    }
  },
};
