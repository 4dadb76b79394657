// Where backups live: one folder (local) or object prefix (S3) per backup id, holding the dump
// file(s) and manifest.json. Invariants: a backup is complete only when its manifest.json exists
// and parses (the manifest is written last, after every file is whole); writers never expose
// partial data under a finished name — local writes go to a temp name then rename, S3 multipart
// uploads become visible only when completed; verify state is a separate small file
// (verify.json) so it never rewrites the manifest.

import type { Readable, Writable } from 'node:stream';
import type { BackupManifest } from '../../protocol/index';

export interface StoredEntry {
  id: string;
  /** Present and valid for complete backups. */
  manifest?: BackupManifest;
  /** Bytes of everything under the id (for leftovers and totals). */
  size: number;
  modifiedAt?: Date;
}

export interface VerifyRecord {
  at: string;
  result: 'ok' | 'failed';
  deep: boolean;
  message?: string;
}

export interface BackupStore {
  readonly kind: 'local' | 's3';
  /** Where, for messages: `./backups` or `s3://bucket/prefix` (never credentials). */
  describe(): string;
  /** Every id under the store with its manifest when complete. */
  list(signal?: AbortSignal): Promise<StoredEntry[]>;
  /** The manifest of a complete backup, or undefined. */
  readManifest(id: string, signal?: AbortSignal): Promise<BackupManifest | undefined>;
  /** Writes manifest.json last; makes the backup complete. */
  writeManifest(id: string, manifest: BackupManifest, signal?: AbortSignal): Promise<void>;
  /**
   * A writable for one file of a backup; the returned `done` resolves when the bytes are durably
   * stored under their final name (fsync + rename locally; multipart completed on S3), and
   * `abort` discards them.
   */
  createFileWriter(id: string, name: string, signal?: AbortSignal): Promise<{ stream: Writable; done: Promise<void>; abort(): Promise<void> }>;
  /** A readable of one stored file (verified by the caller against the manifest's SHA-256). */
  openFile(id: string, name: string, signal?: AbortSignal): Promise<Readable>;
  /** Removes everything under the id (a complete backup or a leftover). */
  remove(id: string, signal?: AbortSignal): Promise<void>;
  readVerifyRecord(id: string): Promise<VerifyRecord | undefined>;
  writeVerifyRecord(id: string, record: VerifyRecord): Promise<void>;
}
