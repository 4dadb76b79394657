// prefer-timestamptz: timestamp without time zone. It stores a wall-clock reading without
// saying where: values written by servers or sessions in different time zones cannot be
// compared. timestamptz stores an instant (and costs the same). Invariant: the fix keeps the
// precision and array dimensions.

import type { StatementRule } from '../rule';
import { declaredColumns } from './column-types';

export const preferTimestamptz: StatementRule = {
  name: 'prefer-timestamptz',
  summary: 'Use timestamptz instead of timestamp (without time zone).',
  category: 'types',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  check({ kind, node, src }, ctx) {
    for (const c of declaredColumns(src, kind, node)) {
      if (c.type.name !== 'timestamp' || c.type.schema) continue;
      const to = `timestamptz${c.type.mods.length ? `(${c.type.mods.join(',')})` : ''}${'[]'.repeat(c.type.array)}`;
      ctx.report({
        range: c.typeRange,
        message: `${c.column} is timestamp without time zone: it records a wall-clock reading without its time zone, so values from sessions in different zones do not compare — use timestamptz.`,
        fixes: [{ title: `Use ${to}`, preferred: true, edits: [{ anchor: { at: 'statement', ...c.typeRange }, text: to }] }],
      });
    }
  },
};
