// prefer-bigint-keys: a primary key, identity or serial column of type smallint / integer.
// An integer key runs out at 2,147,483,647 — and widening it later rewrites the table and every
// table that references it. Invariant: keys only (not every integer column), so the rule stays
// quiet about counters and enums stored as integers.

import type { StatementRule } from '../rule';
import { isSmallInteger } from '../ast/type-name';
import { declaredColumns } from './column-types';

export const preferBigintKeys: StatementRule = {
  name: 'prefer-bigint-keys',
  summary: 'Key columns (primary key, identity, serial) should be bigint: integer keys run out.',
  category: 'types',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  check({ kind, node, src }, ctx) {
    void ctx;
    for (const c of declaredColumns(src, kind, node)) {
      if (!c.key || !isSmallInteger(c.type)) continue;
      const serial = c.type.name.startsWith('serial');
      const to = serial ? 'bigserial' : 'bigint';
      ctx.report({
        range: c.typeRange,
        message: `Key column ${c.column} is ${c.type.sql}, which runs out at ${c.type.name.endsWith('2') ? '32,767' : '2,147,483,647'} — and widening a key later rewrites this table and every table referencing it: use ${to}.`,
        fixes: [{ title: `Use ${to}`, preferred: true, edits: [{ anchor: { at: 'statement', ...c.typeRange }, text: to }] }],
      });
    }
  },
};
