// prune against real stores: the local folder and s3rver. Retention decisions are unit-tested in
// test/unit/backup-retention.test.ts; here: both stores are pruned from one decision, the dry run
// lists reasons and deletes nothing, leftovers past the grace period go and younger ones stay,
// and the command line prints the reasons.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startS3Server, S3RVER_KEY } from '../harness/s3-server';
import { tempProject, recordingContext } from '../harness/project';
import { runPglc, tempProject as tempCliProject } from '../harness/cli';
import { writeFakeBackup } from '../harness/s3-fixtures';
import { openStores } from '../../core/storage/open-stores';
import { pruneBackups } from '../../core/backup/prune';
import { uploadBackup } from '../../core/backup/upload';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');

test('prune applies one retention decision to the local store and S3, and removes leftovers past the grace period', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  const p = tempProject({}, {});
  t.after(() => p.cleanup());
  const project = {
    ...p.project,
    environments: { local: { name: 'local', protected: false } },
    backup: { storage: 's3' as const, path: 'backups', encrypt: false, preMigration: 'protected' as const, retention: { count: 2 }, s3: { endpoint: s3.endpoint, bucket: s3.bucket, forcePathStyle: true } },
  };
  const stores = openStores(project, { BACKUP_S3_ACCESS_KEY: S3RVER_KEY, BACKUP_S3_SECRET_KEY: S3RVER_KEY });
  t.after(() => stores.close());
  // "now" is 8 hours ahead: what was written during the test is 8 h old.
  const now = new Date(Date.now() + 8 * HOUR);
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
  const ids = [1, 2, 3, 4].map((d) => `local-app-${stamp(at(d))}`);
  const [b1, b2, b3, b4] = ids as [string, string, string, string];
  for (const [i, id] of ids.entries()) await writeFakeBackup(stores.local, { id, createdAt: at(i + 1).toISOString() });
  await uploadBackup(stores, b1, recordingContext());
  await uploadBackup(stores, b3, recordingContext());
  // b4 is remote-only too, and it is the only verified one: it stays.
  await uploadBackup(stores, b4, recordingContext());
  await stores.remote!.writeVerifyRecord(b4, { at: new Date().toISOString(), result: 'ok', deep: false });
  await stores.local.remove(b4);
  // Leftovers: an old local one, a fresh local one (mtime 1 h before "now"), a remote one (8 h old).
  const oldLeft = `local-app-${stamp(at(10))}`;
  const freshLeft = `local-app-${stamp(at(0.05))}`;
  for (const id of [oldLeft, freshLeft]) {
    mkdirSync(join(p.root, 'backups', id), { recursive: true });
    writeFileSync(join(p.root, 'backups', id, 'dump.pgcustom.partial'), 'partial');
  }
  const fresh = new Date(now.getTime() - HOUR);
  utimesSync(join(p.root, 'backups', freshLeft, 'dump.pgcustom.partial'), fresh, fresh);
  utimesSync(join(p.root, 'backups', freshLeft), fresh, fresh);
  const remoteLeft = `local-app-${stamp(at(11))}`;
  const w = await stores.remote!.createFileWriter(remoteLeft, 'dump.pgcustom');
  w.stream.end(Buffer.from('half a dump'));
  await w.done;

  const ctx = recordingContext({ now: () => now });
  const plan = await pruneBackups(project, stores, { dryRun: true }, ctx);
  assert.deepEqual(plan.decisions.map((d) => [d.id, d.location, d.action, d.summary]), [
    [b1, 'both', 'keep', 'kept: newest backup and one of the 2 newest'],
    [b2, 'local', 'keep', 'kept: one of the 2 newest'],
    [b3, 'both', 'delete', 'deleted: beyond the 2 newest'],
    [b4, 'remote', 'keep', 'kept: newest verified backup'],
  ]);
  const leftovers: Record<string, [string, string]> = Object.fromEntries(plan.leftovers.map((l) => [`${l.location}:${l.id}`, [l.action, l.reason]]));
  assert.deepEqual(Object.keys(leftovers).sort(), [`local:${freshLeft}`, `local:${oldLeft}`, `remote:${remoteLeft}`].sort());
  assert.equal(leftovers[`local:${freshLeft}`]![0], 'keep');
  assert.match(leftovers[`local:${freshLeft}`]![1], /last written 1\.0 h ago — may still be running \(grace 6 h\)/);
  assert.equal(leftovers[`local:${oldLeft}`]![0], 'delete');
  assert.match(leftovers[`local:${oldLeft}`]![1], /past the 6 h grace period/);
  assert.equal(leftovers[`remote:${remoteLeft}`]![0], 'delete');
  assert.equal(plan.deleted, 3);
  assert.ok(plan.decisions.every((d) => d.removedFrom.length === 0));
  assert.equal(readdirSync(join(p.root, 'backups')).length, 5, 'dry run deleted nothing');

  const r = await pruneBackups(project, stores, {}, ctx);
  assert.deepEqual(r.decisions.find((d) => d.id === b3)?.removedFrom, ['local', 'remote']);
  assert.deepEqual(readdirSync(join(p.root, 'backups')).sort(), [b1, b2, freshLeft].sort());
  assert.deepEqual((await stores.remote!.list()).map((e) => e.id).sort(), [b1, b4].sort());

  // Again: nothing more to do.
  const again = await pruneBackups(project, stores, {}, ctx);
  assert.equal(again.deleted, 0);
});

test('prune --env touches only that environment; an unreachable remote is reported and the local store still pruned', async (t) => {
  const p = tempProject();
  t.after(() => p.cleanup());
  const project = {
    ...p.project,
    environments: { local: { name: 'local', protected: false }, staging: { name: 'staging', protected: false } },
    backup: { storage: 'local' as const, path: 'backups', encrypt: false, preMigration: 'protected' as const, retention: { count: 1 }, s3: { endpoint: 'http://127.0.0.1:1', bucket: 'gone' } },
  };
  const stores = openStores(project, { BACKUP_S3_ACCESS_KEY: 'k', BACKUP_S3_SECRET_KEY: 's', BACKUP_S3_MAX_ATTEMPTS: '1' });
  t.after(() => stores.close());
  const now = new Date();
  for (const env of ['local', 'staging']) {
    for (const d of [1, 2]) {
      const created = new Date(now.getTime() - d * DAY);
      await writeFakeBackup(stores.local, { id: `${env}-app-${stamp(created)}`, environment: env, createdAt: created.toISOString() });
    }
  }
  const r = await pruneBackups(project, stores, { environment: 'staging' }, recordingContext());
  assert.deepEqual(r.decisions.map((d) => [d.environment, d.action]), [['staging', 'keep'], ['staging', 'delete']]);
  assert.equal(r.storeErrors.length, 1);
  assert.equal(r.storeErrors[0]!.error.code, 'storage-unreachable');
  const left = readdirSync(join(p.root, 'backups')).sort();
  assert.equal(left.filter((id) => id.startsWith('local-')).length, 2);
  assert.equal(left.filter((id) => id.startsWith('staging-')).length, 1);
});

test('pglc backup prune --dry-run prints what would go and why; prune deletes it (local + S3, through the binary)', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  const toml = [
    '[backup]',
    'storage = "s3"',
    'retention = { days = 3, count = 1 }  # a comment that must survive',
    '',
    '[backup.s3]',
    `endpoint = "${s3.endpoint}"`,
    `bucket = "${s3.bucket}"`,
    'prefix = "cli"',
    '',
  ].join('\n');
  const p = tempCliProject({ 'pglc.toml': toml, '.gitignore': 'backups/\n' });
  t.after(() => p.cleanup());
  const project = {
    root: p.dir, file: join(p.dir, 'pglc.toml'), name: 'x', migrations: [], migrationTable: '_m', lockTimeoutMs: 1000,
    environments: { local: { name: 'local', protected: false } }, defaultEnvironment: 'local',
    backup: { storage: 's3' as const, path: 'backups', encrypt: false, preMigration: 'protected' as const, retention: {}, s3: { endpoint: s3.endpoint, bucket: s3.bucket, prefix: 'cli', forcePathStyle: true } },
    lint: { assumeInTransaction: true, rules: {}, exclude: [] },
    restore: { anonymizeRules: 'pglc/anonymize.yaml' },
  };
  const stores = openStores(project, s3.env);
  t.after(() => stores.close());
  const now = Date.now();
  const made: string[] = [];
  for (const d of [0.5, 5, 9]) {
    const created = new Date(now - d * DAY);
    const id = `local-app-${stamp(created)}`;
    made.push(id);
    await writeFakeBackup(stores.local, { id, createdAt: created.toISOString() });
    await uploadBackup(stores, id, recordingContext());
  }
  const dry = await runPglc(['backup', 'prune', '--dry-run'], { cwd: p.dir, env: s3.env });
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, new RegExp(`would delete\\s+${made[1]}\\s+both\\s+\\S+ \\S+\\s+older than 3 days and beyond the 1 newest`));
  assert.match(dry.stdout, new RegExp(`keep\\s+${made[0]}\\s+both\\s+\\S+ \\S+\\s+newest backup, within 3 days and one of the 1 newest`));
  assert.match(dry.stdout, /Would delete 2 \(/);

  const json = await runPglc(['backup', 'prune', '--json'], { cwd: p.dir, env: s3.env });
  assert.equal(json.code, 0, json.stdout + json.stderr);
  const res = json.result!.result;
  assert.equal(res.deleted, 2);
  assert.deepEqual(res.decisions.filter((d: { action: string }) => d.action === 'delete').map((d: { removedFrom: string[] }) => d.removedFrom), [['local', 'remote'], ['local', 'remote']]);
  assert.deepEqual((await stores.remote!.list()).map((e) => e.id), [made[0]]);
  assert.deepEqual(readdirSync(join(p.dir, 'backups')), [made[0]]);
});
