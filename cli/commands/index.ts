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
import dbLint from './db-lint';
import dbLintFacts from './db-lint-facts';
import envList from './env-list';
import dbDump from './db-dump';
import dbLoad from './db-load';
import backupCreate from './backup-create';
import backupList from './backup-list';
import backupInfo from './backup-info';
import backupVerify from './backup-verify';
import backupDelete from './backup-delete';
import backupDecrypt from './backup-decrypt';
import backupUpload from './backup-upload';
import backupDownload from './backup-download';
import backupSync from './backup-sync';
import backupPrune from './backup-prune';
import backupSchedule from './backup-schedule';
import backupScheduleRun from './backup-schedule-run';
import backupStatus from './backup-status';
import backupStorageSet from './backup-storage-set';
import backupConfig from './backup-config';
import restore from './restore';
import restoreUndo from './restore-undo';
import restoreOld from './restore-old';
import restoreDropOld from './restore-drop-old';
import dataAnonymize from './data-anonymize';
import schemaShow from './schema-show';
import schemaDiff from './schema-diff';
import schemaDiagram from './schema-diagram';
import schemaDrift from './schema-drift';
import schemaDocs from './schema-docs';
import schemaIndexes from './schema-indexes';

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
  dbLint,
  dbLintFacts,
  envList,
  dbDump,
  dbLoad,
  backupCreate,
  backupList,
  backupInfo,
  backupVerify,
  backupDelete,
  backupDecrypt,
  backupUpload,
  backupDownload,
  backupSync,
  backupPrune,
  backupSchedule,
  backupScheduleRun,
  backupStatus,
  backupStorageSet,
  backupConfig,
  restore,
  restoreUndo,
  restoreOld,
  restoreDropOld,
  dataAnonymize,
  schemaShow,
  schemaDiff,
  schemaDiagram,
  schemaDrift,
  schemaDocs,
  schemaIndexes,
];

export const groups: Record<string, string> = {
  db: 'Database: the local server, migrations, lint',
  env: 'Environments from pglc.toml',
  backup: 'Backups: create, verify, store locally and on S3, retain, schedule',
  storage: 'Where backups are stored',
  data: 'Data: anonymize personal data',
  schema: 'Schema: show, diff (with a self-checked migration), ER diagram',
};
