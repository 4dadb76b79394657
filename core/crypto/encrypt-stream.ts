// Encrypts a byte stream into the chunked AES-256-GCM format (chunked-format.ts).
// Invariant: a chunk is sealed as "not last" only once a later byte is known to exist, so the
// final chunk (possibly empty, possibly full) is always the one flagged last; memory is one
// chunk whatever the stream's length, and Transform's own buffering gives backpressure.

import { createCipheriv, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import type { BackupKey } from './backup-key';
import { DEFAULT_CHUNK_SIZE, MAX_CHUNKS, NONCE_PREFIX_BYTES, checkChunkSize, chunkNonce, encodeHeader } from './chunked-format';
import { recordBuffer } from './record-buffer';

/**
 * A Transform that encrypts everything written to it.
 * @example await pipeline(createReadStream('dump'), createEncryptStream(parseKey(vars.BACKUP_ENCRYPTION_KEY!)), createWriteStream('dump.enc'));
 */
export function createEncryptStream(key: BackupKey, opts: { chunkSize?: number; noncePrefix?: Buffer } = {}): Transform {
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  checkChunkSize(chunkSize);
  const noncePrefix = opts.noncePrefix ?? randomBytes(NONCE_PREFIX_BYTES);
  const header = encodeHeader({ chunkSize, keyId: key.keyId, noncePrefix });
  const records = recordBuffer(chunkSize);
  let index = 0;
  let headerSent = false;

  const seal = (plain: Buffer, last: boolean): Buffer[] => {
    if (index >= MAX_CHUNKS) throw new Error('too many chunks for one encrypted file (2^32)');
    const cipher = createCipheriv('aes-256-gcm', key.key, chunkNonce(noncePrefix, index++, last));
    cipher.setAAD(header);
    const body = cipher.update(plain);
    const tail = cipher.final();
    return tail.length ? [body, tail, cipher.getAuthTag()] : [body, cipher.getAuthTag()];
  };

  return new Transform({
    transform(data: Buffer, _enc, done) {
      try {
        if (!headerSent) {
          this.push(header);
          headerSent = true;
        }
        records.append(data, 0, (record) => {
          for (const b of seal(record, false)) this.push(b);
        });
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        if (!headerSent) this.push(header);
        for (const b of seal(records.rest(), true)) this.push(b);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}
