// BackupStore over S3-compatible object storage (AWS S3, MinIO, Backblaze B2's S3 API,
// Cloudflare R2, Google Cloud Storage's interoperability API): objects `<prefix>/<id>/<name>`,
// manifest.json and verify.json beside the dump files.
// Invariants (see backup-store.ts): a backup is complete only when `<id>/manifest.json` exists and
// parses — callers upload it last; files are multipart uploads (lib-storage, 8 MiB parts, 4 in
// flight) that become visible only when completed, so a cut-off upload never shows a partial
// object under its final name. Integrity is end to end: callers hash what they send and what they
// read back (SHA-256 from the manifest) — the server's checksums and ETags are never trusted
// (s3rver and some providers verify none, and multipart ETags are not content hashes).
// Checksums: `requestChecksumCalculation: 'WHEN_REQUIRED'`, because the SDK's default sends
// streamed bodies as aws-chunked with a trailing checksum, which several S3-compatible servers
// store verbatim as object data (silent corruption).

import { PassThrough, Readable, type Writable } from 'node:stream';
import type * as AwsSdk from './aws-sdk';
import type { BackupManifest } from '../../protocol/index';
import { PglcError } from '../errors';
import { validateManifest } from '../backup/manifest';
import type { BackupStore, StoredEntry, VerifyRecord } from './backup-store';
import { s3Failure } from './s3-errors';
import { describeS3, type S3Credentials, type S3Settings } from './s3-settings';

export const MANIFEST_NAME = 'manifest.json';
const MiB = 1024 * 1024;
export const VERIFY_NAME = 'verify.json';

export interface S3StoreOptions {
  /** Attempts per request, retries included (the SDK's standard retry strategy with backoff). Default 5. */
  maxAttempts?: number;
  /** Default 8 MiB: measured 174 MB peak RSS flat from 256 MB to 1 GB (16 MiB parts: 195–227 MB), same speed. S3 minimum 5 MiB; larger files get bigger parts (10,000-part limit). */
  partSize?: number;
  /** Parts in flight at once. Default 4 (memory: partSize × queueSize, plus one part buffered). */
  queueSize?: number;
  /** Socket idle timeout, ms. Default 120 s. */
  requestTimeoutMs?: number;
  /** Connection timeout, ms. Default 10 s. */
  connectionTimeoutMs?: number;
}

export interface StoredFileInfo {
  name: string;
  size: number;
  modifiedAt?: Date;
}

/** The S3 store; beyond BackupStore it can say what one stored object's size is (a cheap check after upload). */
export interface S3BackupStore extends BackupStore {
  readonly kind: 's3';
  readonly settings: S3Settings;
  /** As BackupStore's, with the file's size when known (very large files get larger parts). */
  createFileWriter(id: string, name: string, signal?: AbortSignal, hint?: { size?: number }): ReturnType<BackupStore['createFileWriter']>;
  statFile(id: string, name: string, signal?: AbortSignal): Promise<StoredFileInfo | undefined>;
  listFiles(id: string, signal?: AbortSignal): Promise<StoredFileInfo[]>;
  /** Fails with a clear error when the bucket is missing, access is denied or the endpoint is unreachable. */
  check(signal?: AbortSignal): Promise<void>;
  /** Closes the client's sockets. */
  close(): void;
}

/**
 * The AWS SDK, loaded when a store is made (aws-sdk.ts: its own file next to the CLI bundle):
 * loading it cost every pglc command's start ~30 ms, and most never use S3.
 */
function sdk(): typeof AwsSdk {
  return require('./aws-sdk') as typeof AwsSdk;
}

/**
 * A BackupStore for `settings` using `credentials`.
 * @example const store = createS3Store(s3SettingsOf(project.backup), s3CredentialsOf(vars));
 *   const leftovers = (await store.list()).filter((e) => !e.manifest).map((e) => e.id);
 */
export function createS3Store(settings: S3Settings, credentials: S3Credentials, opts: S3StoreOptions = {}): S3BackupStore {
  const { DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, Upload } = sdk();
  const client = new S3Client({
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: opts.maxAttempts ?? 5,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
      requestTimeout: opts.requestTimeoutMs ?? 120_000,
    },
  });
  const partSize = opts.partSize ?? 8 * MiB;
  const queueSize = opts.queueSize ?? 4;
  const base = settings.prefix ? `${settings.prefix}/` : '';
  const keyOf = (id: string, name: string) => `${base}${checkId(id)}/${name}`;
  const fail = (e: unknown, what: string, signal?: AbortSignal) => s3Failure(e, what, settings, signal);

  async function listKeys(prefix: string, signal?: AbortSignal): Promise<{ key: string; size: number; modifiedAt?: Date }[]> {
    const out: { key: string; size: number; modifiedAt?: Date }[] = [];
    let token: string | undefined;
    do {
      const page = await client
        .send(new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: prefix, ContinuationToken: token, MaxKeys: 1000 }), { abortSignal: signal })
        .catch((e: unknown) => {
          throw fail(e, `Listing ${describeS3(settings)}`, signal);
        });
      for (const o of page.Contents ?? []) {
        if (o.Key) out.push({ key: o.Key, size: o.Size ?? 0, ...(o.LastModified ? { modifiedAt: o.LastModified } : {}) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  async function getText(key: string, what: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: key }), { abortSignal: signal });
      return r.Body ? await r.Body.transformToString('utf8') : '';
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return undefined;
      throw fail(e, what, signal);
    }
  }

  async function putText(key: string, text: string, what: string, signal?: AbortSignal): Promise<void> {
    // A Buffer body (not a stream): sent with Content-Length, no aws-chunked framing, and re-sendable on retry.
    await client
      .send(new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: Buffer.from(text, 'utf8'), ContentType: 'application/json' }), { abortSignal: signal })
      .catch((e: unknown) => {
        throw fail(e, what, signal);
      });
  }

  async function deleteKeys(keys: string[], what: string, signal?: AbortSignal): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const r = await client.send(
          new DeleteObjectsCommand({ Bucket: settings.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
          { abortSignal: signal },
        );
        const first = r.Errors?.[0];
        if (first) {
          throw new PglcError('storage-failed', {
            what: `${what} failed for ${r.Errors!.length} object(s) in ${describeS3(settings)}`,
            why: `${first.Key}: ${first.Code ?? 'error'} ${first.Message ?? ''}`.trim(),
            fix: 'Check that the storage key may delete objects, then run the command again.',
            details: { bucket: settings.bucket, failed: r.Errors!.length },
          });
        }
      } catch (e) {
        const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const name = (e as { name?: string }).name;
        // Some S3-compatible services do not implement multi-object delete (or want Content-MD5,
        // which the SDK no longer sends): fall back to one DELETE per key.
        const unsupported = status === 400 || status === 501 || name === 'NotImplemented' || name === 'MissingContentMD5' || name === 'InvalidRequest';
        if (!unsupported) throw fail(e, what, signal);
        await mapLimit(batch, 8, async (Key) => {
          await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key }), { abortSignal: signal }).catch((err: unknown) => {
            throw fail(err, what, signal);
          });
        });
      }
    }
  }

  const store: S3BackupStore = {
    kind: 's3',
    settings,
    describe: () => describeS3(settings),

    async check(signal) {
      await client.send(new HeadBucketCommand({ Bucket: settings.bucket }), { abortSignal: signal }).catch((e: unknown) => {
        throw fail(e, `Opening the bucket "${settings.bucket}"`, signal);
      });
    },

    async list(signal) {
      const objects = await listKeys(base, signal);
      const byId = new Map<string, { size: number; modifiedAt?: Date; hasManifest: boolean }>();
      for (const o of objects) {
        const rest = o.key.slice(base.length);
        const slash = rest.indexOf('/');
        if (slash <= 0) continue; // a stray object directly under the prefix is not a backup
        const id = rest.slice(0, slash);
        const name = rest.slice(slash + 1);
        const entry = byId.get(id) ?? { size: 0, hasManifest: false };
        entry.size += o.size;
        if (o.modifiedAt && (!entry.modifiedAt || o.modifiedAt > entry.modifiedAt)) entry.modifiedAt = o.modifiedAt;
        if (name === MANIFEST_NAME) entry.hasManifest = true;
        byId.set(id, entry);
      }
      const ids = [...byId.keys()].sort();
      return mapLimit(ids, 8, async (id): Promise<StoredEntry> => {
        const e = byId.get(id)!;
        const manifest = e.hasManifest ? await store.readManifest(id, signal) : undefined;
        return { id, size: e.size, ...(manifest ? { manifest } : {}), ...(e.modifiedAt ? { modifiedAt: e.modifiedAt } : {}) };
      });
    },

    async readManifest(id, signal) {
      const text = await getText(keyOf(id, MANIFEST_NAME), `Reading the manifest of ${id}`, signal);
      if (text === undefined) return undefined;
      return parseManifestText(text, id);
    },

    async writeManifest(id, manifest, signal) {
      await putText(keyOf(id, MANIFEST_NAME), JSON.stringify(manifest, null, 2) + '\n', `Writing the manifest of ${id}`, signal);
    },

    async createFileWriter(id, name, signal, hint?: { size?: number }) {
      const key = keyOf(id, name);
      // S3 allows 10,000 parts: a file larger than partSize × 10,000 (78 GiB at 8 MiB) gets bigger parts.
      const size = hint?.size ?? 0;
      const parts = Math.max(partSize, Math.ceil(size / 9_000 / MiB) * MiB);
      const body = new PassThrough({ highWaterMark: 1024 * 1024 });
      const upload = new Upload({
        client,
        params: { Bucket: settings.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' },
        partSize: parts,
        queueSize,
        leavePartsOnError: false,
      });
      const onAbort = () => void upload.abort().catch(() => undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      let settled = false;
      const done = upload.done().then(
        () => {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
        },
        (e: unknown) => {
          settled = true;
          signal?.removeEventListener('abort', onAbort);
          const err = fail(e, `Uploading ${id}/${name}`, signal);
          // Whoever is still writing must stop: the bytes have nowhere to go.
          body.destroy(err);
          throw err;
        },
      );
      // Callers await `done`; this keeps an abandoned writer from raising an unhandled rejection.
      done.catch(() => undefined);
      return {
        stream: body as Writable,
        done,
        async abort() {
          signal?.removeEventListener('abort', onAbort);
          body.destroy();
          if (!settled) await upload.abort().catch(() => undefined);
          await done.catch(() => undefined);
          // A small file may already be stored by a single PUT: discard it too.
          await client.send(new DeleteObjectCommand({ Bucket: settings.bucket, Key: key })).catch(() => undefined);
        },
      };
    },

    async openFile(id, name, signal) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: settings.bucket, Key: keyOf(id, name) }), { abortSignal: signal });
        if (!r.Body) return Readable.from([]);
        return r.Body as Readable;
      } catch (e) {
        const n = (e as { name?: string }).name;
        if (n === 'NoSuchKey' || n === 'NotFound') {
          throw new PglcError('backup-corrupt', {
            what: `The backup ${id} in ${describeS3(settings)} has no file "${name}"`,
            why: 'the manifest lists it but the storage has no such object (deleted outside pglc?)',
            fix: 'Use another backup; remove this one with `pglc backup delete` and upload it again from a local copy if there is one.',
            details: { id, file: name },
          });
        }
        throw fail(e, `Downloading ${id}/${name}`, signal);
      }
    },

    async remove(id, signal) {
      const keys = (await listKeys(`${base}${checkId(id)}/`, signal)).map((o) => o.key);
      // The manifest goes first: a half-removed backup must show as a leftover, never as complete.
      const manifestKey = keyOf(id, MANIFEST_NAME);
      if (keys.includes(manifestKey)) await deleteKeys([manifestKey], `Removing ${id}`, signal);
      await deleteKeys(keys.filter((k) => k !== manifestKey), `Removing ${id}`, signal);
    },

    async readVerifyRecord(id) {
      const text = await getText(keyOf(id, VERIFY_NAME), `Reading the verify record of ${id}`);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text) as VerifyRecord;
      } catch {
        return undefined;
      }
    },

    async writeVerifyRecord(id, record) {
      await putText(keyOf(id, VERIFY_NAME), JSON.stringify(record, null, 2) + '\n', `Writing the verify record of ${id}`);
    },

    async statFile(id, name, signal) {
      try {
        const r = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: keyOf(id, name) }), { abortSignal: signal });
        return { name, size: r.ContentLength ?? 0, ...(r.LastModified ? { modifiedAt: r.LastModified } : {}) };
      } catch (e) {
        const n = (e as { name?: string }).name;
        if (n === 'NotFound' || n === 'NoSuchKey') return undefined;
        throw fail(e, `Checking ${id}/${name}`, signal);
      }
    },

    async listFiles(id, signal) {
      const prefix = `${base}${checkId(id)}/`;
      return (await listKeys(prefix, signal)).map((o) => ({ name: o.key.slice(prefix.length), size: o.size, ...(o.modifiedAt ? { modifiedAt: o.modifiedAt } : {}) }));
    },

    close() {
      client.destroy();
    },
  };
  return store;
}

/** Backup ids become one path segment: no slashes, no dot-segments (they come from manifests and users). */
function checkId(id: string): string {
  if (!id || id.includes('/') || id === '.' || id === '..') {
    throw new PglcError('usage', { what: `"${id}" is not a backup id`, why: 'ids are single names such as prod-shop-20261114T020000Z', fix: 'Pick an id from `pglc backup list --remote`.' });
  }
  return id;
}

/** The manifest if `text` is a complete one for `id`; undefined otherwise (the backup is a leftover). */
export function parseManifestText(text: string, id: string): BackupManifest | undefined {
  try {
    return validateManifest(JSON.parse(text), id);
  } catch {
    return undefined;
  }
}

/** Runs `fn` over `items` with at most `limit` at once, keeping order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
