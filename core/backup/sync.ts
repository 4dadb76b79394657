// `pglc backup sync`: make the local store and S3 hold the same complete backups, by checksum —
// upload what the remote lacks or holds differently (the local copy wins, after its bytes are
// checked against its own manifest), download what the local store lacks.
// Invariants: leftovers (no valid manifest) are never copied either way; each backup is copied
// with copyBackup's end-to-end SHA-256 checks; one backup's failure is reported and the others
// still go; --dry-run changes nothing.

import type { BackupManifest, BackupSyncAction, BackupSyncResult } from '../../protocol/index';
import { PglcError, isPglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import { requireRemote, type BackupStores } from '../storage/open-stores';
import { newestFirst } from './backup-id';
import { copyBackup, sameFiles, type CopyOptions } from './upload';

/**
 * Plans and (unless dryRun) runs the copies. Throws after running everything when any copy failed,
 * with the whole result in `details.result`.
 * @example const r = await syncBackups(stores, { dryRun: true }, ctx); r.actions.filter((a) => a.action !== 'unchanged')
 */
export async function syncBackups(stores: BackupStores, o: { dryRun?: boolean; environment?: string }, ctx: OperationContext, copy: CopyOptions = {}): Promise<BackupSyncResult> {
  const remote = requireRemote(stores, 'Syncing backups');
  const [localEntries, remoteEntries] = await Promise.all([stores.local.list(ctx.signal), remote.list(ctx.signal)]);
  const complete = (entries: typeof localEntries) =>
    new Map(entries.filter((e) => e.manifest && (!o.environment || e.manifest.environment === o.environment)).map((e) => [e.id, e.manifest as BackupManifest]));
  const local = complete(localEntries);
  const rem = complete(remoteEntries);
  const ids = newestFirst([...new Set([...local.keys(), ...rem.keys()])].map((id) => ({ id, manifest: local.get(id) ?? rem.get(id) })));

  const actions: BackupSyncAction[] = [];
  for (const { id } of ids) {
    const l = local.get(id);
    const r = rem.get(id);
    if (l && r && sameFiles(l, r)) actions.push({ id, action: 'unchanged', reason: 'same files in both (SHA-256)', result: 'skipped' });
    else if (l && r) actions.push({ id, action: 'upload', reason: 'the remote copy differs (SHA-256); the local copy replaces it', result: 'planned' });
    else if (l) actions.push({ id, action: 'upload', reason: 'missing remotely', result: 'planned' });
    else actions.push({ id, action: 'download', reason: 'missing locally', result: 'planned' });
  }

  if (!o.dryRun) {
    for (const a of actions) {
      if (a.action === 'unchanged') continue;
      if (ctx.signal?.aborted) {
        a.result = 'skipped';
        continue;
      }
      try {
        const r = a.action === 'upload'
          ? await copyBackup(stores.local, remote, a.id, 'upload', ctx, copy)
          : await copyBackup(remote, stores.local, a.id, 'download', ctx, copy);
        a.result = 'done';
        a.bytes = r.bytes;
        note(ctx, `${a.action === 'upload' ? 'Uploaded' : 'Downloaded'} ${a.id} (${a.reason})`, 'info');
      } catch (e) {
        if (!isPglcError(e)) throw e;
        a.result = 'failed';
        a.error = e.toPayload();
        note(ctx, `${a.action === 'upload' ? 'Uploading' : 'Downloading'} ${a.id} failed: ${e.why}`, 'warn');
      }
    }
  }

  const count = (action: BackupSyncAction['action'], result: BackupSyncAction['result']) => actions.filter((a) => a.action === action && a.result === result).length;
  const result: BackupSyncResult = {
    dryRun: Boolean(o.dryRun),
    local: stores.local.describe(),
    remote: remote.describe(),
    actions,
    uploaded: count('upload', o.dryRun ? 'planned' : 'done'),
    downloaded: count('download', o.dryRun ? 'planned' : 'done'),
    unchanged: actions.filter((a) => a.action === 'unchanged').length,
    failed: actions.filter((a) => a.result === 'failed').length,
  };
  if (ctx.signal?.aborted) {
    throw new PglcError('cancelled', { what: 'Sync was cancelled', why: 'a cancellation was requested', fix: 'Run `pglc backup sync` again; finished copies are kept, partial ones removed.', details: { result } });
  }
  const firstFailure = actions.find((a) => a.error);
  if (firstFailure?.error) {
    const e = firstFailure.error;
    throw new PglcError(e.code, {
      what: `Sync finished with ${result.failed} failed cop${result.failed === 1 ? 'y' : 'ies'} (${result.uploaded} uploaded, ${result.downloaded} downloaded)`,
      why: `${firstFailure.id}: ${e.what} — ${e.why}`,
      fix: e.fix,
      details: { result },
    });
  }
  return result;
}
