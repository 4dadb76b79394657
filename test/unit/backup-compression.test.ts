// Compression specs and stages: every algorithm round-trips, damaged input fails, and a file
// name or a file's first bytes say how a one-off dump is stored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { compressStage, decompressStage, findZstd, parseCompression, type Stage } from '../../core/backup/compression';
import { dumpKindOf } from '../../core/backup/db-dump';
import { compressionOfBytes } from '../../core/backup/db-load';
import { PglcError } from '../../core/errors';

for (const [text, expected] of [
  ['zstd', { algorithm: 'zstd', level: 3 }],
  ['ZSTD:19', { algorithm: 'zstd', level: 19 }],
  ['gzip', { algorithm: 'gzip', level: 6 }],
  ['gzip:1', { algorithm: 'gzip', level: 1 }],
  ['none', { algorithm: 'none' }],
] as const) {
  test(`--compress ${text}`, () => assert.deepEqual(parseCompression(text), expected));
}

for (const bad of ['lz4', 'zstd:0', 'zstd:20', 'gzip:10', 'none:1', 'zstd:', 'zstd:x', '']) {
  test(`--compress ${JSON.stringify(bad)} is a usage error`, () => {
    assert.throws(() => parseCompression(bad), (e: unknown) => e instanceof PglcError && e.code === 'usage' && /zstd/.test(e.fix));
  });
}

async function through(stage: Stage, data: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  await pipeline(Readable.from([data.subarray(0, 1000), data.subarray(1000)]), stage.stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  await stage.finished;
  return Buffer.concat(out);
}

const text = Buffer.from(Array.from({ length: 20000 }, (_, i) => `row ${i}\tcustomer ${i % 97}\t{"paid": ${i % 2 === 0}}\n`).join(''));

for (const spec of ['zstd', 'zstd:9', 'gzip', 'none'] as const) {
  test(`${spec} round-trips (and compresses text)`, async () => {
    const zstd = await findZstd(process.env);
    const s = parseCompression(spec);
    const packed = await through(compressStage(s, zstd), text);
    if (s.algorithm !== 'none') assert.ok(packed.length < text.length / 4, `${packed.length} of ${text.length}`);
    assert.deepEqual(await through(decompressStage(s.algorithm, zstd), packed), text);
  });
}

for (const algorithm of ['zstd', 'gzip'] as const) {
  test(`damaged ${algorithm} input fails instead of yielding a shorter stream`, async () => {
    const zstd = await findZstd(process.env);
    const packed = await through(compressStage({ algorithm }, zstd), Buffer.concat([text, randomBytes(50_000)]));
    const truncated = packed.subarray(0, packed.length - 100);
    await assert.rejects(through(decompressStage(algorithm, zstd), truncated));
  });
}

test('zstd missing from PATH: tools-missing naming the package', async () => {
  await assert.rejects(findZstd({ PATH: '/nonexistent' }), (e: unknown) => e instanceof PglcError && e.code === 'tools-missing' && /apt-get install zstd/.test(e.fix));
});

for (const [file, format, compression] of [
  ['shop.dump', 'custom', 'none'],
  ['shop.dump.zst', 'custom', 'zstd'],
  ['/tmp/x/shop.pgdump.gz', 'custom', 'gzip'],
  ['schema.sql', 'plain', 'none'],
  ['Schema.SQL.GZ', 'plain', 'gzip'],
  ['all.sql.zst', 'plain', 'zstd'],
  ['noext', 'custom', 'none'],
] as const) {
  test(`db dump -o ${file}: ${format}, ${compression}`, () => assert.deepEqual(dumpKindOf(file), { format, compression }));
}

test('compression is recognized from the first bytes', () => {
  assert.equal(compressionOfBytes(Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0])), 'zstd');
  assert.equal(compressionOfBytes(Buffer.from([0x1f, 0x8b, 0x08])), 'gzip');
  assert.equal(compressionOfBytes(Buffer.from('PGDMP\x01\x0e')), 'none');
  assert.equal(compressionOfBytes(Buffer.from('--\n-- PostgreSQL')), 'none');
  assert.equal(compressionOfBytes(Buffer.from('PGLCENC\n\x01')), 'pglc-encrypted');
  assert.equal(compressionOfBytes(Buffer.alloc(0)), 'none');
});
