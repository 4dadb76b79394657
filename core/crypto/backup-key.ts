// The backup encryption key: 32 bytes given as base64 or hex in BACKUP_ENCRYPTION_KEY (the
// editor passes its SecretStorage value in the same variable). Invariant: the key itself never
// leaves this module's return values — messages, manifests and headers carry only its key id,
// a short one-way hash that tells which key was used without revealing it.

import { createHash, randomBytes } from 'node:crypto';
import { PglcError } from '../errors';

export const KEY_VARIABLE = 'BACKUP_ENCRYPTION_KEY';
export const KEY_BYTES = 32;
/** Bytes of the key id (shown as 16 hex digits). */
export const KEY_ID_BYTES = 8;

export interface BackupKey {
  /** The 32 key bytes. */
  key: Buffer;
  /** 16 hex digits identifying the key (never the key). */
  keyId: string;
}

/**
 * The key id of a key: the first 8 bytes of SHA-256 over a fixed label and the key, in hex.
 * The label keeps the id from being a plain hash of the key that could be met elsewhere.
 * @example keyIdOf(Buffer.alloc(32)) // '…16 hex digits…'
 */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('pglc backup key id v1\0').update(key).digest().subarray(0, KEY_ID_BYTES).toString('hex');
}

/**
 * Parses a key written as 64 hex digits or as base64 / base64url of 32 bytes (whitespace ignored).
 * Throws `backup-key-invalid` (without echoing the value) for anything else.
 * @example parseKey(generateKey().key).keyId
 */
export function parseKey(text: string, source = KEY_VARIABLE): BackupKey {
  const t = text.replace(/\s+/g, '');
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const b = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (b.length === KEY_BYTES) key = b;
  }
  if (!key) {
    throw new PglcError('backup-key-invalid', {
      what: `${source} is not a valid backup encryption key`,
      why: `a key is ${KEY_BYTES} random bytes written as 64 hex digits or as base64 (44 characters); the value given (${t.length} characters) is neither`,
      fix: `Set ${source} to the key printed by \`pglc backup config --encrypt\` (or generate one: openssl rand -base64 32).`,
    });
  }
  return { key, keyId: keyIdOf(key) };
}

/**
 * A new random key, as base64 (what to store), and its id. For `pglc backup config --encrypt`.
 * @example const { key, keyId } = generateKey(); // key: 'q3…=' (44 chars) — show once, never write to a file
 */
export function generateKey(): { key: string; keyId: string } {
  const raw = randomBytes(KEY_BYTES);
  return { key: raw.toString('base64'), keyId: keyIdOf(raw) };
}

/**
 * The key from the variables (BACKUP_ENCRYPTION_KEY), or `backup-key-missing` saying what to set.
 * `expectedKeyId` (from a manifest) makes a different key fail early with `backup-key-wrong`.
 * @example const k = requireBackupKey(vars, manifest.encryption.keyId, 'Decrypting backup prod-shop-…');
 */
export function requireBackupKey(
  vars: Readonly<Record<string, string | undefined>>,
  expectedKeyId?: string,
  what = 'The backup cannot be encrypted or decrypted',
): BackupKey {
  const text = vars[KEY_VARIABLE];
  if (text === undefined || text.trim() === '') {
    throw new PglcError('backup-key-missing', {
      what: `${what}: no encryption key`,
      why: `${KEY_VARIABLE} is not set${expectedKeyId ? ` (the backup was encrypted with key id ${expectedKeyId})` : ''}`,
      fix: expectedKeyId
        ? `Set ${KEY_VARIABLE} to the key with id ${expectedKeyId} (in the shell, .env, or the editor's "Set backup key"); without it the backup cannot be read.`
        : `Set ${KEY_VARIABLE} (generate one with \`pglc backup config --encrypt\` and store it safely), or create the backup without --encrypt.`,
      details: expectedKeyId ? { expectedKeyId } : undefined,
    });
  }
  const key = parseKey(text);
  if (expectedKeyId && key.keyId !== expectedKeyId) throw wrongKey(expectedKeyId, key.keyId, what);
  return key;
}

export function wrongKey(expectedKeyId: string, givenKeyId: string, what = 'The backup cannot be decrypted'): PglcError {
  return new PglcError('backup-key-wrong', {
    what: `${what}: wrong encryption key`,
    why: `the backup was encrypted with key id ${expectedKeyId}, but ${KEY_VARIABLE} holds the key with id ${givenKeyId}`,
    fix: `Set ${KEY_VARIABLE} to the key with id ${expectedKeyId}.`,
    details: { expectedKeyId, givenKeyId },
  });
}
