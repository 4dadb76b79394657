// foreign-key-without-not-valid: ALTER TABLE … ADD FOREIGN KEY without NOT VALID on an existing
// table (see not-valid-constraint.ts). Invariant: tables created in this migration are exempt.

import type { StatementRule } from '../rule';
import { checkNotValid } from './not-valid-constraint';

export const foreignKeyWithoutNotValid: StatementRule = {
  name: 'foreign-key-without-not-valid',
  summary: 'Adding a foreign key to an existing table checks every row while blocking writes to both tables.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check: (statement, ctx) => checkNotValid('CONSTR_FOREIGN', statement, ctx),
};
