// Every command of the extension, in one table registered in one loop.
// Invariant: this list and package.json `contributes.commands` hold the same ids
// (test/extension checks it).

import type { CommandDefinition } from './command-definition';
import { applyUpToCommand } from './apply-up-to';
import { backupCreateCommand } from './backup-create';
import { backupDeleteCommand } from './backup-delete';
import { backupDownloadCommand } from './backup-download';
import { backupPruneCommand } from './backup-prune';
import { backupRefreshCommand } from './backup-refresh';
import { backupRevealCommand } from './backup-reveal';
import { backupUploadCommand } from './backup-upload';
import { backupVerifyCommand } from './backup-verify';
import { backupVerifyDeepCommand } from './backup-verify-deep';
import { clearPasswordCommand } from './clear-password';
import { copyVersionCommand } from './copy-version';
import { createMigrationCommand } from './create-migration';
import { initCommand } from './init';
import { migrateCommand } from './migrate';
import { migrateFreshCommand } from './migrate-fresh';
import { migrationStatusCommand } from './migration-status';
import { openConfigCommand } from './open-config';
import { openMigrationCommand } from './open-migration';
import { openReadmeCommand } from './open-readme';
import { refreshCommand } from './refresh';
import { repairCommand } from './repair';
import { rollbackCommand } from './rollback';
import { rollbackLastCommand } from './rollback-last';
import { setPasswordCommand } from './set-password';
import { schemaDriftCommand } from './schema-drift';
import { absorbDriftCommand } from './absorb-drift';
import { showErDiagramCommand } from './show-er-diagram';
import { showOutputCommand } from './show-output';
import { startDatabaseCommand } from './start-database';
import { stopDatabaseCommand } from './stop-database';
import { switchEnvironmentCommand } from './switch-environment';
import { testConnectionCommand } from './test-connection';
import { restoreCommand } from './restore';
import { restoreLatestCommand } from './restore-latest';
import { restoreUndoCommand } from './restore-undo';
import { restoreDropOldCommand } from './restore-drop-old';

export const commandTable: readonly CommandDefinition[] = [
  initCommand,
  migrateCommand,
  applyUpToCommand,
  rollbackLastCommand,
  rollbackCommand,
  migrateFreshCommand,
  repairCommand,
  createMigrationCommand,
  migrationStatusCommand,
  openMigrationCommand,
  copyVersionCommand,
  switchEnvironmentCommand,
  testConnectionCommand,
  setPasswordCommand,
  clearPasswordCommand,
  openConfigCommand,
  startDatabaseCommand,
  stopDatabaseCommand,
  refreshCommand,
  showOutputCommand,
  openReadmeCommand,
  showErDiagramCommand,
  schemaDriftCommand,
  absorbDriftCommand,
  backupCreateCommand,
  backupVerifyCommand,
  backupVerifyDeepCommand,
  backupUploadCommand,
  backupDownloadCommand,
  backupDeleteCommand,
  backupRevealCommand,
  backupPruneCommand,
  backupRefreshCommand,
  restoreCommand,
  restoreLatestCommand,
  restoreUndoCommand,
  restoreDropOldCommand,
];
