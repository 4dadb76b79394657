// One file of a backup on its way into and out of a store: (compressed bytes →) encryption →
// SHA-256 → store, and back: store → SHA-256 check → authenticated decryption → decompression.
// Invariants: nothing is written in clear when a key is given; a file read back is checked
// against the manifest's size and SHA-256 as it streams, and a mismatch fails the stream
// (before its consumer can take a damaged copy for a whole one).

import { Transform, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import type { BackupCompression, BackupFileEntry, BackupManifest } from '../../protocol/index';
import type { BackupStore } from '../storage/backup-store';
import { createDigestStream } from '../storage/file-digest';
import { createEncryptStream } from '../crypto/encrypt-stream';
import { createDecryptStream } from '../crypto/decrypt-stream';
import type { BackupKey } from '../crypto/backup-key';
import { PglcError } from '../errors';
import { decompressStage } from './compression';

export interface WriteFileOptions {
  key?: BackupKey;
  chunkSize?: number;
  signal?: AbortSignal;
  /** Stored bytes so far (after compression and encryption). */
  onBytes?(stored: number): void;
}

/**
 * Streams `source` (already compressed) into `name` of backup `id`, encrypting when a key is
 * given; resolves when the file is durably stored, with its manifest entry.
 * @example const entry = await writeStoredFile(store, id, 'dump.pgcustom.zst.enc', zstdOut, { key });
 */
export async function writeStoredFile(store: BackupStore, id: string, name: string, source: Readable, opts: WriteFileOptions = {}): Promise<BackupFileEntry> {
  const writer = await store.createFileWriter(id, name, opts.signal);
  const d = await pipeToWriter(source, writer, opts);
  return { name, size: d.size, sha256: d.sha256 };
}

/**
 * Like writeStoredFile, for a source that only exists once the writer is open: `start` runs
 * right after, in the same tick — required for a child process's stdout, which Node discards
 * if the child exits before anyone reads it.
 * @example await writeStoredFileFrom(store, id, name, () => spawn('zstd', args).stdout!, { key });
 */
export async function writeStoredFileFrom(store: BackupStore, id: string, name: string, start: () => Readable, opts: WriteFileOptions = {}): Promise<BackupFileEntry> {
  const writer = await store.createFileWriter(id, name, opts.signal);
  let source: Readable;
  try {
    source = start();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  const d = await pipeToWriter(source, writer, opts);
  return { name, size: d.size, sha256: d.sha256 };
}

/** A durable writer: `done` when the bytes are stored under their final name; `abort` discards them. */
export interface FileWriter {
  stream: NodeJS.WritableStream;
  done: Promise<void>;
  abort(): Promise<void>;
}

/**
 * source → (encryption) → SHA-256 → writer; aborts the writer on any failure.
 * @example const { sha256, size } = await pipeToWriter(src, await durableFileWriter('out.dump.zst'));
 */
export async function pipeToWriter(source: Readable, writer: FileWriter, opts: WriteFileOptions = {}): Promise<{ sha256: string; size: number }> {
  const digest = createDigestStream(opts.onBytes);
  const stages: (Readable | Duplex | NodeJS.WritableStream)[] = [source];
  if (opts.key) stages.push(createEncryptStream(opts.key, { chunkSize: opts.chunkSize }));
  stages.push(digest, writer.stream);
  try {
    await pipeline(stages as unknown as [Readable, NodeJS.WritableStream], { signal: opts.signal });
    await writer.done;
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return digest.digest();
}

/**
 * A Transform that passes bytes through and fails at the end unless they have `expected`'s
 * size and SHA-256 (also fails early once more bytes than expected arrive).
 */
export function createCheckStream(expected: Pick<BackupFileEntry, 'name' | 'size' | 'sha256'>, backupId: string): Transform {
  const hash = createHash('sha256');
  let size = 0;
  const fail = (why: string) =>
    new PglcError('backup-corrupt', {
      what: `Backup ${backupId}: ${expected.name} is damaged`,
      why,
      fix: 'Use another backup, or get an intact copy of this one (e.g. `pglc backup download`); run `pglc backup verify` to check the others.',
      details: { id: backupId, file: expected.name },
    });
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > expected.size) return done(fail(`it is longer than the ${expected.size} bytes the manifest records`));
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (size !== expected.size) return done(fail(`it has ${size} bytes, the manifest records ${expected.size} (truncated)`));
      const sha = hash.digest('hex');
      if (sha !== expected.sha256) return done(fail(`its SHA-256 is ${sha.slice(0, 16)}…, the manifest records ${expected.sha256.slice(0, 16)}… (the bytes changed)`));
      done();
    },
  });
}

export interface ReadFileOptions {
  /** Required when the backup is encrypted. */
  key?: BackupKey;
  /** Also decompress (default true). */
  decompress?: boolean;
  zstdPath?: string;
  signal?: AbortSignal;
}

/**
 * The stages that turn a stored file back into what pg_dump wrote (checked, decrypted,
 * decompressed). Run them with `pipeline([...r.stages, sink])`, then `await r.finished`.
 * @example const r = await readStoredFile(store, manifest, manifest.files[0], { key }); await pipeline([...r.stages, out]); await r.finished;
 */
export async function readStoredFile(
  store: BackupStore,
  manifest: BackupManifest,
  file: BackupFileEntry,
  opts: ReadFileOptions = {},
): Promise<{ stages: (Readable | Duplex)[]; finished: Promise<void>; kill(): void }> {
  const stages: (Readable | Duplex)[] = [await store.openFile(manifest.id, file.name, opts.signal), createCheckStream(file, manifest.id)];
  if (manifest.encryption.algorithm !== 'none') {
    if (!opts.key) throw new Error('readStoredFile: the backup is encrypted and no key was given');
    stages.push(createDecryptStream(opts.key, { file: `${file.name} of backup ${manifest.id}` }));
  }
  let finished: Promise<void> = Promise.resolve();
  let kill = (): void => undefined;
  if (opts.decompress !== false && manifest.compression.algorithm !== 'none') {
    const d = decompressStage(manifest.compression.algorithm as BackupCompression, opts.zstdPath);
    stages.push(d.stream);
    finished = d.finished;
    kill = d.kill;
  }
  return { stages, finished, kill };
}

/**
 * Runs the read stages into `sink` and waits for the decompressor, turning the errors a damaged
 * file causes in the later stages into the check's clearer one when possible.
 */
export async function runReadPipeline(r: { stages: (Readable | Duplex)[]; finished: Promise<void>; kill(): void }, sink: NodeJS.WritableStream, signal?: AbortSignal): Promise<void> {
  try {
    await pipeline([...r.stages, sink] as unknown as [Readable, NodeJS.WritableStream], { signal });
    await r.finished;
  } catch (e) {
    r.kill();
    throw e;
  }
}
