// The stores of a project: the local folder always, and S3-compatible storage when [backup.s3]
// names a bucket (storage = "s3" then also means "upload every new backup right away").
// Invariant: the remote store is built from pglc.toml (+ BACKUP_* overrides) and credentials from
// the variables only; a remote that cannot be built (storage = "s3" without a bucket, a bad
// endpoint, no credentials) fails on first use with that error — so local work (create, list,
// status, prune of the local store) is never blocked by a remote misconfiguration, and the
// upload after create reports it and keeps the backup local-only.

import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { createLocalStore, type LocalStore } from './local-store';
import { createS3Store, type S3BackupStore, type S3StoreOptions } from './s3-store';
import { s3CredentialsOf, s3SettingsOf } from './s3-settings';

export interface BackupStores {
  local: LocalStore;
  /** Present when [backup.s3] has a bucket. */
  remote?: S3BackupStore;
  /** `[backup] storage = "s3"`: new backups are uploaded right after creation. */
  uploadAfterCreate: boolean;
  /** Closes network clients. */
  close(): void;
}

/**
 * Opens the project's stores. The remote is checked lazily: without a bucket or credentials it
 * fails on first use (`storage-not-configured`, `storage-credentials-missing`).
 * @example const stores = openStores(project, vars); try { await stores.remote?.list(); } finally { stores.close(); }
 */
export function openStores(project: ProjectConfig, vars: Readonly<Record<string, string | undefined>>, opts: S3StoreOptions = {}): BackupStores {
  const local = createLocalStore(project.root, project.backup.path);
  const wantsRemote = project.backup.storage === 's3' || Boolean(project.backup.s3?.bucket?.trim());
  let remote: S3BackupStore | undefined;
  if (wantsRemote) {
    const attempts = Number(vars.BACKUP_S3_MAX_ATTEMPTS);
    const options: S3StoreOptions = { ...(Number.isInteger(attempts) && attempts > 0 ? { maxAttempts: attempts } : {}), ...opts };
    try {
      const settings = s3SettingsOf(project.backup);
      remote = createS3Store(settings, s3CredentialsOf(vars, `s3://${settings.bucket}`), options);
    } catch (e) {
      if (!(e instanceof PglcError)) throw e;
      remote = failingStore(project.backup.s3?.bucket?.trim() || '(no bucket)', project.backup.s3?.prefix ?? '', e);
    }
  }
  return {
    local,
    remote,
    uploadAfterCreate: project.backup.storage === 's3',
    close: () => remote?.close(),
  };
}

/**
 * The remote store, or `storage-not-configured` saying how to set one up.
 * @example const remote = requireRemote(stores, 'Uploading a backup');
 */
export function requireRemote(stores: BackupStores, what: string): S3BackupStore {
  if (stores.remote) return stores.remote;
  throw new PglcError('storage-not-configured', {
    what: `${what} needs remote storage, and none is configured`,
    why: '[backup] has no S3-compatible storage (no [backup.s3] bucket)',
    fix: 'Configure it with `pglc backup storage set s3 --bucket NAME [--endpoint HOST] [--region REGION]` and set BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY.',
  });
}

/** A remote store whose every operation fails with `error` (missing credentials): describe() still works for listings. */
function failingStore(bucket: string, prefix: string, error: PglcError): S3BackupStore {
  const fail = async (): Promise<never> => {
    throw error;
  };
  const where = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  return {
    kind: 's3',
    settings: { bucket, prefix, region: '', forcePathStyle: false },
    describe: () => where,
    list: fail,
    readManifest: fail,
    writeManifest: fail,
    createFileWriter: fail,
    openFile: fail,
    remove: fail,
    readVerifyRecord: fail,
    writeVerifyRecord: fail,
    statFile: fail,
    listFiles: fail,
    check: fail,
    close: () => undefined,
  };
}
