// S3 storage against a real S3-protocol server (s3rver on loopback), with a fault proxy in
// between where a test needs 5xx answers or dropped connections. Integrity is asserted by
// SHA-256 of what comes back, never by the server's word (see ../shared/notes/s3-testing.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S3Client, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Server, S3RVER_KEY, type TestS3Server } from '../harness/s3-server';
import { startFaultProxy } from '../harness/fault-proxy';
import { tempProject, recordingContext } from '../harness/project';
import { sha256Of, writeFakeBackup } from '../harness/s3-fixtures';
import { openStores, type BackupStores } from '../../core/storage/open-stores';
import type { S3StoreOptions } from '../../core/storage/s3-store';
import { uploadBackup, uploadAfterCreate } from '../../core/backup/upload';
import { downloadBackup } from '../../core/backup/download';
import { syncBackups } from '../../core/backup/sync';
import { listBackupsWithRemote } from '../../core/backup/list-remote';
import { isPglcError, type PglcError } from '../../core/errors';

const MiB = 1024 * 1024;

function storesFor(
  t: { after(fn: () => void | Promise<void>): void },
  endpoint: string,
  o: { bucket?: string; prefix?: string; vars?: Record<string, string>; storage?: 'local' | 's3'; s3?: S3StoreOptions; path?: string } = {},
): { stores: BackupStores; root: string } {
  const p = tempProject();
  const project = {
    ...p.project,
    backup: {
      storage: o.storage ?? ('s3' as const),
      path: o.path ?? 'backups',
      encrypt: false,
      retention: {},
      preMigration: 'protected' as const,
      s3: { endpoint, bucket: o.bucket ?? 'pglc-test', region: 'us-east-1', forcePathStyle: true, ...(o.prefix ? { prefix: o.prefix } : {}) },
    },
  };
  const stores = openStores(project, o.vars ?? { BACKUP_S3_ACCESS_KEY: S3RVER_KEY, BACKUP_S3_SECRET_KEY: S3RVER_KEY }, o.s3 ?? {});
  t.after(() => {
    stores.close();
    p.cleanup();
  });
  return { stores, root: p.root };
}

async function withServer(t: { after(fn: () => void | Promise<void>): void }): Promise<TestS3Server> {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  return s3;
}

async function rejects(p: Promise<unknown>, code: string): Promise<PglcError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPglcError(e), `expected a PglcError, got ${String(e)}`);
    assert.equal(e.code, code, `${e.code}: ${e.what} — ${e.why}`);
    return e;
  }
  assert.fail(`expected ${code}, but it succeeded`);
}

test('upload → download round trip: every byte comes back (SHA-256), sizes stored as sent', async (t) => {
  const s3 = await withServer(t);
  const { stores } = storesFor(t, s3.endpoint, { prefix: 'team/db' });
  // 1,795 bytes is the size the aws-chunked corruption was first seen with; 0 and 1 MiB + 1 around it.
  const m = await writeFakeBackup(stores.local, {
    id: 'local-app-20261114T020000Z',
    files: { 'dump.pgcustom': 1795, 'empty.dat': 0, 'dir/3012.dat': MiB + 1 },
  });
  const ctx = recordingContext();
  const up = await uploadBackup(stores, 'latest', ctx);
  assert.equal(up.status, 'copied');
  assert.equal(up.to, 's3://pglc-test/team/db');
  assert.equal(up.bytes, 1795 + MiB + 1);
  for (const f of m.files) {
    assert.deepEqual(await sha256Of(stores.remote!, m.id, f.name), { sha256: f.sha256, size: f.size }, f.name);
    assert.equal((await stores.remote!.statFile(m.id, f.name))?.size, f.size);
  }
  assert.ok(ctx.events.some((e) => e.type === 'progress' && e.step === 'backup.upload'));

  // The same again is a no-op, by checksum.
  assert.equal((await uploadBackup(stores, m.id, recordingContext())).status, 'already');

  // Into a second project's empty local store.
  const other = storesFor(t, s3.endpoint, { prefix: 'team/db' });
  const down = await downloadBackup(other.stores, 'latest', recordingContext());
  assert.equal(down.status, 'copied');
  assert.deepEqual(await other.stores.local.readManifest(m.id), m);
  for (const f of m.files) assert.deepEqual(await sha256Of(other.stores.local, m.id, f.name), { sha256: f.sha256, size: f.size });
});

test('multipart: a file of more than two parts is uploaded in parts and comes back whole', async (t) => {
  const s3 = await withServer(t);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.stop());
  const { stores } = storesFor(t, proxy.endpoint, { s3: { partSize: 5 * MiB } });
  const m = await writeFakeBackup(stores.local, { id: 'local-app-20261114T030000Z', files: { 'dump.pgcustom': 11 * MiB + 3 } });
  await uploadBackup(stores, m.id, recordingContext());
  const parts = proxy.log.filter((r) => r.method === 'PUT' && /[?&]partNumber=/.test(r.url));
  assert.equal(parts.length, 3, 'three UploadPart requests');
  assert.ok(proxy.log.some((r) => r.method === 'POST' && /[?&]uploadId=/.test(r.url)), 'CompleteMultipartUpload');
  assert.deepEqual(await sha256Of(stores.remote!, m.id, 'dump.pgcustom'), { sha256: m.files[0]!.sha256, size: m.files[0]!.size });
});

test('listing more than 1,000 objects pages through them; removing an id with 1,001 objects removes all', async (t) => {
  const s3 = await withServer(t);
  const { stores } = storesFor(t, s3.endpoint, { prefix: 'many' });
  const client = new S3Client({
    endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: S3RVER_KEY, secretAccessKey: S3RVER_KEY }, requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  t.after(() => client.destroy());
  const keys = [
    ...Array.from({ length: 1001 }, (_, i) => `many/local-app-20200101T000000Z/part-${String(i).padStart(4, '0')}`),
    ...Array.from({ length: 60 }, (_, i) => `many/local-app-2020010${Math.floor(i / 10) + 2}T0000${String(i % 10).padStart(2, '0')}Z/dump`),
  ];
  const queue = [...keys];
  await Promise.all(Array.from({ length: 16 }, async () => {
    for (let k = queue.shift(); k; k = queue.shift()) await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: k, Body: Buffer.from('xy') }));
  }));
  const a = await writeFakeBackup(stores.remote!, { id: 'local-app-20261114T040000Z', createdAt: '2026-11-14T04:00:00Z' });
  const b = await writeFakeBackup(stores.remote!, { id: 'local-app-20261115T040000Z', createdAt: '2026-11-15T04:00:00Z' });

  const listed = await stores.remote!.list();
  assert.equal(listed.length, 1 + 60 + 2);
  assert.deepEqual(listed.filter((e) => e.manifest).map((e) => e.id), [a.id, b.id]);
  assert.equal(listed.find((e) => e.id === 'local-app-20200101T000000Z')?.size, 2002);

  const merged = await listBackupsWithRemote(stores, { remote: true }, recordingContext());
  assert.deepEqual(merged.backups.map((x) => [x.id, x.location]), [[b.id, 'remote'], [a.id, 'remote']]);
  assert.equal(merged.leftovers.length, 61);

  await stores.remote!.remove('local-app-20200101T000000Z');
  const after = await stores.remote!.list();
  assert.equal(after.length, 62);
  assert.equal(after.some((e) => e.id === 'local-app-20200101T000000Z'), false);
});

test('sync: uploads what the remote lacks or holds differently, downloads what the local store lacks', async (t) => {
  const s3 = await withServer(t);
  const { stores } = storesFor(t, s3.endpoint, { storage: 'local' });
  const onlyLocal = await writeFakeBackup(stores.local, { id: 'local-app-20261110T000000Z', createdAt: '2026-11-10T00:00:00Z' });
  const both = await writeFakeBackup(stores.local, { id: 'local-app-20261111T000000Z', createdAt: '2026-11-11T00:00:00Z' });
  await writeFakeBackup(stores.remote!, { id: both.id, createdAt: both.createdAt, files: { 'dump.pgcustom': 4096 } });
  // Same id, same size, different bytes: only the checksum tells.
  const differsLocal = await writeFakeBackup(stores.local, { id: 'local-app-20261112T000000Z', createdAt: '2026-11-12T00:00:00Z' });
  await writeFakeBackup(stores.remote!, { id: differsLocal.id, createdAt: differsLocal.createdAt });
  const onlyRemote = await writeFakeBackup(stores.remote!, { id: 'local-app-20261113T000000Z', createdAt: '2026-11-13T00:00:00Z' });
  // `both` holds different random bytes remotely too: make it identical first.
  await stores.remote!.remove(both.id);
  await uploadBackup(stores, both.id, recordingContext());

  const plan = await syncBackups(stores, { dryRun: true }, recordingContext());
  assert.deepEqual(plan.actions.map((a) => [a.id, a.action, a.reason, a.result]), [
    [onlyRemote.id, 'download', 'missing locally', 'planned'],
    [differsLocal.id, 'upload', 'the remote copy differs (SHA-256); the local copy replaces it', 'planned'],
    [both.id, 'unchanged', 'same files in both (SHA-256)', 'skipped'],
    [onlyLocal.id, 'upload', 'missing remotely', 'planned'],
  ]);
  assert.equal((await stores.local.list()).length, 3, 'dry run changed nothing');

  const r = await syncBackups(stores, {}, recordingContext());
  assert.deepEqual([r.uploaded, r.downloaded, r.unchanged, r.failed], [2, 1, 1, 0]);
  const again = await syncBackups(stores, {}, recordingContext());
  assert.deepEqual(again.actions.map((a) => a.action), ['unchanged', 'unchanged', 'unchanged', 'unchanged']);
  for (const id of [onlyLocal.id, both.id, differsLocal.id, onlyRemote.id]) {
    const l = await stores.local.readManifest(id);
    const rm = await stores.remote!.readManifest(id);
    assert.deepEqual(l, rm, id);
    for (const f of l!.files) assert.equal((await sha256Of(stores.remote!, id, f.name)).sha256, f.sha256);
  }
});

test('injected faults: 500s, an upload cut off mid-body and a download cut off mid-body are retried, then succeed', async (t) => {
  const s3 = await withServer(t);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.stop());
  const { stores } = storesFor(t, proxy.endpoint, { s3: { partSize: 5 * MiB } });
  const m = await writeFakeBackup(stores.local, { id: 'local-app-20261114T050000Z', files: { 'dump.pgcustom': 6 * MiB } });

  proxy.failNext(2, { match: (r) => r.method === 'PUT' });
  proxy.dropNext(1, { during: 'request', match: (r) => r.method === 'PUT' && /partNumber=2/.test(r.url) });
  const ctx = recordingContext();
  assert.equal((await uploadBackup(stores, m.id, ctx, { backoffMs: 10 })).status, 'copied');
  const outcomes = proxy.log.map((r) => r.outcome);
  assert.equal(outcomes.filter((o) => o === 'failed').length, 2);
  assert.equal(outcomes.filter((o) => o === 'dropped-request').length, 1);
  assert.deepEqual(await sha256Of(stores.remote!, m.id, 'dump.pgcustom'), { sha256: m.files[0]!.sha256, size: m.files[0]!.size });

  const other = storesFor(t, proxy.endpoint);
  proxy.dropNext(1, { during: 'response', match: (r) => r.method === 'GET' && r.url.includes('/dump.pgcustom') });
  proxy.failNext(1, { status: 503, match: (r) => r.method === 'GET' && r.url.includes('/dump.pgcustom') });
  const dctx = recordingContext();
  assert.equal((await downloadBackup(other.stores, m.id, dctx, { backoffMs: 10 })).status, 'copied');
  assert.ok(proxy.log.some((r) => r.outcome === 'dropped-response'));
  assert.ok(dctx.messages().some((msg) => /trying again/.test(msg)), 'the cut-off download was retried whole');
  assert.deepEqual(await sha256Of(other.stores.local, m.id, 'dump.pgcustom'), { sha256: m.files[0]!.sha256, size: m.files[0]!.size });
});

test('persistent faults: a clear error, the local copy kept, the backup not uploaded and nothing left remotely', async (t) => {
  const s3 = await withServer(t);
  const proxy = await startFaultProxy(s3.endpoint);
  t.after(() => proxy.stop());
  const { stores } = storesFor(t, proxy.endpoint, { s3: { maxAttempts: 2 } });
  const m = await writeFakeBackup(stores.local, { id: 'local-app-20261114T060000Z', files: { 'dump.pgcustom': 300_000 } });

  proxy.failNext(1_000, { match: (r) => r.method === 'PUT' });
  const e = await rejects(uploadBackup(stores, m.id, recordingContext(), { backoffMs: 10 }), 'backup-upload-failed');
  assert.match(e.what, /Uploading local-app-20261114T060000Z\/dump\.pgcustom failed at s3:\/\/pglc-test \(127\.0\.0\.1:\d+\)/);
  assert.match(e.why, /InternalError.*HTTP 500/);
  assert.match(e.fix, /local copy .* is kept/);
  assert.equal(e.details?.localCopyKept, true);
  assert.equal(proxy.log.filter((r) => r.outcome === 'failed').length, 2 * 3, 'SDK attempts × whole-file attempts');

  const ctx = recordingContext();
  const outcome = await uploadAfterCreate(stores, m, ctx, { backoffMs: 10 });
  assert.equal(outcome.uploaded, false);
  assert.equal(outcome.location, 'local');
  assert.equal(outcome.error?.code, 'backup-upload-failed');
  assert.ok(ctx.messages().some((msg) => msg.includes('kept locally only')));

  proxy.clear();
  assert.deepEqual(await stores.local.readManifest(m.id), m, 'local copy intact');
  assert.deepEqual(await stores.remote!.list(), [], 'no remote object, complete or partial');
});

test('clear errors: bucket missing, access denied, endpoint unreachable, credentials missing — never a secret', async (t) => {
  const s3 = await withServer(t);
  const secret = 'sup3r-s3cret-value';
  const missing = storesFor(t, s3.endpoint, { bucket: 'no-such-bucket' }).stores;
  const e1 = await rejects(missing.remote!.list(), 'storage-bucket-missing');
  assert.match(e1.what, /"no-such-bucket" does not exist at 127\.0\.0\.1:\d+/);

  const denied = storesFor(t, s3.endpoint, { vars: { BACKUP_S3_ACCESS_KEY: 'AKIAWRONGKEY', BACKUP_S3_SECRET_KEY: secret } }).stores;
  const e2 = await rejects(denied.remote!.list(), 'storage-access-denied');
  assert.match(e2.what, /s3:\/\/pglc-test/);
  assert.match(e2.fix, /BACKUP_S3_ACCESS_KEY/);

  const closed = storesFor(t, 'http://127.0.0.1:1', { s3: { maxAttempts: 1 } }).stores;
  const e3 = await rejects(closed.remote!.list(), 'storage-unreachable');
  assert.match(e3.what, /cannot reach the backup storage at 127\.0\.0\.1:1/);

  const none = storesFor(t, s3.endpoint, { vars: {} }).stores;
  const e4 = await rejects(none.remote!.list(), 'storage-credentials-missing');
  assert.match(e4.why, /BACKUP_S3_ACCESS_KEY/);

  const half = storesFor(t, s3.endpoint, { vars: { BACKUP_S3_ACCESS_KEY: 'x' } }).stores;
  await rejects(half.remote!.list(), 'storage-credentials-missing');

  for (const e of [e1, e2, e3, e4]) {
    const text = JSON.stringify(e.toPayload());
    assert.ok(!text.includes(secret) && !text.includes('AKIAWRONGKEY'), text);
  }
  // A local-only project has no remote: upload says how to configure one.
  const localOnly = tempProject();
  t.after(() => localOnly.cleanup());
  const stores = openStores(localOnly.project, {});
  await rejects(uploadBackup(stores, 'latest', recordingContext()), 'storage-not-configured');
});
