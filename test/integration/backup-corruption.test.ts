// Damage is caught: a flipped byte and a truncated file fail verify (and the failure is
// recorded), a wrong key is `backup-key-wrong` naming the expected key id, a missing key is
// `backup-key-missing` — through the real `pglc` binary, for encrypted and plain backups.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSync, readFileSync, readSync, closeSync, writeSync, statSync, truncateSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';
import { generateKey } from '../../core/crypto/backup-key';

function flipByte(file: string, at: number): void {
  const fd = openSync(file, 'r+');
  try {
    const b = Buffer.alloc(1);
    readSync(fd, b, 0, 1, at);
    b[0] = b[0]! ^ 0x10;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

describe('damaged backups and keys', () => {
  let db: TestDatabase;
  let project: ReturnType<typeof tempProject>;
  const key = generateKey();
  const other = generateKey();
  let env: Record<string, string>;

  before(async () => {
    db = await createTestDatabase('bkbad');
    await db.query(`CREATE TABLE t (id int PRIMARY KEY, s text);
                    INSERT INTO t SELECT g, md5(g::text) || repeat('x', g % 50) FROM generate_series(1, 20000) g;`);
    project = tempProject({ 'pglc.toml': tomlFor() });
    env = { TEST_DATABASE_URL: db.url, BACKUP_ENCRYPTION_KEY: key.key };
  });
  after(async () => {
    project.cleanup();
    await db.drop();
  });

  async function create(args: string[], extraEnv: Record<string, string> = {}): Promise<{ id: string; file: string; manifest: any }> {
    const r = await runPglc(['backup', 'create', '--env', 'test', '--json', ...args], { cwd: project.dir, env: { ...env, ...extraEnv } });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const m = r.result!.result.manifest;
    return { id: m.id, manifest: m, file: join(project.dir, 'backups', m.id, m.files[m.files.length - 1].name) };
  }

  async function verify(id: string, extraEnv: Record<string, string | undefined> = {}) {
    return runPglc(['backup', 'verify', id, '--json'], { cwd: project.dir, env: { ...env, ...extraEnv } });
  }

  function verifyRecord(id: string): { result: string; message?: string } | undefined {
    const p = join(project.dir, 'backups', id, 'verify.json');
    return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
  }

  for (const c of [
    { name: 'encrypted (zstd)', args: ['--encrypt'], why: /chunk #\d+ failed authentication|SHA-256/ },
    { name: 'not encrypted (zstd)', args: ['--no-encrypt'], why: /SHA-256|zstd/ },
    { name: 'not encrypted, not compressed, plain SQL', args: ['--no-encrypt', '--compress', 'none', '--format', 'plain'], why: /SHA-256/ },
    { name: 'directory format, encrypted', args: ['--encrypt', '--format', 'directory', '--jobs', '2'], why: /chunk #\d+ failed authentication|SHA-256/ },
  ]) {
    it(`a flipped byte is caught by verify: ${c.name}`, async () => {
      const b = await create(c.args);
      assert.equal((await verify(b.id)).code, 0);
      flipByte(b.file, Math.floor(statSync(b.file).size / 2));
      const r = await verify(b.id);
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.result!.error!.code, 'backup-corrupt');
      assert.match(r.result!.error!.why, c.why);
      assert.equal(verifyRecord(b.id)?.result, 'failed', 'the failure is recorded');
      const list = await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env });
      assert.equal(list.result!.result.backups.find((x: { id: string }) => x.id === b.id).lastVerifyResult, 'failed');
    });
  }

  for (const c of [
    { name: 'encrypted', args: ['--encrypt'], cut: 1000 },
    { name: 'not encrypted', args: ['--no-encrypt'], cut: 1 },
  ]) {
    it(`a truncated file: listed as incomplete, and verify says the file is truncated (${c.name})`, async () => {
      const b = await create(c.args);
      truncateSync(b.file, statSync(b.file).size - c.cut);
      const list = await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env });
      assert.equal(list.result!.result.backups.some((x: { id: string }) => x.id === b.id), false, 'never listed as a backup');
      assert.ok(list.result!.result.leftovers.some((x: { id: string }) => x.id === b.id));
      const r = await verify(b.id);
      assert.equal(r.result!.error!.code, 'backup-corrupt');
      assert.match(r.result!.error!.why, /truncated|failed authentication/);
      assert.equal(verifyRecord(b.id)?.result, 'failed');
      const info = await runPglc(['backup', 'info', b.id, '--json'], { cwd: project.dir, env });
      assert.equal(info.result!.result.complete, false);
    });
  }

  it('a wrong key: backup-key-wrong naming the expected key id, and no failed verification recorded', async () => {
    const b = await create(['--encrypt']);
    for (const cmd of [['backup', 'verify', b.id], ['backup', 'decrypt', b.id, '-o', 'x.dump']]) {
      const r = await runPglc([...cmd, '--json'], { cwd: project.dir, env: { ...env, BACKUP_ENCRYPTION_KEY: other.key } });
      assert.equal(r.code, 1);
      assert.equal(r.result!.error!.code, 'backup-key-wrong');
      assert.match(r.result!.error!.why, new RegExp(`encrypted with key id ${key.keyId}.*key with id ${other.keyId}`));
      assert.equal(r.result!.error!.details.expectedKeyId, key.keyId);
      assert.ok(!r.stdout.includes(other.key) && !r.stderr.includes(other.key), 'the key is never printed');
    }
    assert.equal(verifyRecord(b.id), undefined);
    assert.equal(existsSync(join(project.dir, 'x.dump')), false);
  });

  it('a missing key: backup-key-missing saying what to set (verify, decrypt, and create --encrypt before anything runs)', async () => {
    const b = await create(['--encrypt']);
    for (const cmd of [['backup', 'verify', b.id], ['backup', 'decrypt', b.id, '-o', 'x.dump']]) {
      const r = await runPglc([...cmd, '--json'], { cwd: project.dir, env: { ...env, BACKUP_ENCRYPTION_KEY: '' } });
      assert.equal(r.result!.error!.code, 'backup-key-missing');
      assert.match(r.result!.error!.fix, new RegExp(`BACKUP_ENCRYPTION_KEY to the key with id ${key.keyId}`));
    }
    const before = (await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env })).result!.result;
    const r = await runPglc(['backup', 'create', '--env', 'test', '--encrypt', '--json'], { cwd: project.dir, env: { ...env, BACKUP_ENCRYPTION_KEY: '' } });
    assert.equal(r.result!.error!.code, 'backup-key-missing');
    const afterList = (await runPglc(['backup', 'list', '--json'], { cwd: project.dir, env })).result!.result;
    assert.equal(afterList.backups.length + afterList.leftovers.length, before.backups.length + before.leftovers.length, 'nothing was started');
    const bad = await runPglc(['backup', 'create', '--env', 'test', '--encrypt', '--json'], { cwd: project.dir, env: { ...env, BACKUP_ENCRYPTION_KEY: 'not-a-key' } });
    assert.equal(bad.result!.error!.code, 'backup-key-invalid');
    assert.ok(!bad.stdout.includes('not-a-key'));
  });
});
