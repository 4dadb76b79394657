// Backups of the local store and of S3 in one list, each marked local / remote / both — what
// `pglc backup list --remote` and the Backups view (remote-only ones marked) show.
// Invariant: only complete backups (valid manifest) are listed as backups; leftovers of either
// store are listed separately with their location; the verify state is the newest record of
// either copy (both hold the same bytes, checked by SHA-256 when copied).

import type { BackupListResult, BackupLocation, BackupManifest, BackupSummary } from '../../protocol/index';
import type { OperationContext } from '../operation-context';
import type { StoredEntry, VerifyRecord } from '../storage/backup-store';
import type { BackupStores } from '../storage/open-stores';
import { mapLimit } from '../storage/s3-store';
import { newestFirst } from './backup-id';
import { toSummary } from './manifest';

/**
 * Lists local and (when `remote` and configured) remote backups, newest first.
 * @example const { backups } = await listBackupsWithRemote(stores, { remote: true }, ctx);
 *   backups.filter((b) => b.location === 'remote') // remote-only
 */
export async function listBackupsWithRemote(
  stores: BackupStores,
  o: { remote: boolean; environment?: string },
  ctx: OperationContext,
): Promise<BackupListResult> {
  const remoteStore = o.remote ? stores.remote : undefined;
  const [local, remote] = await Promise.all([stores.local.list(ctx.signal), remoteStore ? remoteStore.list(ctx.signal) : Promise.resolve([] as StoredEntry[])]);
  return mergeListings(
    { entries: local, verify: (id) => stores.local.readVerifyRecord(id) },
    remoteStore ? { entries: remote, verify: (id) => remoteStore.readVerifyRecord(id) } : undefined,
    o.environment,
  );
}

interface Side {
  entries: StoredEntry[];
  verify(id: string): Promise<VerifyRecord | undefined>;
}

/** The merge itself (stores already listed). */
export async function mergeListings(local: Side, remote: Side | undefined, environment?: string): Promise<BackupListResult> {
  const inEnv = (m: BackupManifest | undefined) => Boolean(m) && (!environment || m!.environment === environment);
  const byId = new Map<string, { entry: StoredEntry & { manifest: BackupManifest }; local: boolean; remote: boolean }>();
  for (const [side, entries] of [['local', local.entries], ['remote', remote?.entries ?? []]] as const) {
    for (const e of entries) {
      if (!inEnv(e.manifest)) continue;
      const row = byId.get(e.id) ?? { entry: e as StoredEntry & { manifest: BackupManifest }, local: false, remote: false };
      row[side] = true;
      byId.set(e.id, row);
    }
  }
  const rows = [...byId.values()];
  const backups: BackupSummary[] = await mapLimit(rows, 8, async (row) => {
    const records = await Promise.all([
      row.local ? local.verify(row.entry.id).catch(() => undefined) : undefined,
      row.remote && remote ? remote.verify(row.entry.id).catch(() => undefined) : undefined,
    ]);
    const verify = records.filter((r): r is VerifyRecord => Boolean(r)).sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    const location: BackupLocation = row.local && row.remote ? 'both' : row.local ? 'local' : 'remote';
    return toSummary(row.entry, verify, location);
  });
  const leftovers: BackupListResult['leftovers'] = [];
  for (const [side, entries] of [['local', local.entries], ['remote', remote?.entries ?? []]] as const) {
    for (const e of entries) {
      if (e.manifest) continue;
      leftovers.push({ id: e.id, location: side, size: e.size, ...(e.modifiedAt ? { modifiedAt: e.modifiedAt.toISOString() } : {}) });
    }
  }
  const sorted = newestFirst(backups.map((b) => ({ ...b, manifest: { createdAt: b.createdAt } }))).map(({ manifest: _m, ...b }) => b as BackupSummary);
  return { ...(environment ? { environment } : {}), backups: sorted, leftovers };
}
