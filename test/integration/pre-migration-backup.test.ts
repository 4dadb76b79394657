// The pre-migration backup through the real binary: always on protected environments, opt-in
// elsewhere, never skipped on production, and no migration runs when the backup fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';

const files = (toml: string) => ({
  'pglc.toml': toml,
  '.gitignore': 'backups/\n',
  'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int);\nINSERT INTO a VALUES (1), (2);\n-- Down\nDROP TABLE a;\n',
  'pglc/migrations/0002_b.sql': '-- Up\nCREATE TABLE b (id int);\n-- Down\nDROP TABLE b;\n',
});

function backupsOf(dir: string): { id: string; tags: string[]; tables: { name: string }[] }[] {
  const root = join(dir, 'backups');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'manifest.json')))
    .map((d) => JSON.parse(readFileSync(join(root, d, 'manifest.json'), 'utf8')));
}

test('protected environment: a pre-migration backup is taken before anything is applied', async (t) => {
  const db = await createTestDatabase('premig');
  const p = tempProject(files(tomlFor({ protected: true })));
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  const first = await runPglc(['db', 'migrate', '--env', 'test', '--to', '0001', '--json'], { cwd: p.dir, env });
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assert.ok(first.result!.result.preMigrationBackup, 'the result names the backup');

  const second = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(second.code, 0, second.stdout + second.stderr);
  const backups = backupsOf(p.dir);
  assert.equal(backups.length, 2);
  assert.ok(backups.every((b) => b.tags.includes('pre-migration')));
  const beforeSecond = backups.find((b) => b.id === second.result!.result.preMigrationBackup.id)!;
  assert.deepEqual(beforeSecond.tables.map((x) => x.name), ['_pglc_migrations', 'a'], 'taken before 0002 ran: has a, not b');

  const nothing = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(nothing.result!.result.preMigrationBackup, undefined, 'nothing pending, no backup');
  assert.equal(backupsOf(p.dir).length, 2);
});

test('--no-backup is refused on a protected environment, and nothing is applied', async (t) => {
  const db = await createTestDatabase('premig');
  const p = tempProject(files(tomlFor({ protected: true })));
  t.after(async () => { p.cleanup(); await db.drop(); });
  const r = await runPglc(['db', 'migrate', '--env', 'test', '--no-backup', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url } });
  assert.equal(r.code, 1);
  assert.equal(r.result!.error!.code, 'guard-blocked');
  assert.equal((await db.query("select to_regclass('a') is null as none")).rows[0].none, true);
});

test('a failing pre-migration backup stops the migration', async (t) => {
  const db = await createTestDatabase('premig');
  const toml = tomlFor({ protected: true }) + '\n[backup]\nencrypt = true\n';
  const p = tempProject(files(toml));
  t.after(async () => { p.cleanup(); await db.drop(); });
  const r = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url, BACKUP_ENCRYPTION_KEY: undefined } });
  assert.equal(r.code, 1);
  assert.equal(r.result!.error!.code, 'backup-failed');
  assert.match(r.result!.error!.what, /No migration was applied/);
  assert.match(r.result!.error!.fix, /BACKUP_ENCRYPTION_KEY/);
  assert.equal((await db.query("select to_regclass('a') is null as none")).rows[0].none, true);
});

test('unprotected: no backup by default; pre_migration = "always" backs up; --no-backup skips it', async (t) => {
  const db = await createTestDatabase('premig');
  const p = tempProject(files(tomlFor() + '\n[backup]\npre_migration = "always"\n'));
  const plain = tempProject(files(tomlFor()));
  t.after(async () => { p.cleanup(); plain.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  const skipped = await runPglc(['db', 'migrate', '--env', 'test', '--to', '0001', '--no-backup', '--json'], { cwd: p.dir, env });
  assert.equal(skipped.code, 0, skipped.stdout);
  assert.equal(backupsOf(p.dir).length, 0);
  const always = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(always.code, 0, always.stdout);
  assert.equal(backupsOf(p.dir).length, 1);

  const db2 = await createTestDatabase('premig');
  t.after(() => db2.drop());
  const none = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: plain.dir, env: { TEST_DATABASE_URL: db2.url } });
  assert.equal(none.code, 0, none.stdout);
  assert.equal(none.result!.result.preMigrationBackup, undefined);
  assert.equal(backupsOf(plain.dir).length, 0);
});
