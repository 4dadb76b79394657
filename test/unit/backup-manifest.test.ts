// A manifest is trusted only when it has this version's whole shape and names its own folder;
// everything else makes the backup a leftover. Cases: test/fixtures/backup/manifest-*.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSafeFileName, toSummary, validateManifest } from '../../core/backup/manifest';
import type { BackupManifest } from '../../protocol/index';

const dir = join(__dirname, '../fixtures/backup');
const valid = JSON.parse(readFileSync(join(dir, 'manifest-valid.json'), 'utf8')) as BackupManifest;
const invalid = JSON.parse(readFileSync(join(dir, 'manifest-invalid.json'), 'utf8')) as { name: string; set?: Record<string, unknown>; delete?: string }[];

test('a whole manifest is valid for its own id', () => {
  assert.deepEqual(validateManifest(structuredClone(valid), valid.id), valid);
  assert.deepEqual(validateManifest(structuredClone(valid)), valid);
});

for (const c of invalid) {
  test(`not a manifest: ${c.name}`, () => {
    const m: Record<string, unknown> = { ...structuredClone(valid), ...(c.set ?? {}) };
    if (c.delete) delete m[c.delete];
    assert.equal(validateManifest(m, valid.id), undefined);
  });
}

test('not a manifest at all', () => {
  for (const v of [null, 1, 'x', [], [valid]]) assert.equal(validateManifest(v), undefined);
});

test('file names stay inside the backup folder', () => {
  for (const ok of ['dump.pgcustom.zst.enc', 'dump/3012.dat.zst', 'dump/blobs.toc']) assert.ok(isSafeFileName(ok), ok);
  for (const bad of ['', '/x', '../x', 'a/../b', 'a//b', './a', 'a\\b', 'a\u0000']) assert.equal(isSafeFileName(bad), false, bad);
});

test('the list row carries what the Backups view shows, never the key', () => {
  const s = toSummary({ id: valid.id, manifest: valid, size: 1 }, { at: '2026-01-16T00:00:00Z', result: 'ok', deep: true }, 'both');
  assert.deepEqual(s, {
    id: valid.id, name: 'before v2', tags: ['pre-migration'], environment: 'prod', database: 'shop', createdAt: valid.createdAt,
    totalSize: 2106773, encrypted: true, format: 'custom', scope: 'full', location: 'both', complete: true,
    lastVerifiedAt: '2026-01-16T00:00:00Z', lastVerifyResult: 'ok', lastVerifyDeep: true,
  });
});
