// check-without-not-valid: ALTER TABLE … ADD CHECK without NOT VALID on an existing table (see
// not-valid-constraint.ts). Invariant: tables created in this migration are exempt.

import type { StatementRule } from '../rule';
import { checkNotValid } from './not-valid-constraint';

export const checkWithoutNotValid: StatementRule = {
  name: 'check-without-not-valid',
  summary: 'Adding a CHECK constraint to an existing table scans it while blocking reads and writes.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check: (statement, ctx) => checkNotValid('CONSTR_CHECK', statement, ctx),
};
