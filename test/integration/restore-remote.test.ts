// A restore of a backup that is only on S3-compatible storage (s3rver on loopback): it is
// downloaded first (checked by SHA-256), then restored. A local copy damaged after the fact is
// replaced by the remote one (downloaded again, checked) before anything is restored; without a
// remote copy it stops the restore at the check, with nothing touched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startS3Server } from '../harness/s3-server';
import { runPglc, tempProject } from '../harness/cli';
import { createTestDatabase } from '../harness/database';
import { dropWithRestoreLeftovers, q } from '../harness/restore-helpers';

test('restore latest of a backup only on S3: downloaded, checked, restored; a damaged local copy is downloaded again', async (t) => {
  const s3 = await startS3Server();
  t.after(() => s3.stop());
  const db = await createTestDatabase('rsremote');
  t.after(() => dropWithRestoreLeftovers(db.name));
  await db.query('CREATE TABLE items (id int PRIMARY KEY, body text); INSERT INTO items SELECT g, md5(g::text) FROM generate_series(1, 3000) g');
  await db.close();
  const toml = ['[environments.test]', 'url = "${TEST_DATABASE_URL}"', '', '[backup]', 'storage = "s3"', '', '[backup.s3]', `endpoint = "${s3.endpoint}"`, `bucket = "${s3.bucket}"`, ''].join('\n');
  const p = tempProject({ 'pglc.toml': toml, '.gitignore': 'backups/\n.pglc/\n' });
  t.after(() => p.cleanup());
  const env = { ...s3.env, TEST_DATABASE_URL: db.url };
  const created = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(created.result!.result.location, 'both', created.stdout + created.stderr);
  const id = created.result!.result.manifest.id as string;

  rmSync(join(p.dir, 'backups', id), { recursive: true, force: true });
  await q(db.name, 'DELETE FROM items WHERE id > 100');
  const r = await runPglc(['restore', 'latest', '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.result!.result.plan.backup.id, id);
  assert.ok(r.events.some((e) => /only in .*downloading it first/.test(e.message ?? '')), 'says it downloads');
  assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM items')).rows[0].n, 3000);

  // Damage the (now downloaded) local copy.
  const dir = join(p.dir, 'backups', id);
  const dump = readdirSync(dir).find((f) => f.startsWith('dump'))!;
  const bytes = readFileSync(join(dir, dump));
  bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 0xff;
  writeFileSync(join(dir, dump), bytes);
  await q(db.name, 'DELETE FROM items WHERE id > 200');
  const again = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env });
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assert.ok(again.events.some((e) => /is damaged; downloading it again/.test(e.message ?? '')));
  assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM items')).rows[0].n, 3000);

  // Without the remote copy, the damaged one stops the restore at the check.
  const damaged = readFileSync(join(dir, dump));
  damaged[damaged.length - 10] = damaged[damaged.length - 10]! ^ 0xff;
  writeFileSync(join(dir, dump), damaged);
  await q(db.name, 'DELETE FROM items WHERE id > 300');
  const local = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env: { ...env, BACKUP_S3_ACCESS_KEY: 'AKIANOPE' } });
  assert.equal(local.result!.error!.code, 'backup-corrupt', local.stdout);
  assert.match(local.result!.error!.fix, /pglc backup download/);
  assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM items')).rows[0].n, 300, 'nothing touched');
});
