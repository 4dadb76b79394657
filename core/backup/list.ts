// `pglc backup list` and `backup info` over the local store: complete backups newest first with
// their verify state, leftovers apart. Invariant: a folder without a valid manifest (or whose
// files do not match it) is never listed as a backup — only as a leftover, with its size and age.

import type { BackupInfoResult, BackupListResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import type { OperationContext } from '../operation-context';
import { createLocalStore, type LocalStore } from '../storage/local-store';
import { newestFirst, sanitizeIdPart } from './backup-id';
import { toSummary } from './manifest';
import { openLocalBackup } from './open-backup';

/**
 * The local store's backups (of `environment` only, when given).
 * @example const { backups, leftovers } = await listBackups(project, {}, ctx);
 */
export async function listBackups(project: ProjectConfig, opts: { environment?: string }, ctx: OperationContext): Promise<BackupListResult> {
  return listStore(createLocalStore(project.root, project.backup.path), opts, ctx);
}

export async function listStore(store: LocalStore, opts: { environment?: string }, ctx: OperationContext): Promise<BackupListResult> {
  const entries = newestFirst(await store.list(ctx.signal));
  const backups = [];
  for (const e of entries) {
    if (!e.manifest || (opts.environment && e.manifest.environment !== opts.environment)) continue;
    backups.push(toSummary({ ...e, manifest: e.manifest }, await store.readVerifyRecord(e.id), 'local'));
  }
  const envPrefix = opts.environment ? `${sanitizeIdPart(opts.environment)}-` : '';
  const leftovers = entries
    .filter((e) => !e.manifest && e.id.startsWith(envPrefix))
    .map((e) => ({ id: e.id, location: 'local' as const, size: e.size, ...(e.modifiedAt ? { modifiedAt: e.modifiedAt.toISOString() } : {}) }));
  return { ...(opts.environment ? { environment: opts.environment } : {}), backups, leftovers };
}

/**
 * Everything known about one complete backup: its manifest, where it is, its last verification.
 * @example const { manifest, verify } = await backupInfo(project, 'latest', {}, ctx);
 */
export async function backupInfo(project: ProjectConfig, ref: string, opts: { environment?: string }, ctx: OperationContext): Promise<BackupInfoResult> {
  const { store, manifest, complete } = await openLocalBackup(project, ref, { environment: opts.environment, signal: ctx.signal });
  const verify = await store.readVerifyRecord(manifest.id);
  return { manifest, complete, location: 'local', path: store.folderOf(manifest.id), ...(verify ? { verify } : {}) };
}
