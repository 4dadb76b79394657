// SHA-256 and byte counts of streams as they pass, so a backup file is hashed while it is
// written and checked while it is read — never by a second pass over a full copy.
// Invariant: the digest is taken over exactly the bytes that went through, and is only read
// after the stream has ended (digest() before the end throws instead of returning a prefix's hash).

import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DigestStream extends Transform {
  /** SHA-256 (hex) and size of everything that passed; only after the stream ended. */
  digest(): { sha256: string; size: number };
  /** Bytes seen so far (for progress). */
  readonly bytes: number;
}

/**
 * A pass-through Transform that hashes and counts.
 * @example const d = createDigestStream(); await pipeline(src, d, dest); d.digest().sha256
 */
export function createDigestStream(onBytes?: (total: number) => void): DigestStream {
  const hash = createHash('sha256');
  let size = 0;
  let result: { sha256: string; size: number } | undefined;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      onBytes?.(size);
      done(null, chunk);
    },
    flush(done) {
      result = { sha256: hash.digest('hex'), size };
      done();
    },
  }) as DigestStream;
  t.digest = () => {
    if (!result) throw new Error('digest() read before the stream ended');
    return result;
  };
  Object.defineProperty(t, 'bytes', { get: () => size });
  return t;
}

/**
 * A pass-through that only counts (for raw sizes and progress).
 * @example const c = createCountStream((n) => progress(n)); await pipeline(src, c, dest); c.bytes
 */
export function createCountStream(onBytes?: (total: number) => void): Transform & { readonly bytes: number } {
  let size = 0;
  const t = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      onBytes?.(size);
      done(null, chunk);
    },
  });
  Object.defineProperty(t, 'bytes', { get: () => size });
  return t as Transform & { readonly bytes: number };
}

/**
 * SHA-256 and size of a readable, consumed to the end.
 * @example const { sha256, size } = await digestOf(createReadStream(file));
 */
export async function digestOf(source: Readable, signal?: AbortSignal): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  await pipeline(source, async function* (chunks: AsyncIterable<Buffer>) {
    for await (const c of chunks) {
      hash.update(c);
      size += c.length;
    }
  }, { signal });
  return { sha256: hash.digest('hex'), size };
}
