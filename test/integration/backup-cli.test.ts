// The smaller backup commands through the real `pglc` binary: delete and its guard on protected
// environments, id resolution errors, --env filtering, and the one-off db dump / db load.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { generateKey } from '../../core/crypto/backup-key';
import { fingerprint, manyTypesSql } from '../fixtures/backup/fingerprint';

const toml = (opts: { protected?: boolean } = {}) =>
  ['[project]', 'name = "bkcli"', '', '[environments.test]', 'url = "${TEST_DATABASE_URL}"', opts.protected ? 'protected = true' : '',
    '', '[environments.copy]', 'url = "${COPY_DATABASE_URL}"', opts.protected ? 'protected = true' : '', ''].join('\n');

describe('backup delete', () => {
  it('on a protected environment, a backup younger than 7 days needs the database name; older ones and leftovers do not', async (t) => {
    const db = await createTestDatabase('bkdel');
    const p = tempProject({ 'pglc.toml': toml({ protected: true }) });
    t.after(async () => {
      p.cleanup();
      await db.drop();
    });
    await db.query('CREATE TABLE t (id int); INSERT INTO t VALUES (1)');
    const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: db.url };
    const create = async (name: string) => (await runPglc(['backup', 'create', '--env', 'test', '--name', name, '--json'], { cwd: p.dir, env })).result!.result.manifest.id as string;
    const recent = await create('recent');
    const old = await create('old');
    // Make "old" ten days old (the manifest stays valid: only its time changes).
    const mPath = join(p.dir, 'backups', old, 'manifest.json');
    const m = JSON.parse(readFileSync(mPath, 'utf8'));
    m.createdAt = new Date(Date.now() - 10 * 24 * 3600 * 1000).toISOString();
    writeFileSync(mPath, JSON.stringify(m));
    mkdirSync(join(p.dir, 'backups', 'test-bkdel-20200101T000000Z'));
    writeFileSync(join(p.dir, 'backups', 'test-bkdel-20200101T000000Z', 'dump.pgcustom.zst.partial'), 'x');

    const blocked = await runPglc(['backup', 'delete', recent, '--json'], { cwd: p.dir, env });
    assert.equal(blocked.code, 1);
    assert.equal(blocked.result!.error!.code, 'confirmation-required');
    assert.match(blocked.result!.error!.fix, new RegExp(`--confirm ${db.name}`));
    const wrong = await runPglc(['backup', 'delete', recent, '--confirm', 'nope', '--json'], { cwd: p.dir, env });
    assert.equal(wrong.result!.error!.code, 'confirmation-mismatch');
    assert.ok(existsSync(join(p.dir, 'backups', recent)), 'nothing deleted without confirmation');

    const ok = await runPglc(['backup', 'delete', recent, '--confirm', db.name, '--json'], { cwd: p.dir, env });
    assert.equal(ok.code, 0, ok.stdout);
    assert.deepEqual(ok.result!.result, { id: recent, complete: true, size: ok.result!.result.size, environment: 'test' });
    const oldDel = await runPglc(['backup', 'delete', old, '--json'], { cwd: p.dir, env });
    assert.equal(oldDel.code, 0, oldDel.stdout);
    const left = await runPglc(['backup', 'delete', 'test-bkdel-20200101T000000Z', '--json'], { cwd: p.dir, env });
    assert.equal(left.code, 0, left.stdout);
    assert.equal(left.result!.result.complete, false);
    const list = await runPglc(['backup', 'list', '--json'], { cwd: p.dir, env });
    assert.deepEqual([list.result!.result.backups, list.result!.result.leftovers], [[], []]);
  });

  it('ids: not found, ambiguous, latest per --env; list --env filters', async (t) => {
    const db = await createTestDatabase('bkids');
    const other = await createTestDatabase('bkids');
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await db.drop();
      await other.drop();
    });
    const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: other.url };
    for (const e of ['test', 'copy', 'test']) {
      const r = await runPglc(['backup', 'create', '--env', e, '--json'], { cwd: p.dir, env });
      assert.equal(r.code, 0, r.stdout);
    }
    const all = (await runPglc(['backup', 'list', '--json'], { cwd: p.dir, env })).result!.result;
    assert.equal(all.backups.length, 3);
    assert.deepEqual(all.backups.map((b: { environment: string }) => b.environment), ['test', 'copy', 'test'], 'newest first');
    const copyOnly = (await runPglc(['backup', 'list', '--env', 'copy', '--json'], { cwd: p.dir, env })).result!.result;
    assert.equal(copyOnly.environment, 'copy');
    assert.deepEqual(copyOnly.backups.map((b: { environment: string }) => b.environment), ['copy']);
    const latestCopy = await runPglc(['backup', 'info', 'latest', '--env', 'copy', '--json'], { cwd: p.dir, env });
    assert.equal(latestCopy.result!.result.manifest.environment, 'copy');
    const missing = await runPglc(['backup', 'info', 'nope', '--json'], { cwd: p.dir, env });
    assert.equal(missing.result!.error!.code, 'backup-not-found');
    const ambiguous = await runPglc(['backup', 'verify', 'test-', '--json'], { cwd: p.dir, env });
    assert.equal(ambiguous.result!.error!.code, 'backup-ambiguous');
    assert.equal(ambiguous.result!.error!.details.candidates.length, 2);
    const human = await runPglc(['backup', 'list'], { cwd: p.dir, env });
    assert.match(human.stdout, /^id\s+created \(UTC\)\s+size\s+format\s+tags\s+encrypted\s+location\s+verified$/m);
  });
});

describe('db dump and db load', () => {
  it('dump in every format the name asks for, load each into an empty database: same data', async (t) => {
    const src = await createTestDatabase('bkdump');
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await src.drop();
    });
    await src.query(manyTypesSql);
    for (const [file, format, compression] of [['all.dump.zst', 'custom', 'zstd'], ['all.sql.gz', 'plain', 'gzip'], ['all.dump', 'custom', 'none'], ['all.sql.zst', 'plain', 'zstd']] as const) {
      const dst = await createTestDatabase('bkload');
      t.after(() => dst.drop());
      const env = { TEST_DATABASE_URL: src.url, COPY_DATABASE_URL: dst.url };
      const d = await runPglc(['db', 'dump', '--env', 'test', '-o', file, '--json'], { cwd: p.dir, env });
      assert.equal(d.code, 0, d.stdout + d.stderr);
      assert.deepEqual([d.result!.result.format, d.result!.result.compression], [format, compression]);
      assert.equal(d.result!.result.file, join(p.dir, file));
      const again = await runPglc(['db', 'dump', '--env', 'test', '-o', file, '--json'], { cwd: p.dir, env });
      assert.equal(again.result!.error!.code, 'file-exists');
      const l = await runPglc(['db', 'load', file, '--env', 'copy', '--json'], { cwd: p.dir, env });
      assert.equal(l.code, 0, l.stdout + l.stderr);
      assert.deepEqual([l.result!.result.format, l.result!.result.compression, l.result!.result.tool], [format, compression, format === 'custom' ? 'pg_restore' : 'psql']);
      const a = await fingerprint((s) => src.query(s));
      const b = await fingerprint((s) => dst.query(s));
      assert.deepEqual(b, a, file);
    }
  });

  it('default name, --schema-only; loading into a protected environment needs the name; a failed load changes nothing', async (t) => {
    const src = await createTestDatabase('bkdump2');
    const dst = await createTestDatabase('bkload2');
    const p = tempProject({ 'pglc.toml': toml({ protected: true }) });
    t.after(async () => {
      p.cleanup();
      await src.drop();
      await dst.drop();
    });
    await src.query('CREATE TABLE items (id int PRIMARY KEY, name text); INSERT INTO items SELECT g, g::text FROM generate_series(1, 100) g;');
    const env = { TEST_DATABASE_URL: src.url, COPY_DATABASE_URL: dst.url, BACKUP_ENCRYPTION_KEY: generateKey().key };
    const d = await runPglc(['db', 'dump', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(d.code, 0, d.stdout);
    assert.match(d.result!.result.file, new RegExp(`/${src.name}-\\d{8}T\\d{6}Z\\.dump\\.zst$`));
    const schema = await runPglc(['db', 'dump', '--env', 'test', '--schema-only', '-o', 'schema.sql', '--json'], { cwd: p.dir, env });
    assert.equal(schema.code, 0);
    const sql = readFileSync(join(p.dir, 'schema.sql'), 'utf8');
    assert.match(sql, /CREATE TABLE public\.items/);
    assert.doesNotMatch(sql, /COPY public\.items/);

    const guarded = await runPglc(['db', 'load', d.result!.result.file, '--env', 'copy', '--json'], { cwd: p.dir, env });
    assert.equal(guarded.result!.error!.code, 'confirmation-required');
    const loaded = await runPglc(['db', 'load', d.result!.result.file, '--env', 'copy', '--confirm', dst.name, '--json'], { cwd: p.dir, env });
    assert.equal(loaded.code, 0, loaded.stdout);
    assert.equal((await dst.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 100);

    // Loading the same dump again fails (the table exists) — in one transaction, so nothing changes.
    await dst.query('INSERT INTO items VALUES (1000, \'mine\')');
    const twice = await runPglc(['db', 'load', d.result!.result.file, '--env', 'copy', '--confirm', dst.name, '--json'], { cwd: p.dir, env });
    assert.equal(twice.code, 1);
    assert.equal(twice.result!.error!.code, 'load-failed');
    assert.match(twice.result!.error!.why, /already exists/);
    assert.equal((await dst.query('SELECT count(*)::int AS n FROM items')).rows[0].n, 101);

    const plainTwice = await runPglc(['db', 'load', 'schema.sql', '--env', 'copy', '--confirm', dst.name, '--json'], { cwd: p.dir, env });
    assert.equal(plainTwice.result!.error!.code, 'load-failed');
    assert.match(plainTwice.result!.error!.why, /ERROR: +relation "items" already exists/);

    const missing = await runPglc(['db', 'load', 'nope.dump', '--env', 'copy', '--confirm', dst.name, '--json'], { cwd: p.dir, env });
    assert.equal(missing.result!.error!.code, 'file-not-found');

    const b = await runPglc(['backup', 'create', '--env', 'test', '--encrypt', '--json'], { cwd: p.dir, env });
    const encFile = join(p.dir, 'backups', b.result!.result.manifest.id, 'dump.pgcustom.zst.enc');
    const enc = await runPglc(['db', 'load', encFile, '--env', 'copy', '--confirm', dst.name, '--json'], { cwd: p.dir, env });
    assert.equal(enc.result!.error!.code, 'backup-unsupported');
    assert.match(enc.result!.error!.fix, /pglc backup decrypt/);
  });
});

describe('backup compression setting', () => {
  it('`backup config --compress zstd:9` writes [backup] compression; new backups use it unless --compress says otherwise; a bad value is refused', async (t) => {
    const db = await createTestDatabase('bkcomp');
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await db.drop();
    });
    await db.query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 100)');
    const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: db.url };
    const file = join(p.dir, 'pglc.toml');

    const set = await runPglc(['backup', 'config', '--compress', 'zstd:9', '--json'], { cwd: p.dir, env });
    assert.equal(set.code, 0, set.stderr);
    assert.deepEqual(set.result!.result.changed, ['backup.compression']);
    assert.equal(set.result!.result.compression, 'zstd:9');
    assert.match(readFileSync(file, 'utf8'), /^compression = "zstd:9"$/m);

    const configured = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.deepEqual(configured.result!.result.manifest.compression, { algorithm: 'zstd', level: 9 });
    const flagged = await runPglc(['backup', 'create', '--env', 'test', '--compress', 'gzip', '--json'], { cwd: p.dir, env });
    assert.equal(flagged.result!.result.manifest.compression.algorithm, 'gzip');

    const typo = await runPglc(['backup', 'config', '--compress', 'zstd:30', '--json'], { cwd: p.dir, env });
    assert.equal(typo.code, 2);
    assert.match(typo.result!.error!.why, /zstd levels go from 1 to 19/);
    writeFileSync(file, readFileSync(file, 'utf8').replace('compression = "zstd:9"', 'compression = "lz4"'));
    const invalid = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(invalid.result!.error!.code, 'config-invalid');
    assert.match(invalid.result!.error!.what, /"backup\.compression" must be "zstd"/);
  });
});
