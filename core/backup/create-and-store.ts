// A backup as the user means it: created in the local store and, when [backup] storage = "s3",
// uploaded right after. Shared by `pglc backup create`, the pre-migration backup and (later) the
// pre-restore backup, so every backup follows the same path.
// Invariant: a failed upload never fails the backup — it stays local-only and says so.

import type { BackupCreateResult } from '../../protocol/index';
import type { OpenedEnvironment } from '../environments/open-environment';
import type { OperationContext } from '../operation-context';
import { openStores } from '../storage/open-stores';
import { createBackup, type CreateBackupOptions } from './create';
import { uploadAfterCreate } from './upload';

/**
 * @example const r = await createAndStoreBackup(opened, { tags: ['pre-migration'] }, ctx); r.manifest.id
 */
export async function createAndStoreBackup(opened: OpenedEnvironment, opts: CreateBackupOptions, ctx: OperationContext): Promise<BackupCreateResult> {
  const c = { ...ctx, env: opened.vars };
  const manifest = await createBackup(opened, opts, c);
  const stores = openStores(opened.project, opened.vars);
  try {
    const path = stores.local.folderOf(manifest.id);
    if (!stores.uploadAfterCreate) return { manifest, location: 'local', path };
    const upload = await uploadAfterCreate(stores, manifest, c);
    return { manifest, location: upload.location, path, upload };
  } finally {
    stores.close();
  }
}
