// What a restore refuses, and that a refusal touches nothing: a corrupted backup (found by the
// check, or — damaged before it was stored — while the new copy loads), a copy whose row counts
// differ from the backup's, a wrong key,
// a protected target without (or with a wrong) typed name, --no-backup on a protected target,
// a protected environment's data going elsewhere without --anonymize; and the locks: a restore
// waits for a migration holding the database's lock, and fails clearly when it does not end.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, testCluster } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { damageBeforeStoring, databasesLike, dropWithRestoreLeftovers, q } from '../harness/restore-helpers';
import { generateKey } from '../../core/crypto/backup-key';
import { lockKey } from '../../core/db/advisory-lock';
import { fingerprint } from '../fixtures/backup/fingerprint';

const toml = (opts: { protectedTest?: boolean; lockTimeout?: string } = {}) => [
  '[project]', 'name = "rss"', opts.lockTimeout ? `lock_timeout = ${opts.lockTimeout}` : '', '',
  '[environments.test]', 'url = "${TEST_DATABASE_URL}"', opts.protectedTest ? 'protected = true' : '', '',
  '[environments.copy]', 'url = "${COPY_DATABASE_URL}"', '',
].join('\n');

async function setUp(t: { after(fn: () => Promise<void>): void }, opts: Parameters<typeof toml>[0] = {}, extraEnv: Record<string, string> = {}) {
  const db = await createTestDatabase('rssafe');
  const copy = await createTestDatabase('rscopy');
  const p = tempProject({ 'pglc.toml': toml(opts) });
  t.after(async () => {
    p.cleanup();
    await dropWithRestoreLeftovers(db.name);
    await dropWithRestoreLeftovers(copy.name);
  });
  await db.query("CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL UNIQUE); INSERT INTO people SELECT g, 'p' || g || '@corp.example' FROM generate_series(1, 50) g");
  await db.close();
  await copy.query('CREATE TABLE marker (x int); INSERT INTO marker VALUES (42)');
  await copy.close();
  const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: copy.url, ...extraEnv };
  const b = await runPglc(['backup', 'create', '--env', 'test', '--json', ...(extraEnv.BACKUP_ENCRYPTION_KEY ? ['--encrypt'] : [])], { cwd: p.dir, env });
  assert.equal(b.code, 0, b.stdout + b.stderr);
  await q(db.name, 'DELETE FROM people WHERE id > 40');
  return { db, copy, p, env, id: b.result!.result.manifest.id as string };
}

async function untouched(name: string, before: Record<string, string>) {
  assert.deepEqual(await fingerprint((s) => q(name, s)), before, `${name} must be untouched`);
  assert.deepEqual(await databasesLike(`${name}__`), [], 'no restore databases were created');
}

describe('pglc restore refuses, and touches nothing', () => {
  it('a corrupted backup stops at the check, before the plan', async (t) => {
    const { db, p, env, id } = await setUp(t);
    const before = await fingerprint((s) => q(db.name, s));
    const dir = join(p.dir, 'backups', id);
    const dump = readdirSync(dir).find((f) => f.startsWith('dump'))!;
    const bytes = readFileSync(join(dir, dump));
    const at = Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x40;
    writeFileSync(join(dir, dump), bytes);
    const r = await runPglc(['restore', id, '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.result!.error!.code, 'backup-corrupt', r.stdout);
    await untouched(db.name, before);
  });

  it('a backup damaged before it was stored (its SHA-256 taken over the damage) fails while the new copy loads: the target is untouched, the copy dropped', async (t) => {
    const { db, p, env, id } = await setUp(t);
    // Enough data that the damage lies past the head the check decompresses.
    await q(db.name, "CREATE TABLE filler (id int, t text); INSERT INTO filler SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 200000) g");
    const big = await runPglc(['backup', 'create', '--env', 'test', '--name', 'big', '--json'], { cwd: p.dir, env });
    assert.equal(big.code, 0, big.stderr);
    const bigId = big.result!.result.manifest.id as string;
    const before = await fingerprint((s) => q(db.name, s));
    const length = damageBeforeStoring(join(p.dir, 'backups', bigId), 0.8);
    assert.ok(length > 1_000_000, `the archive is ${length} bytes`);
    const r = await runPglc(['restore', bigId, '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.result!.error!.code, 'backup-corrupt', r.stdout);
    assert.match(r.result!.error!.what, /does not decompress/);
    await untouched(db.name, before);
    assert.ok(id);
  });

  it('a copy whose rows differ from what the backup recorded stops at the check (the statistics\' counts are confirmed by a scan): the copy is dropped', async (t) => {
    const { db, p, env, id } = await setUp(t);
    const before = await fingerprint((s) => q(db.name, s));
    const manifestPath = join(p.dir, 'backups', id, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    manifest.tables.find((x: { name: string }) => x.name === 'people').rows = 49;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const r = await runPglc(['restore', id, '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.result!.error!.code, 'backup-verify-failed', r.stdout);
    assert.match(r.result!.error!.why, /public\.people has 50 rows, the manifest 49/);
    await untouched(db.name, before);
  });

  it('a wrong key stops at the check', async (t) => {
    const key = generateKey();
    const { db, p, env, id } = await setUp(t, {}, { BACKUP_ENCRYPTION_KEY: key.key });
    const before = await fingerprint((s) => q(db.name, s));
    const r = await runPglc(['restore', id, '--env', 'test', '--json'], { cwd: p.dir, env: { ...env, BACKUP_ENCRYPTION_KEY: generateKey().key } });
    assert.equal(r.result!.error!.code, 'backup-key-wrong', r.stdout);
    assert.ok(!r.stdout.includes(key.key) && !r.stderr.includes(key.key), 'the key is never printed');
    await untouched(db.name, before);
    const ok = await runPglc(['restore', id, '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM people')).rows[0].n, 50);
  });

  it('protected target: no name, a wrong name and --no-backup are refused; the typed name restores', async (t) => {
    const { db, p, env } = await setUp(t, { protectedTest: true });
    const before = await fingerprint((s) => q(db.name, s));
    const dry = await runPglc(['restore', 'latest', '--env', 'test', '--dry-run', '--json'], { cwd: p.dir, env });
    assert.equal(dry.result!.result.plan.confirmation, 'typed-name');
    assert.equal(dry.result!.result.plan.target.protected, true);
    const none = await runPglc(['restore', 'latest', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(none.result!.error!.code, 'confirmation-required', none.stdout);
    assert.match(none.result!.error!.fix, new RegExp(`--confirm ${db.name}`));
    const wrong = await runPglc(['restore', 'latest', '--env', 'test', '--confirm', 'prod', '--json'], { cwd: p.dir, env });
    assert.equal(wrong.result!.error!.code, 'confirmation-mismatch', wrong.stdout);
    const noBackup = await runPglc(['restore', 'latest', '--env', 'test', '--no-backup', '--confirm', db.name, '--json'], { cwd: p.dir, env });
    assert.equal(noBackup.result!.error!.code, 'guard-blocked', noBackup.stdout);
    await untouched(db.name, before);
    const ok = await runPglc(['restore', 'latest', '--env', 'test', '--confirm', db.name, '--json'], { cwd: p.dir, env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(ok.result!.result.done.preRestoreBackup.id);
    assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM people')).rows[0].n, 50);
    const undo = await runPglc(['restore', 'undo', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(undo.result!.error!.code, 'confirmation-required', 'undo on a protected environment needs the name too');
  });

  it('data of a protected environment goes elsewhere only with --anonymize', async (t) => {
    const { copy, p, env } = await setUp(t, { protectedTest: true });
    const before = await fingerprint((s) => q(copy.name, s));
    const r = await runPglc(['restore', 'latest', '--env', 'test', '--to', 'copy', '--json'], { cwd: p.dir, env });
    assert.equal(r.result!.error!.code, 'anonymize-required', r.stdout);
    await untouched(copy.name, before);
    const noRules = await runPglc(['restore', 'latest', '--env', 'test', '--to', 'copy', '--anonymize', '--json'], { cwd: p.dir, env });
    assert.equal(noRules.result!.error!.code, 'anonymize-rules-missing', noRules.stdout);
    assert.match(noRules.result!.error!.fix, /pglc data anonymize --suggest/);
    await untouched(copy.name, before);
    writeFileSync(join(p.dir, 'anon.yaml'), 'seed: s1\ntables:\n  people:\n    email: fake\n');
    const ok = await runPglc(['restore', 'latest', '--env', 'test', '--to', 'copy', '--anonymize', '--rules', 'anon.yaml', '--json'], { cwd: p.dir, env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(ok.result!.result.done.anonymized.rows, 50);
    const leaked = await q(copy.name, "SELECT count(*)::int AS n FROM people WHERE email LIKE '%@corp.example'");
    assert.equal(leaked.rows[0].n, 0, 'no original e-mail survives');
    assert.equal((await q(copy.name, 'SELECT count(DISTINCT email)::int AS n FROM people')).rows[0].n, 50, 'unique still holds');
  });

  it('a restore waits for the database\'s lock (a migration) and fails clearly when it is not released', async (t) => {
    const { db, p, env } = await setUp(t, { lockTimeout: '2' });
    const c = testCluster();
    const holder = new pg.Client({ host: c.socketDir, port: c.port, user: c.user, database: db.name, application_name: 'pglc migrate' });
    holder.on('error', () => undefined);
    await holder.connect();
    t.after(() => holder.end().catch(() => undefined));
    await holder.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pglc:mutate')]);
    const before = await fingerprint((s) => q(db.name, s));
    const blocked = await runPglc(['restore', 'latest', '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env });
    assert.equal(blocked.result!.error!.code, 'lock-timeout', blocked.stdout);
    assert.ok(blocked.events.some((e) => /Waiting for another/.test(e.message ?? '')));
    await untouched(db.name, before);
    // Released while the restore waits: it goes on.
    const running = runPglc(['restore', 'latest', '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env: { ...env } });
    await holder.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey('pglc:mutate')]);
    const r = await running;
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});
