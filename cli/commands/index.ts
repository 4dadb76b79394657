// The command table: every `pglc` command, registered in one loop by cli/main.ts.
import type { CommandDefinition } from '../command-definition';
import init from './init';
import dbStart from './db-start';
import dbStop from './db-stop';
import dbStatus from './db-status';
import dbMigrate from './db-migrate';
import dbMigrateCreate from './db-migrate-create';
import dbMigrateStatus from './db-migrate-status';
import dbMigrateRollback from './db-migrate-rollback';
import dbMigrateFresh from './db-migrate-fresh';
import dbMigrateRepair from './db-migrate-repair';
import envList from './env-list';

export const commands: CommandDefinition<any>[] = [
  init,
  dbStart,
  dbStop,
  dbStatus,
  dbMigrate,
  dbMigrateCreate,
  dbMigrateStatus,
  dbMigrateRollback,
  dbMigrateFresh,
  dbMigrateRepair,
  envList,
];

export const groups: Record<string, string> = {
  db: 'Database: the local server, migrations',
  env: 'Environments from pglc.toml',
};
