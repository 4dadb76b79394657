// prefer-text-over-char: char(n) / character(n). It pads with spaces (which comparisons then
// ignore or not, depending on the operator), and is no faster than text. Invariant: the
// one-byte internal type "char" (quoted) is not this type and is not reported.

import type { StatementRule } from '../rule';
import { declaredColumns } from './column-types';

export const preferTextOverChar: StatementRule = {
  name: 'prefer-text-over-char',
  summary: 'Use text instead of char(n): it pads values with spaces and is no faster.',
  category: 'types',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['CreateStmt', 'AlterTableStmt'],
  check({ kind, node, src }, ctx) {
    for (const c of declaredColumns(src, kind, node)) {
      if (c.type.name !== 'bpchar' || c.type.schema) continue;
      ctx.report({
        range: c.typeRange,
        message: `${c.column} is ${c.type.sql}: it pads values with spaces (that some comparisons ignore and others do not) and is no faster than text — use text, with a CHECK on the length if it matters.`,
        fixes: [{ title: 'Use text', preferred: true, edits: [{ anchor: { at: 'statement', ...c.typeRange }, text: `text${'[]'.repeat(c.type.array)}` }] }],
      });
    }
  },
};
