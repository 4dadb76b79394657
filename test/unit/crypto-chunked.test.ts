// The chunked AES-256-GCM format: round trips at every size that matters around chunk
// boundaries, and every way of tampering with a file fails authentication (never a shorter or
// altered "success"). Tamper cases are data: test/fixtures/backup/tamper-cases.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createEncryptStream } from '../../core/crypto/encrypt-stream';
import { createDecryptStream } from '../../core/crypto/decrypt-stream';
import { HEADER_BYTES, TAG_BYTES, encryptedSize, decodeHeader } from '../../core/crypto/chunked-format';
import { generateKey, keyIdOf, parseKey, requireBackupKey, type BackupKey } from '../../core/crypto/backup-key';
import { PglcError } from '../../core/errors';

const key: BackupKey = parseKey(randomBytes(32).toString('base64'));

/** Feeds `data` in pieces of `piece` bytes (to exercise every split of records across writes). */
async function run(stream: NodeJS.ReadWriteStream, data: Buffer, piece = 4096): Promise<Buffer> {
  const parts: Buffer[] = [];
  const pieces: Buffer[] = [];
  for (let i = 0; i < data.length; i += piece) pieces.push(data.subarray(i, i + piece));
  await pipeline(
    Readable.from(pieces),
    stream,
    new Writable({ write(c: Buffer, _e, cb) { parts.push(c); cb(); } }),
  );
  return Buffer.concat(parts);
}

const encrypt = (data: Buffer, chunkSize: number, piece?: number) => run(createEncryptStream(key, { chunkSize }), data, piece);
const decrypt = (data: Buffer, k: BackupKey = key, piece?: number) => run(createDecryptStream(k, { file: 'test.enc' }), data, piece);

for (const chunkSize of [1, 16, 1000, 65536]) {
  const sizes = [0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize, 7 * chunkSize + 3].filter((s, i, a) => s >= 0 && a.indexOf(s) === i);
  for (const size of sizes) {
    test(`round trip: ${size} bytes in chunks of ${chunkSize}`, async () => {
      const plain = randomBytes(size);
      const sealed = await encrypt(plain, chunkSize, 333);
      assert.equal(sealed.length, encryptedSize(size, chunkSize));
      assert.equal(decodeHeader(sealed).keyId, key.keyId);
      assert.deepEqual(await decrypt(sealed, key, 777), plain);
      assert.deepEqual(await decrypt(sealed, key, 1), plain.length < 5000 ? plain : await decrypt(sealed));
    });
  }
}

test('round trip: many chunks (3 MiB in 64 KiB chunks), one write per byte range of odd size', async () => {
  const plain = randomBytes(3 * 1024 * 1024 + 17);
  const sealed = await encrypt(plain, 65536, 100_003);
  assert.deepEqual(await decrypt(sealed, key, 65_537), plain);
});

test('the same plaintext encrypts differently each time (random nonce prefix)', async () => {
  const plain = Buffer.from('same bytes');
  assert.notDeepEqual(await encrypt(plain, 16), await encrypt(plain, 16));
});

interface TamperCase {
  name: string;
  /** Plaintext size and chunk size of the file to tamper with. */
  size: number;
  chunkSize: number;
  /** One operation on the sealed bytes; offsets may be negative (from the end). Record = chunkSize + 16. */
  op:
    | { flip: number }
    | { truncate: number }
    | { truncateRecords: number }
    | { append: number }
    | { swapRecords: [number, number] }
    | { duplicateRecord: number }
    | { dropRecord: number }
    | { headerByte: number; value: number };
  code: string;
  why: string;
}

function tamper(sealed: Buffer, c: TamperCase): Buffer {
  const record = c.chunkSize + TAG_BYTES;
  const records: Buffer[] = [];
  for (let o = HEADER_BYTES; o < sealed.length; o += record) records.push(sealed.subarray(o, Math.min(o + record, sealed.length)));
  const header = sealed.subarray(0, HEADER_BYTES);
  const op = c.op;
  if ('flip' in op) {
    const b = Buffer.from(sealed);
    const at = op.flip < 0 ? b.length + op.flip : op.flip;
    b[at] = b[at]! ^ 0x01;
    return b;
  }
  if ('truncate' in op) return sealed.subarray(0, sealed.length - op.truncate);
  if ('truncateRecords' in op) return Buffer.concat([header, ...records.slice(0, records.length - op.truncateRecords)]);
  if ('append' in op) return Buffer.concat([sealed, randomBytes(op.append)]);
  if ('swapRecords' in op) {
    const r = [...records];
    [r[op.swapRecords[0]], r[op.swapRecords[1]]] = [r[op.swapRecords[1]]!, r[op.swapRecords[0]]!];
    return Buffer.concat([header, ...r]);
  }
  if ('duplicateRecord' in op) {
    const r = [...records];
    r.splice(op.duplicateRecord, 0, records[op.duplicateRecord]!);
    return Buffer.concat([header, ...r]);
  }
  if ('dropRecord' in op) return Buffer.concat([header, ...records.filter((_, i) => i !== op.dropRecord)]);
  const b = Buffer.from(sealed);
  b[op.headerByte] = op.value;
  return b;
}

const cases = JSON.parse(readFileSync(join(__dirname, '../fixtures/backup/tamper-cases.json'), 'utf8')) as TamperCase[];
for (const c of cases) {
  test(`tampering is detected: ${c.name}`, async () => {
    const sealed = await encrypt(randomBytes(c.size), c.chunkSize);
    const bad = tamper(sealed, c);
    assert.notDeepEqual(bad, sealed, 'the case must change the bytes');
    await assert.rejects(decrypt(bad), (e: unknown) => {
      assert.ok(e instanceof PglcError, `expected a PglcError, got ${String(e)}`);
      assert.equal(e.code, c.code);
      assert.match(e.why, new RegExp(c.why));
      return true;
    });
  });
}

test('a wrong key fails before any output, naming the expected key id', async () => {
  const sealed = await encrypt(randomBytes(5000), 1000);
  const other = parseKey(randomBytes(32).toString('hex'));
  let out = 0;
  await assert.rejects(
    pipeline(Readable.from([sealed]), createDecryptStream(other, { file: 'x.enc' }), new Writable({ write(c: Buffer, _e, cb) { out += c.length; cb(); } })),
    (e: unknown) => {
      assert.ok(e instanceof PglcError);
      assert.equal(e.code, 'backup-key-wrong');
      assert.match(e.why, new RegExp(`encrypted with key id ${key.keyId}`));
      assert.equal(e.details?.expectedKeyId, key.keyId);
      assert.ok(!e.message.includes(other.key.toString('base64')));
      return true;
    },
  );
  assert.equal(out, 0);
});

test('keys: hex and base64 (standard and url-safe) parse to the same key; other text is refused without echo', () => {
  const raw = randomBytes(32);
  const ids = [raw.toString('hex'), raw.toString('hex').toUpperCase(), raw.toString('base64'), raw.toString('base64url'), ` ${raw.toString('base64')}\n`]
    .map((t) => parseKey(t).keyId);
  assert.deepEqual(new Set(ids), new Set([keyIdOf(raw)]));
  assert.match(keyIdOf(raw), /^[0-9a-f]{16}$/);
  for (const bad of ['', 'short', raw.subarray(0, 31).toString('base64'), raw.toString('hex') + 'ab', 'not base64 at all!!']) {
    assert.throws(() => parseKey(bad), (e: unknown) => e instanceof PglcError && e.code === 'backup-key-invalid' && (bad.length < 4 || !e.message.includes(bad)));
  }
});

test('generateKey: 32 random bytes in base64 whose id matches', () => {
  const a = generateKey();
  const b = generateKey();
  assert.notEqual(a.key, b.key);
  assert.equal(Buffer.from(a.key, 'base64').length, 32);
  assert.equal(parseKey(a.key).keyId, a.keyId);
});

test('requireBackupKey: missing says what to set; another key is backup-key-wrong', () => {
  assert.throws(() => requireBackupKey({}), (e: unknown) => e instanceof PglcError && e.code === 'backup-key-missing' && /BACKUP_ENCRYPTION_KEY/.test(e.fix));
  assert.throws(() => requireBackupKey({ BACKUP_ENCRYPTION_KEY: '  ' }, 'aaaaaaaaaaaaaaaa'), (e: unknown) =>
    e instanceof PglcError && e.code === 'backup-key-missing' && /aaaaaaaaaaaaaaaa/.test(e.fix));
  const k = generateKey();
  assert.equal(requireBackupKey({ BACKUP_ENCRYPTION_KEY: k.key }, k.keyId).keyId, k.keyId);
  assert.throws(() => requireBackupKey({ BACKUP_ENCRYPTION_KEY: k.key }, 'bbbbbbbbbbbbbbbb'), (e: unknown) =>
    e instanceof PglcError && e.code === 'backup-key-wrong' && e.details?.expectedKeyId === 'bbbbbbbbbbbbbbbb');
});
