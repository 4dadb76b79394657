// A restore whose biggest table is big enough to split (over 64 MB): `pglc restore --jobs 2`
// loads its rows in two pg_restore streams side by side and the result equals the source (zstd,
// and gzip with encryption); and a
// backup damaged past its head (its SHA-256 taken over the damage) fails during that split load
// with the target untouched and no restore database left behind.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { damageBeforeStoring, databasesLike, dropWithRestoreLeftovers, q } from '../harness/restore-helpers';
import { fingerprint } from '../fixtures/backup/fingerprint';
import { generateKey } from '../../core/crypto/backup-key';

const toml = ['[project]', 'name = "split"', '', '[environments.test]', 'url = "${TEST_DATABASE_URL}"', ''].join('\n');

describe('pglc restore: a big table loaded in streams side by side', () => {
  it('restores the same rows, and a backup damaged past its head fails while loading with nothing touched', async (t) => {
    const db = await createTestDatabase('rssplit');
    const p = tempProject({ 'pglc.toml': toml });
    t.after(async () => {
      p.cleanup();
      await dropWithRestoreLeftovers(db.name);
    });
    await db.query(`CREATE TABLE big (id bigint PRIMARY KEY, note text NOT NULL, payload text);
      INSERT INTO big SELECT g, E'row\\t' || g || E'\\nwith a new line', repeat(md5(g::text), 3) FROM generate_series(1, 500000) g;
      CREATE TABLE small (id int PRIMARY KEY, big_id bigint REFERENCES big);
      INSERT INTO small SELECT g, g * 7 FROM generate_series(1, 1000) g;
      ANALYZE`);
    await db.close();
    const env = { TEST_DATABASE_URL: db.url };
    const created = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(created.code, 0, created.stdout + created.stderr);
    const id = created.result!.result.manifest.id as string;
    const big = created.result!.result.manifest.tables.find((x: { name: string }) => x.name === 'big');
    assert.ok(big.bytes > 64 * 1024 * 1024, `big must be over the split threshold (it is ${big.bytes} bytes)`);
    const original = await fingerprint((s) => q(db.name, s));
    await q(db.name, 'DELETE FROM small; DELETE FROM big WHERE id % 2 = 0');

    const run = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--jobs', '2', '--json'], { cwd: p.dir, env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.ok(run.events.some((e) => 'message' in e && /public\.big in 2 streams side by side/.test(String(e.message))), 'the big table was split');
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), original);
    const setting = await q('postgres', 'SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = $1', [db.name]);
    assert.deepEqual(setting.rows, [], 'the load\'s settings are not left on the restored database');
    assert.equal((await runPglc(['restore', 'drop-old', '--all', '--env', 'test', '--json'], { cwd: p.dir, env })).code, 0);

    // gzip and encrypted: the stored bytes are decrypted and decompressed by pglc itself on the way to the router.
    const keyed = { ...env, BACKUP_ENCRYPTION_KEY: generateKey().key };
    const gz = await runPglc(['backup', 'create', '--env', 'test', '--compress', 'gzip', '--encrypt', '--json'], { cwd: p.dir, env: keyed });
    assert.equal(gz.code, 0, gz.stdout + gz.stderr);
    await q(db.name, 'DELETE FROM small');
    const gzRun = await runPglc(['restore', gz.result!.result.manifest.id, '--env', 'test', '--no-backup', '--jobs', '2', '--json'], { cwd: p.dir, env: keyed });
    assert.equal(gzRun.code, 0, gzRun.stdout + gzRun.stderr);
    assert.ok(gzRun.events.some((e) => 'message' in e && /in 2 streams side by side/.test(String(e.message))), 'split again');
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), original);
    assert.equal((await runPglc(['restore', 'drop-old', '--all', '--env', 'test', '--json'], { cwd: p.dir, env })).code, 0);

    // Damage far past the head, with the manifest's SHA-256 taken over it.
    damageBeforeStoring(join(p.dir, 'backups', id), 0.7);
    const before = await fingerprint((s) => q(db.name, s));
    const broken = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--jobs', '2', '--json'], { cwd: p.dir, env });
    assert.equal(broken.code, 1, broken.stdout);
    assert.equal(broken.result!.error!.code, 'backup-corrupt', broken.stdout);
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), before, 'the target is untouched');
    assert.deepEqual(await databasesLike(`${db.name}__`), [], 'the unfinished copy was dropped');
  });
});
