// From "a backup id the user typed" to a complete backup of the local store: `latest`, an id, or
// a unique prefix. Invariant: only a backup with a valid manifest (and every file present at
// its recorded size) is handed on; a leftover is named as such, never read as a backup.

import type { BackupManifest } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { createLocalStore, type LocalStore } from '../storage/local-store';
import type { StoredEntry } from '../storage/backup-store';
import { resolveBackupId, scopeLatest } from './backup-id';

/**
 * The entry `ref` names in the project's local store (complete or a leftover); `latest` is the
 * newest complete backup of `environment` when one is given, else of any environment.
 * @example const { store, entry } = await findLocalBackup(project, 'latest', { environment: 'prod' });
 */
export async function findLocalBackup(
  project: ProjectConfig,
  ref: string,
  opts: { environment?: string; skipTags?: string[]; signal?: AbortSignal } = {},
): Promise<{ store: LocalStore; entry: StoredEntry }> {
  const store = createLocalStore(project.root, project.backup.path);
  const entries = await store.list(opts.signal);
  const candidates = scopeLatest(entries, ref, opts.environment, opts.skipTags);
  const where = `The local backup folder ${store.describe()}${ref === 'latest' && opts.environment ? ` (environment ${opts.environment})` : ''}`;
  const id = resolveBackupId(candidates, ref, where);
  return { store, entry: entries.find((e) => e.id === id)! };
}

/**
 * The backup `ref` names with its manifest, or `backup-not-found` for a leftover without a valid
 * manifest. A backup whose manifest is valid but whose files no longer match it (damaged after
 * the fact) is returned too: reading it then fails on the damaged file with `backup-corrupt`,
 * which says which file and how — `list` already shows it as incomplete.
 * @example const { store, manifest } = await openLocalBackup(project, 'prod-shop-20260115');
 */
export async function openLocalBackup(
  project: ProjectConfig,
  ref: string,
  opts: { environment?: string; skipTags?: string[]; signal?: AbortSignal } = {},
): Promise<{ store: LocalStore; manifest: BackupManifest; complete: boolean }> {
  const { store, entry } = await findLocalBackup(project, ref, opts);
  const manifest = entry.manifest ?? (await store.readManifestFile(entry.id));
  if (!manifest) throw incomplete(entry.id, store);
  return { store, manifest, complete: Boolean(entry.manifest) };
}

export function incomplete(id: string, store: LocalStore): PglcError {
  return new PglcError('backup-not-found', {
    what: `Backup ${id} is not complete`,
    why: `${store.describe()}/${id} has no valid manifest, or its files do not match it: it is what an interrupted backup left behind`,
    fix: `Delete it (\`pglc backup delete ${id}\`; \`pglc backup prune\` removes such leftovers after a grace period) and use another backup.`,
    details: { id },
  });
}
