// Backups made without pg_dump for storage tests: files of chosen sizes (random bytes) and a
// manifest that validates, written through a real store. Invariant: the manifest's sizes and
// SHA-256 are computed from the bytes actually written, so a store test compares real data.

import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { BackupManifest, BackupTag } from '../../protocol/index';
import type { BackupStore } from '../../core/storage/backup-store';

export interface FakeBackupSpec {
  id: string;
  /** name → size in bytes (or the exact bytes). */
  files?: Record<string, number | Buffer>;
  createdAt?: string;
  environment?: string;
  database?: string;
  tags?: BackupTag[];
}

/** A manifest for `files` (already hashed). */
export function fakeManifest(spec: FakeBackupSpec, files: { name: string; size: number; sha256: string }[]): BackupManifest {
  const createdAt = spec.createdAt ?? new Date().toISOString();
  return {
    manifestVersion: 1,
    id: spec.id,
    tags: spec.tags ?? ['manual'],
    environment: spec.environment ?? 'local',
    database: spec.database ?? 'app',
    source: '127.0.0.1:5432/app',
    serverVersion: '15.0',
    pgDumpVersion: '15.0',
    toolVersion: '0.0.0-test',
    format: 'custom',
    scope: 'full',
    compression: { algorithm: 'none' },
    encryption: { algorithm: 'none' },
    files,
    totalSize: files.reduce((s, f) => s + f.size, 0),
    tables: [],
    databaseSize: 0,
    createdAt,
    finishedAt: createdAt,
    durationMs: 0,
    warnings: [],
  };
}

/**
 * Writes a complete backup into `store` and returns its manifest.
 * @example const m = await writeFakeBackup(stores.local, { id: 'local-app-20261114T020000Z', files: { 'dump.bin': 3 << 20 } });
 */
export async function writeFakeBackup(store: BackupStore, spec: FakeBackupSpec): Promise<BackupManifest> {
  const files: { name: string; size: number; sha256: string }[] = [];
  for (const [name, sizeOrBytes] of Object.entries(spec.files ?? { 'dump.pgcustom': 4096 })) {
    const w = await store.createFileWriter(spec.id, name);
    const hash = createHash('sha256');
    let size = 0;
    const write = async (b: Buffer) => {
      hash.update(b);
      size += b.length;
      if (!w.stream.write(b)) await once(w.stream, 'drain');
    };
    if (Buffer.isBuffer(sizeOrBytes)) await write(sizeOrBytes);
    else for (let left = sizeOrBytes; left > 0; left -= 1 << 20) await write(randomBytes(Math.min(left, 1 << 20)));
    w.stream.end();
    await w.done;
    files.push({ name, size, sha256: hash.digest('hex') });
  }
  const manifest = fakeManifest(spec, files);
  await store.writeManifest(spec.id, manifest);
  return manifest;
}

/** SHA-256 of everything a store returns for one file. */
export async function sha256Of(store: BackupStore, id: string, name: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of await store.openFile(id, name)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}
