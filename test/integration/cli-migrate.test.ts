// The migration commands end to end through the real `pglc` binary against the test cluster.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';

const m = (up: string, down?: string) => `-- Up\n${up}\n${down === undefined ? '' : `\n-- Down\n${down}\n`}`;

test('init → migrate:create → migrate → migrate:status → migrate:rollback, human and --json', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({});
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };

  const init = await runPglc(['init', '--json'], { cwd: p.dir });
  assert.equal(init.code, 0, init.stdout + init.stderr);
  assert.equal(init.result?.ok, true);
  const toml = readFileSync(join(p.dir, 'pglc.toml'), 'utf8');
  writeFileSync(join(p.dir, 'pglc.toml'), toml + '\n' + tomlFor().split('\n').slice(4).join('\n'));

  const created = await runPglc(['db', 'migrate:create', 'create users', '--json'], { cwd: p.dir });
  assert.equal(created.code, 0, created.stderr);
  const file = join(p.dir, created.result!.result.file);
  writeFileSync(file, m('CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);', 'DROP TABLE users;'));
  const second = await runPglc(['db', 'migrate:create', 'add_posts', '--json'], { cwd: p.dir });
  writeFileSync(join(p.dir, second.result!.result.file), m('CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);', 'DROP TABLE posts;'));
  assert.deepEqual(readdirSync(join(p.dir, 'pglc/migrations')).filter((f) => f.endsWith('.sql')).length, 2);

  const status0 = await runPglc(['db', 'migrate:status', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(status0.code, 0, status0.stdout + status0.stderr);
  assert.deepEqual(status0.result!.result.rows.map((r: { state: string }) => r.state), ['pending', 'pending']);

  const applied = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(applied.code, 0, applied.stdout + applied.stderr);
  assert.equal(applied.result!.result.applied.length, 2);
  assert.ok(applied.events.some((e) => e.type === 'progress'), 'progress events on stderr');
  assert.equal((await db.query("select to_regclass('posts') is not null as ok")).rows[0].ok, true);

  const human = await runPglc(['db', 'migrate:status', '--env', 'test'], { cwd: p.dir, env });
  assert.equal(human.code, 0);
  assert.match(human.stdout, /applied/);
  assert.match(human.stdout, /2 applied, 0 pending/);

  const rolled = await runPglc(['db', 'migrate:rollback', '--env', 'test'], { cwd: p.dir, env });
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.match(rolled.stdout, /Rolled back 1 migration/);
  assert.equal((await db.query("select to_regclass('posts') is null as gone")).rows[0].gone, true);
  const status1 = await runPglc(['db', 'migrate:status', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.deepEqual(status1.result!.result.rows.map((r: { state: string }) => r.state), ['applied', 'pending']);
});

test('bad SQL in the 3rd of 5 migrations: two applied, the third rolled back, file:line:column reported', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_a.sql': m('CREATE TABLE a (id int);', 'DROP TABLE a;'),
    'pglc/migrations/0002_b.sql': m('CREATE TABLE b (id int);', 'DROP TABLE b;'),
    'pglc/migrations/0003_c.sql': m('CREATE TABLE c (id int);\nINSERT INTO c VALUES (1);\nSELECT nosuchcolumn FROM c;', 'DROP TABLE c;'),
    'pglc/migrations/0004_d.sql': m('CREATE TABLE d (id int);', 'DROP TABLE d;'),
    'pglc/migrations/0005_e.sql': m('CREATE TABLE e (id int);', 'DROP TABLE e;'),
  });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const r = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url } });
  assert.equal(r.code, 1);
  assert.equal(r.result?.ok, false);
  const err = r.result!.error!;
  assert.equal(err.code, 'migration-failed');
  assert.equal(err.details!.file, 'pglc/migrations/0003_c.sql');
  assert.equal(err.details!.line, 4);
  assert.equal(err.details!.column, 8);
  assert.match(String(err.details!.message), /nosuchcolumn/);
  const tables = (await db.query("select string_agg(relname, ',' order by relname) as t from pg_class where relname in ('a','b','c','d','e') and relkind = 'r'")).rows[0].t;
  assert.equal(tables, 'a,b');
  const recorded = (await db.query('select string_agg(version, \',\' order by version) as v from _pglc_migrations')).rows[0].v;
  assert.equal(recorded, '0001,0002');

  const human = await runPglc(['db', 'migrate', '--env', 'test'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url } });
  assert.equal(human.code, 1);
  assert.match(human.stderr, /pglc\/migrations\/0003_c\.sql:4:8/);
  assert.doesNotMatch(human.stderr, /^\s+at .*\.js:\d+/m, 'no stack trace');
});

test('protected environment: fresh is blocked, rollback needs the typed database name', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({
    'pglc.toml': tomlFor({ protected: true }),
    'pglc/migrations/0001_a.sql': m('CREATE TABLE a (id int);', 'DROP TABLE a;'),
  });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  assert.equal((await runPglc(['db', 'migrate', '--env', 'test'], { cwd: p.dir, env })).code, 0);

  const fresh = await runPglc(['db', 'migrate:fresh', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(fresh.code, 1);
  assert.equal(fresh.result!.error!.code, 'guard-blocked');

  const noConfirm = await runPglc(['db', 'migrate:rollback', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(noConfirm.result!.error!.code, 'confirmation-required');
  assert.equal(noConfirm.result!.error!.details.database, db.name);

  const wrong = await runPglc(['db', 'migrate:rollback', '--env', 'test', '--confirm', 'nope', '--json'], { cwd: p.dir, env });
  assert.equal(wrong.result!.error!.code, 'confirmation-mismatch');
  assert.equal((await db.query("select to_regclass('a') is not null as ok")).rows[0].ok, true, 'nothing changed');

  const right = await runPglc(['db', 'migrate:rollback', '--env', 'test', '--confirm', db.name, '--json'], { cwd: p.dir, env });
  assert.equal(right.code, 0, right.stdout);
  assert.equal((await db.query("select to_regclass('a') is null as gone")).rows[0].gone, true);
});

test('two concurrent `pglc db migrate` processes apply each migration exactly once', async (t) => {
  const db = await createTestDatabase('cli');
  const files: Record<string, string> = { 'pglc.toml': tomlFor() };
  for (let i = 1; i <= 8; i++) {
    const v = String(i).padStart(4, '0');
    files[`pglc/migrations/${v}_t${i}.sql`] = m(`CREATE TABLE t${i} (id int);\nSELECT pg_sleep(0.05);`, `DROP TABLE t${i};`);
  }
  const p = tempProject(files);
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  const [a, b] = await Promise.all([
    runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env }),
    runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env }),
  ]);
  assert.equal(a.code, 0, a.stdout + a.stderr);
  assert.equal(b.code, 0, b.stdout + b.stderr);
  assert.equal(a.result!.result.applied.length + b.result!.result.applied.length, 8);
  const rows = (await db.query('select count(*)::int as n, count(distinct version)::int as d from _pglc_migrations')).rows[0];
  assert.deepEqual(rows, { n: 8, d: 8 });
});

test('an applied migration edited afterwards shows as modified and stops migrate', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_a.sql': m('CREATE TABLE a (id int);', 'DROP TABLE a;'),
  });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  assert.equal((await runPglc(['db', 'migrate', '--env', 'test'], { cwd: p.dir, env })).code, 0);
  writeFileSync(join(p.dir, 'pglc/migrations/0001_a.sql'), m('CREATE TABLE a (id bigint);', 'DROP TABLE a;'));
  writeFileSync(join(p.dir, 'pglc/migrations/0002_b.sql'), m('CREATE TABLE b (id int);', 'DROP TABLE b;'));
  const status = await runPglc(['db', 'migrate:status', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.deepEqual(status.result!.result.rows.map((r: { state: string }) => r.state), ['modified', 'pending']);
  const refused = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(refused.code, 1);
  assert.equal(refused.result!.error!.code, 'migration-modified');
  const allowed = await runPglc(['db', 'migrate', '--env', 'test', '--allow-modified', '--json'], { cwd: p.dir, env });
  assert.equal(allowed.code, 0, allowed.stdout);
  assert.equal(allowed.result!.result.applied.length, 1);
});

test('a migration without Down cannot be rolled back, and nothing changes', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_a.sql': m('CREATE TABLE a (id int);', 'DROP TABLE a;'),
    'pglc/migrations/0002_b.sql': m('CREATE TABLE b (id int);'),
  });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const env = { TEST_DATABASE_URL: db.url };
  assert.equal((await runPglc(['db', 'migrate', '--env', 'test'], { cwd: p.dir, env })).code, 0);
  const r = await runPglc(['db', 'migrate:rollback', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(r.code, 1);
  assert.equal(r.result!.error!.code, 'migration-no-down');
  assert.equal((await db.query('select count(*)::int as n from _pglc_migrations')).rows[0].n, 2);
});

test('the bundled binary parses with libpg-query: CREATE INDEX CONCURRENTLY runs outside a transaction', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_a.sql': m('CREATE TABLE a (id int, email text);', 'DROP TABLE a;'),
    'pglc/migrations/0002_idx.sql': m('CREATE INDEX CONCURRENTLY a_email_idx ON a (email);', 'DROP INDEX CONCURRENTLY a_email_idx;'),
  });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const r = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const idx = r.result!.result.applied.find((a: { version: string }) => a.version === '0002');
  assert.equal(idx.noTransaction, true);
  assert.ok(r.events.some((e) => e.type === 'log' && /outside a transaction/.test(e.message)), 'a note says why');
  assert.equal((await db.query("select indisvalid from pg_index where indexrelid = 'a_email_idx'::regclass")).rows[0].indisvalid, true);
});
