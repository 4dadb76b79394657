// The one place that decides whether an operation may run on an environment (seed 001's
// "Environment-Aware Safety Guards" table). Invariant: there is no --yes/--force bypass:
// a blocked operation is blocked on a protected environment, and a confirmed one needs the
// database name typed (at a prompt, in the editor's input, or as --confirm <name>).

import { PglcError } from './errors';

export type GuardedOperation =
  | 'migrate'
  | 'migrate:rollback'
  | 'migrate:fresh'
  | 'migrate:repair'
  | 'data:reset'
  | 'mock:generate'
  | 'seed:fresh'
  | 'restore'
  | 'backup:delete-recent'
  | 'data:anonymize-in-place';

export type GuardRule = 'allowed' | 'confirm' | 'blocked';

const onProtected: Record<GuardedOperation, GuardRule> = {
  migrate: 'allowed', // the normal way production changes; its pre-migration backup is the backup issue's
  'migrate:rollback': 'confirm',
  'migrate:repair': 'confirm',
  restore: 'confirm',
  'backup:delete-recent': 'confirm',
  'migrate:fresh': 'blocked',
  'data:reset': 'blocked',
  'mock:generate': 'blocked',
  'seed:fresh': 'blocked',
  'data:anonymize-in-place': 'blocked',
};

const describe: Record<GuardedOperation, string> = {
  migrate: 'Applying migrations',
  'migrate:rollback': 'Rolling back migrations',
  'migrate:repair': 'Rewriting the migration history',
  restore: 'Restoring a backup',
  'backup:delete-recent': 'Deleting a backup younger than 7 days',
  'migrate:fresh': 'Dropping everything and re-running migrations (migrate:fresh)',
  'data:reset': 'Deleting all data (data reset)',
  'mock:generate': 'Generating mock data',
  'seed:fresh': 'Clearing and re-seeding',
  'data:anonymize-in-place': 'Anonymizing data in place',
};

/** What `op` needs on `env`. @example guardRule('migrate:fresh', { protected: true }) === 'blocked' */
export function guardRule(op: GuardedOperation, env: { protected: boolean }): GuardRule {
  return env.protected ? onProtected[op] : 'allowed';
}

/**
 * Throws unless `op` may run now: `guard-blocked` for blocked operations on a protected
 * environment, `confirmation-required` / `confirmation-mismatch` when the typed database
 * name is missing or wrong.
 * @example checkGuard('migrate:rollback', { name: 'prod', protected: true }, 'shop', 'shop') // ok
 */
export function checkGuard(op: GuardedOperation, env: { name: string; protected: boolean }, database: string, confirm?: string): void {
  const rule = guardRule(op, env);
  if (rule === 'allowed') return;
  const details = { environment: env.name, database, operation: op };
  if (rule === 'blocked') {
    throw new PglcError('guard-blocked', {
      what: `${describe[op]} is blocked on "${env.name}"`,
      why: `"${env.name}" is a protected environment (protected = true in pglc.toml), where this operation is never allowed`,
      fix: 'Run it on local or staging, or restore a copy of this database elsewhere and work on the copy.',
      details,
    });
  }
  if (confirm === undefined) {
    throw new PglcError('confirmation-required', {
      what: `${describe[op]} on protected environment "${env.name}" needs confirmation`,
      why: `this changes database "${database}" on a protected environment`,
      fix: `Type the database name when asked, or pass --confirm ${database} in a non-interactive run.`,
      details,
    });
  }
  if (confirm !== database) {
    throw new PglcError('confirmation-mismatch', {
      what: 'The typed database name does not match',
      why: `"${confirm}" was typed, but the database on "${env.name}" is "${database}"`,
      fix: `Type exactly ${database} to confirm, or stop here: nothing was changed.`,
      details,
    });
  }
}
