// Custom messages between the extension (client/) and the language server (server/), and the
// command ids the server puts into CodeLens. Invariant: the server learns migration status only
// through `pglc/migrationStatus` (the client gets it from `pglc db migrate:status --json`) and an
// environment's table sizes and server version only through `pglc/lintFacts` (from
// `pglc db lint:facts --json`), so the server stays pure analysis and never connects to a
// database or runs pglc itself.

import type { LintFacts } from './lint';
import type { MigrationStatusResult } from './migrations';

/** Client → server notification: the active environment's migration status changed. */
export const MigrationStatusNotification = 'pglc/migrationStatus';
export interface MigrationStatusParams {
  /** Absolute path of the project root (the folder of pglc.toml). */
  root: string;
  /** Absolute migration folders, so the server knows which .sql files are migrations. */
  migrationDirs: string[];
  /** Undefined when the status could not be read (the server then shows no status lenses). */
  status?: MigrationStatusResult;
  /** Why it could not be read, for a lens such as "⚠ staging unreachable". */
  problem?: string;
}

/**
 * Client → server notification: the facts of the active environment for schema lint (table
 * sizes, server version), or why there are none. Lint then rates findings by the tables' sizes
 * ("locks orders (12M rows, 3.1 GB)"), assumes that server's version, and hover shows sizes.
 */
export const LintFactsNotification = 'pglc/lintFacts';
export interface LintFactsParams {
  /** Absolute path of the project root the facts belong to. */
  root: string;
  /** Undefined: no facts (none read yet, reading is turned off, or it failed: see problem). */
  facts?: LintFacts;
  problem?: string;
}

/** Command ids used in CodeLens and tree items; implemented in client/commands/. */
export const EditorCommands = {
  /** args: [version: string] — apply pending migrations up to and including version. */
  applyUpTo: 'pglc.migrate.applyUpTo',
  /** args: [version: string] — roll back the last applied migration (must be `version`). */
  rollbackLast: 'pglc.migrate.rollbackLast',
  /** args: [absolute file path] */
  openMigration: 'pglc.migrate.open',
  showOutput: 'pglc.showOutput',
} as const;
