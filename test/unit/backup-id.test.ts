// Backup ids: readable, sortable, filesystem-safe; and resolving `latest` / ids / prefixes with
// clear errors. Cases are data: test/fixtures/backup/ids.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { backupId, candidateIds, isSafeBackupId, newestFirst, parseBackupId, resolveBackupId, type IdEntry } from '../../core/backup/backup-id';
import { PglcError } from '../../core/errors';

interface Fixture {
  ids: { in: { environment: string; database: string; at: string; name?: string }; id: string }[];
  resolve: { entries: { id: string; createdAt?: string }[]; cases: { ref: string; id?: string; error?: string; why?: string }[] };
}
const fx = JSON.parse(readFileSync(join(__dirname, '../fixtures/backup/ids.json'), 'utf8')) as Fixture;

for (const c of fx.ids) {
  test(`backup id: ${JSON.stringify(c.in)}`, () => {
    const id = backupId({ ...c.in, at: new Date(c.in.at) });
    assert.equal(id, c.id);
    assert.ok(isSafeBackupId(id), 'usable as a folder name');
    const parsed = parseBackupId(id);
    assert.equal(parsed?.at.toISOString(), new Date(Math.floor(Date.parse(c.in.at) / 1000) * 1000).toISOString());
  });
}

test('ids of one environment and database sort by time as strings', () => {
  const times = ['2026-01-09T23:59:59Z', '2026-01-10T00:00:00Z', '2026-02-01T00:00:00Z', '2027-01-01T00:00:00Z'];
  const ids = times.map((t) => backupId({ environment: 'prod', database: 'shop', at: new Date(t) }));
  assert.deepEqual([...ids].sort(), ids);
});

test('candidate ids move on by whole seconds so a second backup in the same second keeps time order', () => {
  const it = candidateIds({ environment: 'e', database: 'd', at: new Date('2026-01-01T00:00:00.700Z'), name: 'n' });
  assert.deepEqual([it.next().value, it.next().value, it.next().value], ['e-d-20260101T000000Z-n', 'e-d-20260101T000001Z-n', 'e-d-20260101T000002Z-n']);
});

test('unsafe folder names are not ids', () => {
  for (const bad of ['', '.', '..', '../x', 'a/b', '.hidden', 'a b', 'x\u0000']) assert.equal(isSafeBackupId(bad), false, bad);
});

const entries: IdEntry[] = fx.resolve.entries.map((e) => (e.createdAt ? { id: e.id, manifest: { createdAt: e.createdAt } } : { id: e.id }));
for (const c of fx.resolve.cases) {
  test(`resolve "${c.ref}" → ${c.id ?? c.error}${c.why ? ` (${c.why})` : ''}`, () => {
    if (c.id) return assert.equal(resolveBackupId(entries, c.ref), c.id);
    assert.throws(() => resolveBackupId(entries, c.ref), (e: unknown) => {
      assert.ok(e instanceof PglcError);
      assert.equal(e.code, c.error);
      assert.ok(e.fix.length > 0);
      return true;
    });
  });
}

test('latest of an empty store (or only leftovers) says so and how to make one', () => {
  for (const list of [[], [{ id: 'prod-shop-20260101T000000Z' }]]) {
    assert.throws(() => resolveBackupId(list, 'latest', './backups'), (e: unknown) =>
      e instanceof PglcError && e.code === 'backup-not-found' && /no complete backup/.test(e.why) && /pglc backup create/.test(e.fix));
  }
});

test('an ambiguous prefix lists the candidates, newest first', () => {
  assert.throws(() => resolveBackupId(entries, 'prod-shop-20260111'), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.deepEqual(e.details?.candidates, ['prod-shop-20260111T020000Z', 'prod-shop-20260111T030000Z-weekly']);
    assert.match(e.why, /prod-shop-20260111T030000Z-weekly, prod-shop-20260111T020000Z/);
    return true;
  });
});

test('newest first orders by the manifest time, then the id time', () => {
  assert.deepEqual(newestFirst(entries).map((e) => e.id), [
    'prod-shop-20260112T020000Z', 'prod-shop-20260111T030000Z-weekly', 'prod-shop-20260111T020000Z', 'prod-shop-20260110T020000Z', 'staging-shop-20260109T020000Z',
  ]);
});
