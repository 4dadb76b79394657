// The whole life of a backup through the real `pglc` binary, on a database with many kinds of
// objects: create (encrypted) → list → info → verify → verify --deep (a scratch restore on the
// project's embedded local PostgreSQL, row counts compared) → decrypt → pg_restore into a fresh
// database whose data is identical to the source's.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';
import { generateKey } from '../../core/crypto/backup-key';
import { localSocketDir, stopLocalCluster } from '../../core/db/local-cluster';
import { runProcess } from '../../core/process/run-process';
import { fingerprint, manyTypesRows, manyTypesSql } from '../fixtures/backup/fingerprint';

describe('backup round trip on a database with many types', () => {
  let source: TestDatabase;
  let copy: TestDatabase;
  let project: ReturnType<typeof tempProject>;
  let env: Record<string, string>;
  let id: string;
  const key = generateKey();

  before(async () => {
    source = await createTestDatabase('bkrt');
    copy = await createTestDatabase('bkrtcopy');
    await source.query(manyTypesSql);
    project = tempProject({ 'pglc.toml': tomlFor(), '.gitignore': 'backups/\n.pglc/\n' });
    env = { TEST_DATABASE_URL: source.url, BACKUP_ENCRYPTION_KEY: key.key };
  });

  after(async () => {
    await stopLocalCluster(project.dir, { env: process.env, cwd: project.dir }).catch(() => undefined);
    rmSync(localSocketDir(project.dir), { recursive: true, force: true });
    project.cleanup();
    await source.drop();
    await copy.drop();
  });

  it('create: encrypted, zstd, custom format, tables with exact row counts, progress events', async () => {
    const r = await runPglc(['backup', 'create', '--env', 'test', '--name', 'round trip', '--encrypt', '--tag', 'pre-migration', '--json'], { cwd: project.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = r.result!.result.manifest;
    id = m.id;
    assert.match(id, /^test-bkrt_[0-9a-f]{10}-\d{8}T\d{6}Z-round_trip$/);
    assert.equal(r.result!.result.location, 'local');
    assert.deepEqual([m.format, m.scope, m.compression.algorithm, m.compression.level, m.encryption.algorithm, m.encryption.keyId], ['custom', 'full', 'zstd', 3, 'aes-256-gcm-chunked', key.keyId]);
    assert.deepEqual(m.tags, ['pre-migration']);
    assert.equal(m.files.length, 1);
    assert.equal(m.files[0].name, 'dump.pgcustom.zst.enc');
    assert.equal(m.largeObjects, 6);
    const rows = Object.fromEntries(m.tables.map((t: { schema: string; name: string; rows?: number }) => [`${t.schema}.${t.name}`, t.rows]));
    assert.deepEqual(rows, manyTypesRows);
    assert.equal(JSON.stringify(m).includes(key.key), false, 'the key never appears in the manifest');
    assert.ok(r.events.some((e) => e.type === 'progress' && e.unit === 'tables'), 'table progress');
    assert.ok(r.events.some((e) => e.type === 'progress' && e.unit === 'bytes'), 'byte progress');
    assert.deepEqual(readdirSync(join(project.dir, 'backups', id)).sort(), ['dump.pgcustom.zst.enc', 'manifest.json']);
    assert.ok(!r.events.some((e) => e.type === 'log' && e.level === 'warn'), JSON.stringify(r.events.filter((e) => e.type === 'log')));
  });

  it('list and info show it, not yet verified', async () => {
    const list = await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env });
    assert.equal(list.code, 0, list.stdout + list.stderr);
    assert.deepEqual(list.result!.result.leftovers, []);
    const [b] = list.result!.result.backups;
    assert.equal(b.id, id);
    assert.deepEqual([b.encrypted, b.complete, b.location, b.lastVerifyResult], [true, true, 'local', undefined]);
    const info = await runPglc(['backup', 'info', 'latest', '--json'], { cwd: project.dir, env });
    assert.equal(info.result!.result.manifest.id, id);
    assert.equal(info.result!.result.complete, true);
    const human = await runPglc(['backup', 'info', id.slice(0, 20)], { cwd: project.dir, env });
    assert.equal(human.code, 0, human.stderr);
    assert.match(human.stdout, new RegExp(`key id ${key.keyId}`));
    assert.match(human.stdout, /billing\.Invoices\s+1200 rows/);
  });

  it('verify: checksums, authenticated decryption, pg_restore --list', async () => {
    const r = await runPglc(['backup', 'verify', 'latest', '--json'], { cwd: project.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const v = r.result!.result;
    assert.deepEqual([v.id, v.ok, v.deep], [id, true, false]);
    assert.ok(v.checks.some((c: string) => /pg_restore --list reads the archive \(\d+ entries\)/.test(c)), v.checks.join('; '));
    assert.ok(v.checks.some((c: string) => c.includes(key.keyId)));
  });

  it('verify --deep: a scratch restore on the local PostgreSQL matches every row count, then is dropped', async () => {
    const r = await runPglc(['backup', 'verify', id, '--deep', '--json'], { cwd: project.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const v = r.result!.result;
    assert.equal(v.deep, true);
    assert.equal(v.tablesChecked, Object.keys(manyTypesRows).length);
    assert.equal(v.rowsCompared, Object.keys(manyTypesRows).length);
    assert.ok(v.checks.some((c: string) => c === '6 large objects present'), v.checks.join('; '));
    const list = await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env });
    const b = list.result!.result.backups[0];
    assert.deepEqual([b.lastVerifyResult, b.lastVerifyDeep], ['ok', true]);
    // The scratch database is gone.
    const dbs = await runPglc(['db', 'status', '--json'], { cwd: project.dir, env });
    assert.equal(dbs.code, 0);
    const sock = localSocketDir(project.dir);
    const psql = await runProcess('psql', ['-X', '-At', '-h', sock, '-p', String(dbs.result!.result.local.port), '-U', 'postgres', '-d', 'postgres', '-c', "select count(*) from pg_database where datname like 'pglc_verify_%'"]);
    assert.equal(psql.stdout.trim(), '0', psql.stderr);
  });

  it('decrypt -o gives a file pg_restore restores into identical data', async () => {
    const out = join(project.dir, 'restored.dump');
    const r = await runPglc(['backup', 'decrypt', 'latest', '-o', 'restored.dump', '--json'], { cwd: project.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.result!.result.output, out);
    assert.match(r.result!.result.restoreHint, /^pg_restore -d DBNAME restored\.dump$/);
    const again = await runPglc(['backup', 'decrypt', 'latest', '-o', 'restored.dump', '--json'], { cwd: project.dir, env });
    assert.equal(again.result!.error!.code, 'file-exists');
    const restore = await runProcess('pg_restore', ['--no-owner', '--exit-on-error', '-d', copy.name, out], {
      env: { PATH: process.env.PATH, PGHOST: copy.target.host, PGPORT: String(copy.target.port), PGUSER: copy.target.user, PGPASSWORD: copy.target.password },
    });
    assert.equal(restore.code, 0, restore.stderr);
    assert.deepEqual(await fingerprint((s) => copy.query(s)), await fingerprint((s) => source.query(s)));
    assert.ok(existsSync(out));
  });

  for (const format of ['directory', 'plain']) {
    it(`verify --deep of a ${format}-format backup`, async () => {
      const args = ['backup', 'create', '--env', 'test', '--format', format, '--encrypt', '--json', ...(format === 'directory' ? ['--jobs', '2'] : [])];
      const c = await runPglc(args, { cwd: project.dir, env });
      assert.equal(c.code, 0, c.stdout + c.stderr);
      const r = await runPglc(['backup', 'verify', c.result!.result.manifest.id, '--deep', '--json'], { cwd: project.dir, env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.equal(r.result!.result.rowsCompared, Object.keys(manyTypesRows).length);
    });
  }

  it('verify --deep fails (and records it) when the restore does not match the manifest', async () => {
    const c = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: project.dir, env });
    const bid = c.result!.result.manifest.id;
    const mPath = join(project.dir, 'backups', bid, 'manifest.json');
    const m = JSON.parse(readFileSync(mPath, 'utf8'));
    m.tables.find((t: { name: string }) => t.name === 'users').rows = 499;
    m.tables.push({ schema: 'public', name: 'gone', rowEstimate: 1, rows: 1 });
    writeFileSync(mPath, JSON.stringify(m));
    const r = await runPglc(['backup', 'verify', bid, '--deep', '--json'], { cwd: project.dir, env });
    assert.equal(r.code, 1);
    const err = r.result!.error!;
    assert.equal(err.code, 'backup-verify-failed');
    assert.match(err.why, /public\.users has 500 rows, the manifest 499/);
    assert.match(err.why, /public\.gone is missing/);
    const v = JSON.parse(readFileSync(join(project.dir, 'backups', bid, 'verify.json'), 'utf8'));
    assert.deepEqual([v.result, v.deep], ['failed', true]);
  });
});
