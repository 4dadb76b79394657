// Copying a complete backup from one store to another (local → S3 for upload, S3 → local for
// download), and the upload right after `backup create` when [backup] storage = "s3".
// Invariants: integrity is end to end — every file's bytes are hashed (SHA-256) as they stream
// through and compared with the manifest, and on S3 the stored sizes are checked too; the
// destination's manifest is written last, so an interrupted copy is a leftover there, never a
// backup; a failed upload leaves the local copy untouched and is reported as local-only, never
// as uploaded. A whole file is retried (with backoff) only on transient faults — safe because the
// source is re-read from the start and the destination object is replaced whole.

import { pipeline } from 'node:stream/promises';
import type { BackupManifest, BackupTransferResult, BackupUploadOutcome, ErrorCode } from '../../protocol/index';
import { PglcError, isPglcError, throwIfAborted } from '../errors';
import { note, progress, type OperationContext } from '../operation-context';
import type { BackupStore } from '../storage/backup-store';
import { createDigestStream } from '../storage/file-digest';
import type { BackupStores } from '../storage/open-stores';
import { requireRemote } from '../storage/open-stores';
import { isTransientS3Error } from '../storage/s3-errors';
import type { S3BackupStore } from '../storage/s3-store';
import { resolveBackupId, scopeLatest } from './backup-id';

export interface CopyOptions {
  /** Attempts per file (whole-file retries on transient faults). Default 3. */
  attempts?: number;
  /** First backoff between attempts, doubled each time. Default 1 s. */
  backoffMs?: number;
  /** The destination's copy is known to be damaged: replace it even when its manifest matches. */
  replaceDamaged?: boolean;
}

type Direction = 'upload' | 'download';

/**
 * Uploads backup `ref` (an id, a unique id prefix, or `latest`) from the local store to S3.
 * @example const r = await uploadBackup(openStores(project, vars), 'latest', ctx); r.status // 'copied'
 */
export async function uploadBackup(stores: BackupStores, ref: string, ctx: OperationContext, opts: CopyOptions & { environment?: string } = {}): Promise<BackupTransferResult> {
  const remote = requireRemote(stores, 'Uploading a backup');
  const id = resolveBackupId(scopeLatest(await stores.local.list(ctx.signal), ref, opts.environment), ref, stores.local.describe());
  return copyBackup(stores.local, remote, id, 'upload', ctx, opts);
}

/**
 * The upload `backup create` runs right after writing a backup locally (storage = "s3").
 * Never throws for upload failures: they become `{ uploaded: false, location: 'local', error }`
 * and a warning, because the backup itself succeeded and its local copy is whole.
 * @example const outcome = await uploadAfterCreate(stores, manifest, ctx); if (!outcome.uploaded) …
 */
export async function uploadAfterCreate(stores: BackupStores, manifest: BackupManifest, ctx: OperationContext, opts: CopyOptions = {}): Promise<BackupUploadOutcome> {
  if (!stores.uploadAfterCreate || !stores.remote) return { uploaded: false, location: 'local' };
  const remote = stores.remote;
  try {
    await copyBackup(stores.local, remote, manifest.id, 'upload', ctx, opts);
    return { uploaded: true, location: 'both', remote: remote.describe() };
  } catch (e) {
    if (!isPglcError(e)) throw e;
    note(ctx, `Backup ${manifest.id} is kept locally only (${stores.local.describe()}): ${e.what} — ${e.why}. Upload it later with \`pglc backup upload ${manifest.id}\`.`, 'warn');
    return { uploaded: false, location: 'local', remote: remote.describe(), error: e.toPayload() };
  }
}

/**
 * Copies complete backup `id` from `source` to `dest`, checking every byte against the manifest.
 * A destination that already holds the same files (by SHA-256) is left alone (`already`); one
 * holding a different backup under the id is replaced (`replaced: true`).
 * @example await copyBackup(stores.remote!, stores.local, id, 'download', ctx)
 */
export async function copyBackup(
  source: BackupStore,
  dest: BackupStore,
  id: string,
  direction: Direction,
  ctx: OperationContext,
  opts: CopyOptions = {},
): Promise<BackupTransferResult> {
  const signal = ctx.signal;
  const started = Date.now();
  const verb = direction === 'upload' ? 'Uploading' : 'Downloading';
  const base = { id, direction, from: source.describe(), to: dest.describe() };
  throwIfAborted(signal, `${verb} ${id}`);
  const manifest = await source.readManifest(id, signal).catch((e: unknown) => {
    throw transferError(e, direction, id, source, dest);
  });
  if (!manifest) {
    throw new PglcError('backup-not-found', {
      what: `${id} is not a complete backup in ${source.describe()}`,
      why: 'it has no valid manifest (an interrupted backup leaves only a leftover)',
      fix: `Pick a complete backup (\`pglc backup list${direction === 'download' ? ' --remote' : ''}\`); leftovers are removed by \`pglc backup prune\`.`,
      details: { id },
    });
  }
  const existing = await dest.readManifest(id, signal).catch((e: unknown) => {
    throw transferError(e, direction, id, source, dest);
  });
  if (existing && sameFiles(existing, manifest) && !opts.replaceDamaged) {
    note(ctx, `${id} is already in ${dest.describe()} with the same files (SHA-256); nothing to ${direction}.`, 'info');
    return { ...base, status: 'already', files: manifest.files.length, bytes: 0, durationMs: Date.now() - started };
  }
  const total = manifest.files.reduce((s, f) => s + f.size, 0);
  let done = 0;
  try {
    if (existing) {
      note(ctx, opts.replaceDamaged ? `Replacing the damaged copy of ${id} in ${dest.describe()} with the one from ${source.describe()}.` : `${dest.describe()} holds a different backup under ${id}; replacing it with the copy from ${source.describe()}.`, 'warn');
      // Its manifest must go before any file changes: a mix of old and new files must never look complete.
      await dest.remove(id, signal);
    }
    for (const f of manifest.files) {
      await withRetries(
        async () => {
          const bytes = await copyFile(source, dest, id, f, direction, ctx, (n) => reportBytes(done + n));
          done += bytes;
        },
        { attempts: opts.attempts ?? 3, backoffMs: opts.backoffMs ?? 1000, signal, ctx, label: `${verb} ${id}/${f.name}` },
      );
    }
    if (dest.kind === 's3') await checkStoredSizes(dest as S3BackupStore, id, manifest, signal);
    const verify = await source.readVerifyRecord(id).catch(() => undefined);
    if (verify) await dest.writeVerifyRecord(id, verify).catch(() => undefined);
    await dest.writeManifest(id, manifest, signal);
  } catch (e) {
    // Without a manifest whatever got there is a leftover; remove it now rather than at the next prune.
    await dest.remove(id).catch(() => undefined);
    throw transferError(e, direction, id, source, dest);
  }
  progress(ctx, `backup.${direction}`, `${direction === 'upload' ? 'Uploaded' : 'Downloaded'} ${id}`, { current: total, total, unit: 'bytes' });
  return { ...base, status: 'copied', files: manifest.files.length, bytes: total, durationMs: Date.now() - started, ...(existing ? { replaced: true } : {}) };

  function reportBytes(current: number): void {
    progress(ctx, `backup.${direction}`, `${verb} ${id}`, { current, total, unit: 'bytes' });
  }
}


/** Same file names, sizes and SHA-256 (the id is the same by construction). */
export function sameFiles(a: BackupManifest, b: BackupManifest): boolean {
  if (a.files.length !== b.files.length) return false;
  const byName = new Map(a.files.map((f) => [f.name, f]));
  return b.files.every((f) => {
    const o = byName.get(f.name);
    return o !== undefined && o.sha256 === f.sha256 && o.size === f.size;
  });
}

const PROGRESS_STEP = 8 * 1024 * 1024;

/** One file, streamed and hashed; resolves with its size once the destination holds it whole. */
async function copyFile(
  source: BackupStore,
  dest: BackupStore,
  id: string,
  f: BackupManifest['files'][number],
  direction: Direction,
  ctx: OperationContext,
  onBytes: (n: number) => void,
): Promise<number> {
  const signal = ctx.signal;
  let next = PROGRESS_STEP;
  const digest = createDigestStream((n) => {
    if (n >= next) {
      next = n + PROGRESS_STEP;
      onBytes(n);
    }
  });
  const src = await source.openFile(id, f.name, signal);
  let writer: Awaited<ReturnType<BackupStore['createFileWriter']>>;
  try {
    writer = dest.kind === 's3' ? await (dest as S3BackupStore).createFileWriter(id, f.name, signal, { size: f.size }) : await dest.createFileWriter(id, f.name, signal);
  } catch (e) {
    src.destroy();
    throw e;
  }
  try {
    await pipeline(src, digest, writer.stream);
    await writer.done;
  } catch (e) {
    src.destroy();
    await writer.abort().catch(() => undefined);
    throw e;
  }
  const got = digest.digest();
  if (got.sha256 !== f.sha256 || got.size !== f.size) {
    await writer.abort().catch(() => undefined);
    const upload = direction === 'upload';
    throw new PglcError('backup-corrupt', {
      what: upload
        ? `The local file ${id}/${f.name} does not match its manifest; it was not uploaded`
        : `The downloaded file ${id}/${f.name} does not match the manifest`,
      why: `expected ${f.size} bytes with SHA-256 ${f.sha256.slice(0, 16)}…, read ${got.size} bytes with SHA-256 ${got.sha256.slice(0, 16)}…`,
      fix: upload
        ? `The local copy is damaged: run \`pglc backup verify ${id}\`, and download it again if a good remote copy exists.`
        : `The remote copy may be damaged: run \`pglc backup download ${id}\` again; if it keeps failing, the remote copy is bad.`,
      details: { id, file: f.name, expectedSha256: f.sha256, actualSha256: got.sha256, expectedSize: f.size, actualSize: got.size, transient: !upload },
    });
  }
  return got.size;
}

/** After an upload: every object exists with the manifest's size (a server that altered a body is caught here too). */
async function checkStoredSizes(dest: S3BackupStore, id: string, manifest: BackupManifest, signal?: AbortSignal): Promise<void> {
  const stored = new Map((await dest.listFiles(id, signal)).map((f) => [f.name, f.size]));
  for (const f of manifest.files) {
    const size = stored.get(f.name);
    if (size !== f.size) {
      throw new PglcError('backup-upload-failed', {
        what: `The storage holds ${size === undefined ? 'no object' : `${size} bytes`} for ${id}/${f.name} after the upload`,
        why: `${f.size} bytes were sent; the server ${size === undefined ? 'lost the object' : 'stored something else (a server that keeps aws-chunked framing as data does this)'}`,
        fix: `Report it to the storage provider; the local copy is kept. Run \`pglc backup upload ${id}\` again after checking [backup.s3].`,
        details: { id, file: f.name, sent: f.size, stored: size },
      });
    }
  }
}

async function withRetries(
  fn: () => Promise<void>,
  o: { attempts: number; backoffMs: number; signal?: AbortSignal; ctx: OperationContext; label: string },
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const retryable = isTransientS3Error(e) || (isPglcError(e) && e.code === 'backup-corrupt' && e.details?.transient === true);
      if (attempt >= o.attempts || !retryable || o.signal?.aborted) throw e;
      const delay = o.backoffMs * 2 ** (attempt - 1);
      const why = isPglcError(e) ? e.why : (e as Error).message;
      note(o.ctx, `${o.label} failed (${why}); trying again in ${(delay / 1000).toFixed(1)} s (attempt ${attempt + 1} of ${o.attempts}).`, 'warn');
      await sleep(delay, o.signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

const KEEP_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'storage-access-denied', 'storage-bucket-missing', 'storage-credentials-missing', 'storage-unreachable',
  'storage-not-configured', 'cancelled', 'backup-corrupt', 'backup-not-found', 'backup-upload-failed',
]);

/** The failure of a copy, saying which way and that the source is untouched. */
function transferError(e: unknown, direction: Direction, id: string, source: BackupStore, dest: BackupStore): PglcError {
  const upload = direction === 'upload';
  const kept = upload ? `The local copy in ${source.describe()} is kept; run \`pglc backup upload ${id}\` again once fixed.` : `Nothing was changed in ${dest.describe()} except removing the partial copy.`;
  if (isPglcError(e)) {
    const code: ErrorCode = KEEP_CODES.has(e.code) ? e.code : upload ? 'backup-upload-failed' : 'backup-download-failed';
    if (code === 'cancelled') return e;
    const what = e.what.startsWith(upload ? 'Uploading' : 'Downloading') ? e.what : `${upload ? 'Uploading' : 'Downloading'} ${id} ${upload ? 'to' : 'from'} ${upload ? dest.describe() : source.describe()} failed: ${e.what}`;
    return new PglcError(code, { what, why: e.why, fix: `${e.fix} ${kept}`, details: { ...(e.details ?? {}), id, localCopyKept: upload } });
  }
  const err = e as Error;
  return new PglcError(upload ? 'backup-upload-failed' : 'backup-download-failed', {
    what: `${upload ? 'Uploading' : 'Downloading'} ${id} ${upload ? 'to' : 'from'} ${upload ? dest.describe() : source.describe()} failed`,
    why: err?.message ?? String(e),
    fix: kept,
    details: { id, localCopyKept: upload },
  });
}
