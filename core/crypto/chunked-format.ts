// The byte layout of pglc's encrypted files (AES-256-GCM in fixed-size chunks), documented byte
// by byte in docs/backup-encryption.md. Invariant: every chunk is authenticated together with
// the whole header (as AAD), its position (a 32-bit counter in the nonce) and whether it is the
// last one (a flag in the nonce), so a modified byte, a truncated file, reordered, duplicated
// or dropped chunks, and a header edited to point at another key all fail authentication.

import { PglcError } from '../errors';
import { KEY_ID_BYTES } from './backup-key';

/** "PGLCENC\n": the \n catches files mangled by text-mode transfers, like PNG's signature. */
export const MAGIC = Buffer.from('PGLCENC\n', 'latin1');
export const FORMAT_VERSION = 1;
export const ALGORITHM_AES_256_GCM = 1;
export const HEADER_BYTES = 32;
export const NONCE_PREFIX_BYTES = 7;
export const TAG_BYTES = 16;
/** 1 MiB: large enough that per-chunk overhead (16 bytes, one cipher set-up) is negligible. */
export const DEFAULT_CHUNK_SIZE = 1 << 20;
export const MAX_CHUNK_SIZE = 64 << 20;
export const MAX_CHUNKS = 0x1_0000_0000;

export interface ChunkedHeader {
  chunkSize: number;
  /** 16 hex digits. */
  keyId: string;
  noncePrefix: Buffer;
}

/**
 * The 32-byte header: magic (8) · version (1) · algorithm (1) · reserved 0 (2) · chunk size
 * (uint32 BE) · key id (8) · nonce prefix (7) · reserved 0 (1).
 * @example encodeHeader({ chunkSize: 1 << 20, keyId: '0011223344556677', noncePrefix: randomBytes(7) }).length === 32
 */
export function encodeHeader(h: ChunkedHeader): Buffer {
  checkChunkSize(h.chunkSize);
  if (!/^[0-9a-f]{16}$/.test(h.keyId)) throw new Error(`key id must be ${KEY_ID_BYTES * 2} hex digits`);
  if (h.noncePrefix.length !== NONCE_PREFIX_BYTES) throw new Error(`nonce prefix must be ${NONCE_PREFIX_BYTES} bytes`);
  const b = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(b, 0);
  b[8] = FORMAT_VERSION;
  b[9] = ALGORITHM_AES_256_GCM;
  b.writeUInt32BE(h.chunkSize, 12);
  Buffer.from(h.keyId, 'hex').copy(b, 16);
  h.noncePrefix.copy(b, 24);
  return b;
}

/** Reads and checks a header; `backup-corrupt` / `backup-unsupported` for anything else. */
export function decodeHeader(b: Buffer, file = 'the file'): ChunkedHeader {
  if (b.length < HEADER_BYTES || !b.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw corrupt(file, b.length < HEADER_BYTES ? 'it is shorter than the 32-byte header of an encrypted file' : 'it does not start with the signature of a pglc encrypted file');
  }
  if (b[8] !== FORMAT_VERSION || b[9] !== ALGORITHM_AES_256_GCM) {
    throw new PglcError('backup-unsupported', {
      what: `${file} uses an encryption format this pglc does not know`,
      why: `format version ${b[8]}, algorithm ${b[9]} (this pglc reads version ${FORMAT_VERSION}, algorithm ${ALGORITHM_AES_256_GCM}: AES-256-GCM)`,
      fix: 'Use the pglc version that wrote the backup, or a newer one.',
    });
  }
  if (b[10] !== 0 || b[11] !== 0 || b[31] !== 0) throw corrupt(file, 'reserved header bytes are not zero');
  const chunkSize = b.readUInt32BE(12);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw corrupt(file, `its header gives an impossible chunk size (${chunkSize})`);
  return { chunkSize, keyId: b.subarray(16, 24).toString('hex'), noncePrefix: Buffer.from(b.subarray(24, 31)) };
}

/** The 12-byte GCM nonce of chunk `index`: prefix (7) · index (uint32 BE) · last flag (1). */
export function chunkNonce(prefix: Buffer, index: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  prefix.copy(n, 0);
  n.writeUInt32BE(index, 7);
  n[11] = last ? 1 : 0;
  return n;
}

/** Encrypted size of `plainBytes` bytes: header + bytes + one tag per chunk (at least one chunk). */
export function encryptedSize(plainBytes: number, chunkSize = DEFAULT_CHUNK_SIZE): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / chunkSize));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

export function checkChunkSize(chunkSize: number): void {
  if (!Number.isInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) {
    throw new Error(`chunk size must be a whole number of bytes between 1 and ${MAX_CHUNK_SIZE}`);
  }
}

export function corrupt(file: string, why: string, details?: Record<string, unknown>): PglcError {
  return new PglcError('backup-corrupt', {
    what: `Could not decrypt ${file}`,
    why,
    fix: 'The stored bytes are damaged or incomplete: use another backup (run `pglc backup verify` on it first), or restore this one from another copy (e.g. `pglc backup download`).',
    details,
  });
}
