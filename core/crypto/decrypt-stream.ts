// Decrypts the chunked AES-256-GCM format (chunked-format.ts) as a stream.
// Invariant: no plaintext byte leaves this stream before the chunk holding it has been
// authenticated; the end of input is only accepted right after a chunk flagged last, so a
// truncated, extended or reordered file is an error, never a shorter "success".

import { createDecipheriv } from 'node:crypto';
import { Transform } from 'node:stream';
import type { BackupKey } from './backup-key';
import { wrongKey } from './backup-key';
import { HEADER_BYTES, TAG_BYTES, chunkNonce, corrupt, decodeHeader, type ChunkedHeader } from './chunked-format';
import { recordBuffer, type RecordBuffer } from './record-buffer';

export interface DecryptOptions {
  /** For messages: "dump.pgcustom.zst.enc of backup prod-shop-…". */
  file?: string;
  /** Called once the header is read (e.g. to report the key id). */
  onHeader?(header: ChunkedHeader): void;
}

/**
 * A Transform that decrypts and authenticates; errors are `backup-key-wrong` (the header names
 * another key) or `backup-corrupt` (authentication failed, truncated, not an encrypted file).
 * @example await pipeline(createReadStream('dump.enc'), createDecryptStream(key), createWriteStream('dump'));
 */
export function createDecryptStream(key: BackupKey, opts: DecryptOptions = {}): Transform {
  const file = opts.file ?? 'the file';
  const headerBuf = Buffer.alloc(HEADER_BYTES);
  let headerFill = 0;
  let header: Buffer | undefined;
  let parsed: ChunkedHeader | undefined;
  let records: RecordBuffer | undefined;
  let index = 0;

  const open = (sealed: Buffer, last: boolean): Buffer => {
    const h = parsed!;
    const body = sealed.subarray(0, sealed.length - TAG_BYTES);
    const tag = sealed.subarray(sealed.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key.key, chunkNonce(h.noncePrefix, index, last));
    decipher.setAAD(header!);
    decipher.setAuthTag(tag);
    const plain = decipher.update(body);
    try {
      decipher.final();
    } catch {
      throw corrupt(
        file,
        last
          ? `its last chunk (#${index}) failed authentication: the file was modified or truncated, or chunks are missing, reordered or duplicated`
          : `chunk #${index} failed authentication: the file was modified, or chunks are missing, reordered or duplicated`,
        { chunk: index },
      );
    }
    index++;
    return plain;
  };

  return new Transform({
    transform(data: Buffer, _enc, done) {
      try {
        let off = 0;
        if (!header) {
          const n = Math.min(HEADER_BYTES - headerFill, data.length);
          data.copy(headerBuf, headerFill, 0, n);
          headerFill += n;
          off = n;
          if (headerFill < HEADER_BYTES) return done();
          parsed = decodeHeader(headerBuf, file);
          if (parsed.keyId !== key.keyId) throw wrongKey(parsed.keyId, key.keyId, `Could not decrypt ${file}`);
          header = headerBuf;
          records = recordBuffer(parsed.chunkSize + TAG_BYTES);
          opts.onHeader?.(parsed);
        }
        // A full record is released only when more bytes follow, so it cannot be the last chunk.
        records!.append(data, off, (r) => this.push(open(r, false)));
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        if (!header) throw corrupt(file, headerFill === 0 ? 'it is empty' : 'it is shorter than the 32-byte header of an encrypted file');
        const last = records!.rest();
        if (last.length < TAG_BYTES) {
          throw corrupt(file, `it ends inside chunk #${index} (${last.length} of at least ${TAG_BYTES} bytes): the file is truncated`, { chunk: index });
        }
        this.push(open(last, true));
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

