// The rule table: every rule pglc knows, looked up by name (directives, pglc.toml's
// [lint.rules], diagnostic codes) and by parse node kind (the engine shows a statement only to
// the rules that look at its kind). Invariant: names are unique and kebab-case; adding a rule
// means adding it here and a folder of fixtures under test/fixtures/lint/<rule>/
// (test/unit/lint-rules.test.ts fails for a rule without one).

import type { DocumentRule, ExternalRule, LintRule, StatementRule } from '../rule';
import { addColumnVolatileDefault } from './add-column-volatile-default';
import { addRequiredColumn } from './add-required-column';
import { appliedMigrationModified } from './applied-migration-modified';
import { addUniqueWithoutIndex } from './add-unique-without-index';
import { changeColumnType } from './change-column-type';
import { checkWithoutNotValid } from './check-without-not-valid';
import { concurrentlyInTransaction } from './concurrently-in-transaction';
import { dataChangeWithDdl } from './data-change-with-ddl';
import { disableTriggers } from './disable-triggers';
import { downDoesNotReverse } from './down-does-not-reverse';
import { dropColumn } from './drop-column';
import { dropDatabase } from './drop-database';
import { dropTable } from './drop-table';
import { enumValueInSameTransaction } from './enum-value-in-same-transaction';
import { foreignKeyWithoutNotValid } from './foreign-key-without-not-valid';
import { nonIdempotentDdl } from './non-idempotent-ddl';
import { preferBigintKeys } from './prefer-bigint-keys';
import { preferIdentity } from './prefer-identity';
import { preferText } from './prefer-text';
import { preferTextOverChar } from './prefer-text-over-char';
import { preferTimestamptz } from './prefer-timestamptz';
import { renameColumn } from './rename-column';
import { renameTable } from './rename-table';
import { requireConcurrentIndex } from './require-concurrent-index';
import { requireConcurrentIndexDrop } from './require-concurrent-index-drop';
import { requireLockTimeout } from './require-lock-timeout';
import { requireStatementTimeout } from './require-statement-timeout';
import { setNotNull } from './set-not-null';
import { transactionNesting } from './transaction-nesting';
import { truncateTable } from './truncate-table';
import { upWithoutDown } from './up-without-down';
import { validateInSameTransaction } from './validate-in-same-transaction';

/** Findings the engine itself reports about `-- pglc:` comments (engine/directives.ts). */
const invalidDirective: ExternalRule = {
  name: 'invalid-directive',
  summary: 'A -- pglc: comment names an unknown directive or rule, so it silences nothing.',
  category: 'directives',
  defaultLevel: 'warning',
  scope: 'external',
};

const unusedDirective: ExternalRule = {
  name: 'unused-directive',
  summary: 'A -- pglc:disable / allow comment that silences nothing: remove it before it hides a future finding.',
  category: 'directives',
  defaultLevel: 'warning',
  scope: 'external',
};

/** plpgsql_check's findings on function bodies (core/lint/plpgsql-check.ts, `pglc db lint --functions`). */
const plpgsqlCheck: ExternalRule = {
  name: 'plpgsql-check',
  summary: 'plpgsql_check found a problem in a PL/pgSQL function body (a missing column, a wrong type, unreachable code…).',
  category: 'functions',
  defaultLevel: 'error',
  scope: 'external',
};

export const STATEMENT_RULES: readonly StatementRule[] = [
  addColumnVolatileDefault,
  addRequiredColumn,
  addUniqueWithoutIndex,
  changeColumnType,
  checkWithoutNotValid,
  concurrentlyInTransaction,
  disableTriggers,
  dropColumn,
  dropDatabase,
  dropTable,
  enumValueInSameTransaction,
  foreignKeyWithoutNotValid,
  preferBigintKeys,
  preferIdentity,
  preferText,
  preferTextOverChar,
  preferTimestamptz,
  renameColumn,
  renameTable,
  requireConcurrentIndex,
  requireConcurrentIndexDrop,
  setNotNull,
  transactionNesting,
  truncateTable,
  validateInSameTransaction,
];

export const DOCUMENT_RULES: readonly DocumentRule[] = [appliedMigrationModified, dataChangeWithDdl, downDoesNotReverse, nonIdempotentDdl, requireLockTimeout, requireStatementTimeout, upWithoutDown];

export const ALL_RULES: readonly LintRule[] = [...STATEMENT_RULES, ...DOCUMENT_RULES, invalidDirective, unusedDirective, plpgsqlCheck];

export const RULE_NAMES: readonly string[] = ALL_RULES.map((r) => r.name);

const byName = new Map<string, LintRule>(ALL_RULES.map((r) => [r.name, r]));
const byKind = new Map<string, StatementRule[]>();
for (const rule of STATEMENT_RULES) {
  for (const kind of rule.kinds) {
    const list = byKind.get(kind) ?? [];
    list.push(rule);
    byKind.set(kind, list);
  }
}

/** @example ruleByName('drop-column')?.destructive === true */
export function ruleByName(name: string): LintRule | undefined {
  return byName.get(name);
}

/** The statement rules that look at parse nodes of `kind` (`IndexStmt`, …). */
export function rulesForKind(kind: string): readonly StatementRule[] {
  return byKind.get(kind) ?? [];
}
