// disable-triggers: ALTER TABLE … DISABLE TRIGGER in a migration. Disabled triggers do not fire
// for any session until enabled again — with ALL, that includes the system triggers that
// enforce foreign keys — so rows written meanwhile can break invariants for good, and a failed
// migration can leave them disabled. Invariant: reported wherever it appears (Up or Down): the
// risk is the same.

import type { AlterTableStmt } from 'libpg-query';
import type { StatementRule } from '../rule';
import { qnameOf } from '../schema-state/effects';
import { commandRange, commandsOf, tableName } from './common';

const DISABLE = new Set(['AT_DisableTrig', 'AT_DisableTrigAll', 'AT_DisableTrigUser']);

export const disableTriggers: StatementRule = {
  name: 'disable-triggers',
  summary: 'Disabling triggers lets writes skip the checks they do (with ALL, foreign keys too).',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'statement',
  kinds: ['AlterTableStmt'],
  check({ node, src }, ctx) {
    const n = node as AlterTableStmt;
    const q = qnameOf(n.relation);
    for (const { cmd, i } of commandsOf(n.cmds)) {
      if (!DISABLE.has(cmd.subtype ?? '')) continue;
      const all = cmd.subtype === 'AT_DisableTrigAll';
      const rel = q ? ctx.relation(q) : undefined;
      ctx.report({
        range: commandRange(src, n.relation, n.cmds, i),
        message: `Disabling ${all ? 'ALL triggers (including the ones enforcing foreign keys)' : cmd.subtype === 'AT_DisableTrigUser' ? 'the user triggers' : `trigger ${cmd.name ?? ''}`.trim()} on ${tableName(rel, q)} affects every session until it is enabled again: rows written meanwhile skip ${all ? 'foreign-key checks and ' : ''}what the triggers do, and a migration that fails before ENABLE TRIGGER leaves them off — do the work without disabling them (or in a maintenance window, in one transaction with the ENABLE).`,
      });
    }
  },
};
