// `pglc backup delete <id>`: removes one backup (or a leftover) from the local store.
// Invariant (seed 002): on a protected environment a backup younger than 7 days is deleted only
// with the database name typed (checkGuard('backup:delete-recent')); the guard is checked before
// anything is removed. Older backups and leftovers go without asking.

import type { BackupDeleteResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { resolveEnvironment } from '../config/resolve-environment';
import { checkGuard } from '../guards';
import { note, nowOf, type OperationContext } from '../operation-context';
import { findLocalBackup } from './open-backup';

export const RECENT_DAYS = 7;

/**
 * Deletes backup `ref` (`latest`, an id or a unique prefix) from the local store.
 * @example await deleteBackup(project, vars, 'prod-shop-20260115T143000Z', { confirm: 'shop' }, ctx);
 */
export async function deleteBackup(
  project: ProjectConfig,
  vars: Readonly<Record<string, string | undefined>>,
  ref: string,
  opts: { confirm?: string; environment?: string },
  ctx: OperationContext,
): Promise<BackupDeleteResult> {
  const { store, entry } = await findLocalBackup(project, ref, { environment: opts.environment, signal: ctx.signal });
  const m = entry.manifest;
  if (m) {
    const ageMs = nowOf(ctx).getTime() - Date.parse(m.createdAt);
    if (ageMs < RECENT_DAYS * 24 * 3600 * 1000) {
      checkGuard('backup:delete-recent', { name: m.environment, protected: isProtected(project, m.environment, vars) }, m.database, opts.confirm);
    }
  }
  await store.remove(entry.id);
  note(ctx, `Deleted ${m ? 'backup' : 'leftover'} ${entry.id} from ${store.describe()}`, 'info');
  return { id: entry.id, complete: Boolean(m), size: entry.size, ...(m ? { environment: m.environment } : {}) };
}

/** Whether the environment a backup came from is protected now (also when it inherits protection). */
function isProtected(project: ProjectConfig, name: string, vars: Readonly<Record<string, string | undefined>>): boolean {
  const cfg = project.environments[name];
  if (!cfg) return false;
  try {
    return resolveEnvironment(project, name, vars).protected;
  } catch {
    return cfg.protected;
  }
}
