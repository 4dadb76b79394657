// Backup ids: `<env>-<db>-<UTC YYYYMMDDTHHMMSSZ>[-name]`, readable and sortable (within one
// environment and database, string order is time order), safe as a folder or object-key part.
// Invariant: every part is reduced to [a-z0-9_-], so an id never contains a path separator,
// a dot segment or anything a shell or S3 would treat specially.

import type { BackupManifest } from '../../protocol/index';
import { PglcError } from '../errors';

const STAMP = /^(.+)-(\d{8}T\d{6}Z)(?:-([a-z0-9_-]+))?$/;
const MAX_PART = 40;

/**
 * One part of an id: lower case, runs of other characters become `_`, trimmed of `_`/`-`.
 * @example sanitizeIdPart('My Shop.EU') === 'my_shop_eu'
 */
export function sanitizeIdPart(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[_-]+|[_-]+$/g, '')
    .slice(0, MAX_PART)
    .replace(/[_-]+$/g, '');
}

/** `20260115T143000Z` for a date (UTC, seconds). */
export function idTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * A new backup id.
 * @example backupId({ environment: 'prod', database: 'shop', at: new Date('2026-01-15T14:30:00Z'), name: 'Before v2' })
 *   === 'prod-shop-20260115T143000Z-before_v2'
 */
export function backupId(p: { environment: string; database: string; at: Date; name?: string }): string {
  const env = sanitizeIdPart(p.environment) || 'env';
  const db = sanitizeIdPart(p.database) || 'db';
  const name = p.name ? sanitizeIdPart(p.name) : '';
  return `${env}-${db}-${idTimestamp(p.at)}${name ? `-${name}` : ''}`;
}

/**
 * Candidate ids for a backup started at `p.at`, in order: its own second, then the following
 * ones — two backups in the same second get the next free second, so ids stay in time order
 * (the manifest keeps the exact times).
 * @example for (const id of candidateIds(parts)) if (await tryReserve(id)) break;
 */
export function* candidateIds(p: { environment: string; database: string; at: Date; name?: string }): Generator<string> {
  let at = new Date(Math.floor(p.at.getTime() / 1000) * 1000);
  for (;;) {
    yield backupId({ ...p, at });
    at = new Date(at.getTime() + 1000);
  }
}

/** The parts of an id, or undefined when it does not have the shape. @example parseBackupId('prod-shop-20260115T143000Z')?.at */
export function parseBackupId(id: string): { prefix: string; at: Date; name?: string } | undefined {
  const m = STAMP.exec(id);
  if (!m) return undefined;
  const s = m[2]!;
  const at = new Date(`${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}Z`);
  if (Number.isNaN(at.getTime())) return undefined;
  return { prefix: m[1]!, at, ...(m[3] ? { name: m[3] } : {}) };
}

/** True when `id` can be a folder name: letters, digits, `_` and `-` (what backupId produces, with its uppercase T and Z). */
export function isSafeBackupId(id: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(id) && id.length <= 200;
}

export interface IdEntry {
  id: string;
  manifest?: Pick<BackupManifest, 'createdAt'>;
}

/**
 * The id meant by `ref`: `latest` (the newest complete backup), an exact id (complete or not),
 * or a unique prefix of one. Errors: `backup-not-found` (including `latest` of an empty store)
 * and `backup-ambiguous` (listing the candidates).
 * @example resolveBackupId(entries, 'latest'); resolveBackupId(entries, 'prod-shop-202601')
 */
export function resolveBackupId(entries: readonly IdEntry[], ref: string, where = 'the backup store'): string {
  const complete = entries.filter((e) => e.manifest);
  if (ref === 'latest') {
    if (complete.length === 0) {
      throw new PglcError('backup-not-found', {
        what: 'There is no latest backup',
        why: `${where} holds no complete backup${entries.length ? ` (only ${entries.length} incomplete leftover(s))` : ''}`,
        fix: 'Create one with `pglc backup create`.',
      });
    }
    return newestFirst(complete)[0]!.id;
  }
  const exact = entries.find((e) => e.id === ref);
  if (exact) return exact.id;
  const matches = entries.filter((e) => e.id.startsWith(ref));
  if (ref !== '' && matches.length === 1) return matches[0]!.id;
  if (ref !== '' && matches.length > 1) {
    // A prefix that names exactly one complete backup (and otherwise only leftovers) is clear enough.
    const done = matches.filter((e) => e.manifest);
    if (done.length === 1) return done[0]!.id;
    const shown = newestFirst(matches).slice(0, 5).map((e) => e.id);
    throw new PglcError('backup-ambiguous', {
      what: `"${ref}" matches ${matches.length} backups`,
      why: `it is the beginning of ${shown.join(', ')}${matches.length > shown.length ? ', …' : ''}`,
      fix: 'Give more of the id (or the whole id), or use `latest`.',
      details: { candidates: matches.map((e) => e.id) },
    });
  }
  const recent = newestFirst(complete).slice(0, 3).map((e) => e.id);
  throw new PglcError('backup-not-found', {
    what: `No backup "${ref}"`,
    why: `${where} has no backup with that id or id prefix`,
    fix: recent.length ? `Run \`pglc backup list\` to see the ids (newest: ${recent.join(', ')}), or use \`latest\`.` : 'Create one with `pglc backup create`.',
    details: { ref },
  });
}

/** Newest first: by the manifest's createdAt, else the id's timestamp, then by id. */
export function newestFirst<T extends IdEntry>(entries: readonly T[]): T[] {
  const time = (e: T): number => {
    const t = e.manifest ? Date.parse(e.manifest.createdAt) : parseBackupId(e.id)?.at.getTime();
    return t === undefined || Number.isNaN(t) ? 0 : t;
  };
  return [...entries].sort((a, b) => time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/**
 * For `latest` with an environment: only that environment's backups count; backups tagged with
 * one of `skipTags` do not count either (a restore's `latest` is not its own pre-restore backup).
 */
export function scopeLatest<T extends { manifest?: { environment: string; tags?: string[] } }>(entries: T[], ref: string, environment?: string, skipTags: string[] = []): T[] {
  if (ref !== 'latest') return entries;
  return entries.filter((e) => (!environment || e.manifest?.environment === environment) && !(e.manifest?.tags ?? []).some((t) => skipTags.includes(t)));
}
