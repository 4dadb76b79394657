// `pglc backup download <id>`: a backup from S3 into the local store.
// Invariant: the downloaded bytes are re-hashed (SHA-256) against the manifest while they are
// written, and the local manifest is written last — a cut-off or altered download is retried,
// then reported, and never leaves a local backup that looks complete (see upload.ts, copyBackup).

import type { BackupTransferResult } from '../../protocol/index';
import type { OperationContext } from '../operation-context';
import { requireRemote, type BackupStores } from '../storage/open-stores';
import { resolveBackupId, scopeLatest } from './backup-id';
import { copyBackup, type CopyOptions } from './upload';

/**
 * Downloads backup `ref` (an id, a unique id prefix, or `latest` of the remote store).
 * @example const r = await downloadBackup(openStores(project, vars), 'latest', ctx); r.to // './backups'
 */
export async function downloadBackup(stores: BackupStores, ref: string, ctx: OperationContext, opts: CopyOptions & { environment?: string } = {}): Promise<BackupTransferResult> {
  const remote = requireRemote(stores, 'Downloading a backup');
  const id = resolveBackupId(scopeLatest(await remote.list(ctx.signal), ref, opts.environment), ref, remote.describe());
  return copyBackup(remote, stores.local, id, 'download', ctx, opts);
}
