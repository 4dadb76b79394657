// prefer-text: varchar(n). In PostgreSQL text and varchar store the same way; the length limit
// only adds a check, and raising it later is an ALTER TABLE (a lock, and before 9.2 a rewrite).
// A limit that matters belongs in a CHECK constraint, which can be changed NOT VALID.
// Invariant: only varchar with a length (plain varchar is text by another name).

import type { StatementRule } from '../rule';
import { declaredColumns } from './column-types';

export const preferText: StatementRule = {
  name: 'prefer-text',
  summary: 'Use text (with a CHECK on the length if it matters) instead of varchar(n).',
  category: 'types',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  check({ kind, node, src }, ctx) {
    for (const c of declaredColumns(src, kind, node)) {
      if (c.type.name !== 'varchar' || c.type.mods.length === 0) continue;
      const arr = '[]'.repeat(c.type.array);
      ctx.report({
        range: c.typeRange,
        message: `${c.column} is ${c.type.sql}: use text — it is stored the same, and a length limit that matters belongs in a CHECK (char_length(${c.column}) <= ${c.type.mods[0]}) that can change without locking the table.`,
        fixes: [{ title: 'Use text', preferred: true, edits: [{ anchor: { at: 'statement', ...c.typeRange }, text: `text${arr}` }] }],
      });
    }
  },
};
