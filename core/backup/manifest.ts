// Reading manifests back: a manifest is trusted only when it parses, has this version's shape
// and names the folder it sits in. Invariant: anything else makes the backup a leftover — a
// half-written, hand-edited or foreign manifest is never shown as a good backup.

import type { BackupManifest, BackupSummary, BackupLocation } from '../../protocol/index';
import type { StoredEntry, VerifyRecord } from '../storage/backup-store';

const FORMATS = new Set(['custom', 'directory', 'plain']);
const SCOPES = new Set(['full', 'schema-only', 'data-only']);
const COMPRESSIONS = new Set(['zstd', 'gzip', 'none']);
const TAGS = new Set(['manual', 'scheduled', 'pre-migration', 'pre-restore']);

/**
 * The manifest if `value` is a valid one for backup `id`, else undefined.
 * @example validateManifest(JSON.parse(text), 'prod-shop-20260115T143000Z')
 */
export function validateManifest(value: unknown, id?: string): BackupManifest | undefined {
  if (!isObject(value)) return undefined;
  const m = value as Partial<BackupManifest> & Record<string, unknown>;
  if (m.manifestVersion !== 1) return undefined;
  if (typeof m.id !== 'string' || (id !== undefined && m.id !== id)) return undefined;
  if (!Array.isArray(m.tags) || !m.tags.every((t) => TAGS.has(t as string))) return undefined;
  for (const k of ['environment', 'database', 'source', 'serverVersion', 'pgDumpVersion', 'toolVersion', 'createdAt', 'finishedAt'] as const) {
    if (typeof m[k] !== 'string') return undefined;
  }
  if (!FORMATS.has(m.format as string) || !SCOPES.has(m.scope as string)) return undefined;
  if (!isObject(m.compression) || !COMPRESSIONS.has(m.compression.algorithm)) return undefined;
  const enc = m.encryption as Record<string, unknown> | undefined;
  if (!isObject(enc)) return undefined;
  if (enc.algorithm !== 'none' && !(enc.algorithm === 'aes-256-gcm-chunked' && typeof enc.keyId === 'string' && typeof enc.chunkSize === 'number')) {
    return undefined;
  }
  if (!Array.isArray(m.files) || m.files.length === 0) return undefined;
  for (const f of m.files) {
    if (!isObject(f) || typeof f.name !== 'string' || !isSafeFileName(f.name) || !isSize(f.size) || typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) {
      return undefined;
    }
  }
  if (!isSize(m.totalSize) || !isSize(m.databaseSize) || !isSize(m.durationMs)) return undefined;
  if (!Array.isArray(m.tables) || !Array.isArray(m.warnings)) return undefined;
  if (Number.isNaN(Date.parse(m.createdAt as string))) return undefined;
  return value as BackupManifest;
}

/** A file name inside a backup: relative, `/`-separated, no `.`/`..` segments, no NUL. */
export function isSafeFileName(name: string): boolean {
  if (!name || name.startsWith('/') || name.includes('\\') || name.includes('\0')) return false;
  return name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/**
 * The list row of a complete backup.
 * @example toSummary(entry, await store.readVerifyRecord(entry.id), 'local')
 */
export function toSummary(entry: StoredEntry & { manifest: BackupManifest }, verify: VerifyRecord | undefined, location: BackupLocation): BackupSummary {
  const m = entry.manifest;
  return {
    id: m.id,
    ...(m.name ? { name: m.name } : {}),
    tags: m.tags,
    environment: m.environment,
    database: m.database,
    createdAt: m.createdAt,
    totalSize: m.totalSize,
    encrypted: m.encryption.algorithm !== 'none',
    format: m.format,
    scope: m.scope,
    location,
    complete: true,
    ...(verify ? { lastVerifiedAt: verify.at, lastVerifyResult: verify.result, lastVerifyDeep: verify.deep } : {}),
  };
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}
