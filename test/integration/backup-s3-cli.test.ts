// The remote-storage commands end to end through the real `pglc` binary against s3rver:
// storage set / config (pglc.toml edited in place, comments kept, never a credential or key),
// upload, sync, download, status — human and --json (stderr carries only JSON events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startS3Server } from '../harness/s3-server';
import { runPglc, tempProject } from '../harness/cli';
import { writeFakeBackup } from '../harness/s3-fixtures';
import { createTestDatabase } from '../harness/database';
import { loadProject } from '../../core/config/load-config';
import { openStores } from '../../core/storage/open-stores';

const TOML = `# Shop database lifecycle
[project]
name = "shop"   # the name

[environments.prod]
url = "\${DATABASE_URL}"
protected = true

# Backups: see docs/backup-storage.md
[backup]
storage = "local"                     # or "s3" with [backup.s3]
path = "backups"
encrypt = false
retention = { days = 30, count = 10 }   # rules, union

[lint]
assume_in_transaction = true
`;

test('storage set and config edit pglc.toml in place: comments kept, values read back, no secrets; invalid results refused', async (t) => {
  const p = tempProject({ 'pglc.toml': TOML });
  t.after(() => p.cleanup());
  const file = join(p.dir, 'pglc.toml');

  const set = await runPglc(['backup', 'storage', 'set', 's3', '--endpoint', 'minio.lan:9000', '--bucket', 'db-backups', '--prefix', 'shop', '--path-style', '--json'], { cwd: p.dir, env: { BACKUP_S3_ACCESS_KEY: '', BACKUP_S3_SECRET_KEY: '', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
  assert.equal(set.code, 0, set.stdout + set.stderr);
  assert.deepEqual(set.result!.result.changed, ['backup.storage', 'backup.s3.endpoint', 'backup.s3.bucket', 'backup.s3.prefix', 'backup.s3.force_path_style']);
  assert.deepEqual(set.result!.result.credentials, { variables: ['BACKUP_S3_ACCESS_KEY', 'BACKUP_S3_SECRET_KEY'], set: false });
  const cfg = await runPglc(['backup', 'config', '--retention', '14', '--keep-weekly', '4', '--json'], { cwd: p.dir });
  assert.equal(cfg.code, 0, cfg.stdout + cfg.stderr);
  assert.deepEqual(cfg.result!.result.changed, ['backup.retention.days', 'backup.retention.keep_weekly']);
  assert.equal(
    readFileSync(file, 'utf8'),
    TOML.replace('storage = "local"                     # or', 'storage = "s3"                        # or')
      .replace('retention = { days = 30, count = 10 }   # rules, union', 'retention = { days = 14, count = 10, keep_weekly = 4 }   # rules, union')
      .replace('\n[lint]', '\n[backup.s3]\nendpoint = "minio.lan:9000"\nbucket = "db-backups"\nprefix = "shop"\nforce_path_style = true\n\n[lint]'),
  );
  const project = await loadProject({ env: {}, cwd: p.dir });
  assert.deepEqual(project.backup, {
    storage: 's3', path: 'backups', encrypt: false, retention: { days: 14, count: 10, keepWeekly: 4 }, preMigration: 'protected',
    s3: { endpoint: 'minio.lan:9000', bucket: 'db-backups', prefix: 'shop', forcePathStyle: true },
  });

  // --encrypt without a key: a key is generated and printed once, and written nowhere.
  const enc = await runPglc(['backup', 'config', '--encrypt'], { cwd: p.dir, env: { BACKUP_ENCRYPTION_KEY: '' } });
  assert.equal(enc.code, 0, enc.stderr);
  const key = /BACKUP_ENCRYPTION_KEY=(\S+)/.exec(enc.stdout)?.[1];
  assert.ok(key && Buffer.from(key, 'base64').length === 32, enc.stdout);
  assert.match(enc.stdout, /store it now/);
  assert.ok(!readFileSync(file, 'utf8').includes(key));
  assert.match(readFileSync(file, 'utf8'), /^encrypt = true$/m);
  const again = await runPglc(['backup', 'config', '--encrypt', '--json'], { cwd: p.dir, env: { BACKUP_ENCRYPTION_KEY: key } });
  assert.equal(again.result!.result.generatedKey, undefined, 'a key is generated only once');
  assert.match(again.result!.result.existingKeyId, /^[0-9a-f]{16}$/);
  assert.deepEqual(again.result!.result.changed, []);

  // Credentials are refused, not written.
  const creds = await runPglc(['backup', 'storage', 'set', 's3', '--access-key', 'AKIAXXXX', '--secret-key', 'hunter2', '--json'], { cwd: p.dir });
  assert.equal(creds.code, 2);
  assert.ok(!readFileSync(file, 'utf8').includes('hunter2'));
  const bad = await runPglc(['backup', 'config', '--retention', 'ten', '--json'], { cwd: p.dir });
  assert.equal(bad.code, 2);

  // A file whose [backup] is an inline table at the root: appending a [backup] table would be a
  // duplicate — the result does not parse, so nothing is written.
  const inline = 'backup = { storage = "local" }\n\n[project]\nname = "x"\n';
  writeFileSync(file, inline);
  const refused = await runPglc(['backup', 'config', '--retention', '7', '--json'], { cwd: p.dir });
  assert.equal(refused.code, 1);
  assert.equal(refused.result!.error!.code, 'config-invalid');
  assert.match(refused.result!.error!.what, /would make pglc\.toml invalid, so it was not written/);
  assert.equal(readFileSync(file, 'utf8'), inline);
});

test('upload, sync, download, status and list through the binary; errors are clear and secret-free', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  const p = tempProject({ 'pglc.toml': TOML.replace('count = 10', 'count = 1'), '.gitignore': 'backups/\n.pglc/\n' });
  t.after(() => p.cleanup());
  const env = { ...s3.env };
  const set = await runPglc(['backup', 'storage', 'set', 's3', '--endpoint', s3.endpoint, '--bucket', s3.bucket, '--prefix', 'cli'], { cwd: p.dir, env });
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /Credentials: found in the environment/);
  const project = await loadProject({ env: {}, cwd: p.dir });
  const stores = openStores(project, env);
  t.after(() => stores.close());
  const day = 86_400_000;
  const older = await writeFakeBackup(stores.local, { id: 'prod-shop-20261101T020000Z', environment: 'prod', database: 'shop', createdAt: new Date(Date.now() - 2 * day).toISOString(), files: { 'dump.pgcustom.zst': 200_000 } });
  const newer = await writeFakeBackup(stores.local, { id: 'prod-shop-20261102T020000Z', environment: 'prod', database: 'shop', createdAt: new Date(Date.now() - day).toISOString() });

  const up = await runPglc(['backup', 'upload', 'latest', '--env', 'prod', '--json'], { cwd: p.dir, env });
  assert.equal(up.code, 0, up.stdout + up.stderr);
  assert.equal(up.result!.result!.id, newer.id);
  assert.equal(up.result!.result!.to, 's3://pglc-test/cli');
  assert.ok(up.events.length > 0 && up.events.every((e) => typeof e.type === 'string'), 'stderr is JSON events only');
  const human = await runPglc(['backup', 'upload', newer.id], { cwd: p.dir, env });
  assert.match(human.stdout, /is already in s3:\/\/pglc-test\/cli \(same SHA-256\)/);

  const sync = await runPglc(['backup', 'sync'], { cwd: p.dir, env });
  assert.equal(sync.code, 0, sync.stderr);
  assert.match(sync.stdout, /Uploaded 1, downloaded 0; 1 already in both/);
  rmSync(join(p.dir, 'backups', older.id), { recursive: true });
  const down = await runPglc(['backup', 'download', older.id, '--json'], { cwd: p.dir, env });
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.equal(down.result!.result!.direction, 'download');
  assert.deepEqual(JSON.parse(readFileSync(join(p.dir, 'backups', older.id, 'manifest.json'), 'utf8')), older);

  await stores.local.writeVerifyRecord(older.id, { at: new Date().toISOString(), result: 'ok', deep: true });
  const status = await runPglc(['backup', 'status', '--env', 'prod', '--json'], { cwd: p.dir, env: { ...env, HOME: p.dir } });
  assert.equal(status.code, 0, status.stdout + status.stderr);
  const s = status.result!.result;
  assert.equal(s.latest.id, newer.id);
  assert.equal(s.latest.location, 'both');
  assert.equal(s.latestVerified.id, older.id);
  assert.equal(s.local.count, 2);
  assert.equal(s.remote.count, 2);
  assert.equal(s.remote.store, 's3://pglc-test/cli');
  assert.equal(s.local.newest, newer.createdAt);
  assert.equal(s.local.oldest, older.createdAt);
  assert.equal(s.storage, 's3');
  // count = 1 keeps the newest; the older one is the newest verified: retention removes nothing.
  assert.deepEqual(s.retention.wouldDelete, []);
  const text = await runPglc(['backup', 'status'], { cwd: p.dir, env: { ...env, HOME: p.dir } });
  assert.match(text.stdout, /Latest backup: {3}prod-shop-20261102T020000Z .* not verified/);
  assert.match(text.stdout, /Remote: s3:\/\/pglc-test\/cli — 2 backup\(s\)/);
  assert.match(text.stdout, /Next prune removes nothing/);

  // A wrong key: a clear error naming the bucket, exit 1, and the secret nowhere in the output.
  const secret = 'wr0ng-s3cret-d0-not-print';
  const denied = await runPglc(['backup', 'upload', older.id, '--json'], { cwd: p.dir, env: { BACKUP_S3_ACCESS_KEY: 'AKIANOPE', BACKUP_S3_SECRET_KEY: secret } });
  assert.equal(denied.code, 1);
  assert.equal(denied.result!.error!.code, 'storage-access-denied');
  assert.ok(!(denied.stdout + denied.stderr).includes(secret));
  const status2 = await runPglc(['backup', 'status', '--json'], { cwd: p.dir, env: { BACKUP_S3_ACCESS_KEY: 'AKIANOPE', BACKUP_S3_SECRET_KEY: secret, HOME: p.dir } });
  assert.equal(status2.code, 0, 'status reports an unreachable remote instead of failing');
  assert.equal(status2.result!.result.remote.error.code, 'storage-access-denied');
  assert.equal(status2.result!.result.local.count, 2);

  const missing = await runPglc(['backup', 'download', 'prod-nothing', '--json'], { cwd: p.dir, env });
  assert.equal(missing.result!.error!.code, 'backup-not-found');
});

test('backup create with storage = "s3": uploaded right away; with a refused key it stays local-only, never "uploaded"', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  const db = await createTestDatabase('s3create');
  t.after(() => db.drop());
  await db.query('create table items (id int primary key, body text); insert into items select g, repeat(md5(g::text), 20) from generate_series(1, 2000) g');
  const toml = [
    '[environments.test]', 'url = "${TEST_DATABASE_URL}"', '',
    '[backup]', 'storage = "s3"', '',
    '[backup.s3]', `endpoint = "${s3.endpoint}"`, `bucket = "${s3.bucket}"`, '',
  ].join('\n');
  const p = tempProject({ 'pglc.toml': toml, '.gitignore': 'backups/\n.pglc/\n' });
  t.after(() => p.cleanup());
  const env = { ...s3.env, TEST_DATABASE_URL: db.url };

  const created = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(created.code, 0, created.stdout + created.stderr);
  const r = created.result!.result!;
  assert.equal(r.location, 'both');
  assert.equal(r.upload.uploaded, true);
  const id = r.manifest.id;
  const listed = await runPglc(['backup', 'list', '--remote', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(listed.result!.result!.backups.map((b: { id: string; location: string }) => [b.id, b.location]), [[id, 'both']]);
  // The remote copy is whole: download it into another project and compare the manifests.
  const other = tempProject({ 'pglc.toml': toml });
  t.after(() => other.cleanup());
  const down = await runPglc(['backup', 'download', id, '--json'], { cwd: other.dir, env });
  assert.equal(down.code, 0, down.stdout + down.stderr);
  assert.deepEqual(JSON.parse(readFileSync(join(other.dir, 'backups', id, 'manifest.json'), 'utf8')), r.manifest);

  const refused = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env: { ...env, BACKUP_S3_ACCESS_KEY: 'AKIANOPE' } });
  assert.equal(refused.code, 0, 'the backup itself succeeded');
  const rr = refused.result!.result!;
  assert.equal(rr.location, 'local');
  assert.equal(rr.upload.uploaded, false);
  assert.equal(rr.upload.error.code, 'storage-access-denied');
  assert.ok(refused.events.some((e) => e.type === 'log' && e.level === 'warn' && /kept locally only/.test(e.message)));
  const after = await runPglc(['backup', 'list', '--remote', '--env', 'test', '--json'], { cwd: p.dir, env });
  const locations = Object.fromEntries(after.result!.result!.backups.map((b: { id: string; location: string }) => [b.id, b.location]));
  assert.equal(locations[rr.manifest.id], 'local');
  assert.equal(locations[id], 'both');
});
