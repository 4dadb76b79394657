// `pglc backup prune [--dry-run]`: applies [backup] retention (retention.ts) to the local store
// and to S3, and removes leftovers of interrupted backups once they are older than a grace period.
// Invariants: decisions are taken on the union of both stores (a backup present in both is one
// backup), so the newest / newest verified backup is kept everywhere; a leftover younger than the
// grace period (default 6 h) is never touched — it may be a backup, upload or download still
// running; a store that cannot be read is reported and left alone, the other is still pruned;
// --dry-run reads only. Deletion of a backup removes its manifest first (see the stores), so a
// prune cut off midway leaves leftovers, never a damaged "complete" backup.

import type { BackupManifest, BackupPruneEntry, BackupPruneLeftover, BackupPruneResult, ErrorPayload } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { isPglcError, PglcError } from '../errors';
import { note, nowOf, progress, type OperationContext } from '../operation-context';
import type { BackupStore, StoredEntry } from '../storage/backup-store';
import type { BackupStores } from '../storage/open-stores';
import { sanitizeIdPart } from './backup-id';
import { isPolicyActive, planRetention, retentionPolicy, type RetentionCandidate } from './retention';

export const DEFAULT_LEFTOVER_GRACE_HOURS = 6;

export interface PruneOptions {
  dryRun?: boolean;
  /** Only this environment's backups (and leftovers whose id starts with it). */
  environment?: string;
  leftoverGraceHours?: number;
}

interface Listed {
  store: BackupStore;
  side: 'local' | 'remote';
  entries: StoredEntry[];
}

/**
 * Prunes (or with dryRun, plans) both stores.
 * @example const r = await pruneBackups(project, stores, { dryRun: true }, ctx);
 *   r.decisions.filter((d) => d.action === 'delete').map((d) => `${d.id}: ${d.summary}`)
 */
export async function pruneBackups(project: ProjectConfig, stores: BackupStores, o: PruneOptions, ctx: OperationContext): Promise<BackupPruneResult> {
  const now = nowOf(ctx);
  const dryRun = Boolean(o.dryRun);
  const graceHours = o.leftoverGraceHours ?? DEFAULT_LEFTOVER_GRACE_HOURS;
  const storeErrors: BackupPruneResult['storeErrors'] = [];
  const listed: Listed[] = [];
  const sides: [BackupStore, 'local' | 'remote'][] = [[stores.local, 'local']];
  if (stores.remote) sides.push([stores.remote, 'remote']);
  for (const [store, side] of sides) {
    try {
      listed.push({ store, side, entries: await store.list(ctx.signal) });
    } catch (e) {
      if (!isPglcError(e) || e.code === 'cancelled') throw e;
      // The local store must be readable; a remote one that is not is pruned next time.
      if (side === 'local') throw e;
      storeErrors.push({ store: store.describe(), error: e.toPayload() });
      note(ctx, `Not pruning ${store.describe()}: ${e.what} — ${e.why}`, 'warn');
    }
  }

  const envPrefix = o.environment ? `${sanitizeIdPart(o.environment)}-` : undefined;
  const inScope = (m: BackupManifest) => !o.environment || m.environment === o.environment;

  // One candidate per id, with where it is and whether either copy was verified.
  const byId = new Map<string, { manifest: BackupManifest; where: Listed[]; size: number }>();
  for (const l of listed) {
    for (const e of l.entries) {
      if (!e.manifest || !inScope(e.manifest)) continue;
      const row = byId.get(e.id) ?? { manifest: e.manifest, where: [], size: 0 };
      row.where.push(l);
      row.size = Math.max(row.size, e.size);
      byId.set(e.id, row);
    }
  }
  const verified = new Set<string>();
  await Promise.all(
    [...byId.entries()].map(async ([id, row]) => {
      for (const l of row.where) {
        const v = await l.store.readVerifyRecord(id).catch(() => undefined);
        if (v?.result === 'ok') verified.add(id);
      }
    }),
  );
  const candidates: RetentionCandidate[] = [...byId.entries()].map(([id, { manifest: m }]) => ({
    id,
    environment: m.environment,
    database: m.database,
    createdAt: m.createdAt,
    tags: m.tags,
    ...(verified.has(id) ? { verified: true } : {}),
    ...(project.environments[m.environment]?.protected ? { protectedEnvironment: true } : {}),
  }));
  const policy = retentionPolicy(project.backup.retention);
  const decisions = planRetention(candidates, policy, now);

  let deleted = 0;
  let freedBytes = 0;
  const entries: BackupPruneEntry[] = [];
  for (const d of decisions) {
    const row = byId.get(d.id)!;
    const location = row.where.length > 1 ? 'both' : row.where[0]!.side;
    const entry: BackupPruneEntry = { ...d, location, size: row.size, removedFrom: [] };
    entries.push(entry);
    if (d.action !== 'delete') continue;
    deleted++;
    freedBytes += row.size * row.where.length;
    if (dryRun) continue;
    for (const l of row.where) {
      try {
        progress(ctx, 'backup.prune', `Deleting ${d.id} from ${l.store.describe()}`);
        await l.store.remove(d.id, ctx.signal);
        entry.removedFrom.push(l.side);
      } catch (e) {
        if (!isPglcError(e) || e.code === 'cancelled') throw e;
        entry.error = e.toPayload();
      }
    }
  }

  const leftovers: BackupPruneLeftover[] = [];
  for (const l of listed) {
    for (const e of l.entries) {
      if (e.manifest) continue;
      if (envPrefix && !e.id.startsWith(envPrefix)) continue;
      const ageMs = e.modifiedAt ? now.getTime() - e.modifiedAt.getTime() : undefined;
      const base = { id: e.id, location: l.side, size: e.size, ...(e.modifiedAt ? { modifiedAt: e.modifiedAt.toISOString() } : {}) };
      if (ageMs === undefined || ageMs < graceHours * 3_600_000) {
        leftovers.push({
          ...base,
          action: 'keep',
          reason: ageMs === undefined
            ? 'incomplete (no valid manifest), age unknown: kept'
            : `incomplete (no valid manifest), last written ${age(ageMs)} ago — may still be running (grace ${graceHours} h)`,
        });
        continue;
      }
      const row: BackupPruneLeftover = { ...base, action: 'delete', reason: `incomplete (no valid manifest), last written ${age(ageMs)} ago — past the ${graceHours} h grace period` };
      leftovers.push(row);
      deleted++;
      freedBytes += e.size;
      if (dryRun) continue;
      try {
        await l.store.remove(e.id, ctx.signal);
      } catch (err) {
        if (!isPglcError(err) || err.code === 'cancelled') throw err;
        row.error = err.toPayload();
      }
    }
  }

  const result: BackupPruneResult = {
    dryRun,
    ...(o.environment ? { environment: o.environment } : {}),
    policy,
    policyActive: isPolicyActive(policy),
    stores: listed.map((l) => l.store.describe()),
    decisions: entries,
    leftovers,
    leftoverGraceHours: graceHours,
    deleted,
    freedBytes,
    storeErrors,
  };
  const failures: ErrorPayload[] = [...entries.flatMap((x) => (x.error ? [x.error] : [])), ...leftovers.flatMap((x) => (x.error ? [x.error] : []))];
  if (failures.length) {
    const first = failures[0]!;
    throw new PglcError(first.code, {
      what: `Prune could not delete ${failures.length} backup(s) or leftover(s)`,
      why: `${first.what} — ${first.why}`,
      fix: first.fix,
      details: { result },
    });
  }
  return result;
}

function age(ms: number): string {
  const min = Math.round(ms / 60_000);
  if (min < 60) return `${min} min`;
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(h < 10 ? 1 : 0)} h` : `${Math.round(h / 24)} days`;
}
