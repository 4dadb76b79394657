// Drift in `pglc db migrate:status`, through the built binary (text and --json): an environment on
// the test cluster, its shadow database on the project's embedded local PostgreSQL. The status
// never starts that server for drift and never fails because of drift: a stopped server or a
// migration that fails on the shadow is a note in the status; the shadow's model is cached, so
// a second status with the same applied migrations builds nothing; --no-drift leaves drift out.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runPglc, tempProject } from '../harness/cli';
import { createTestDatabase } from '../harness/database';

const USERS = '-- Up\ncreate table users (id int primary key, email text);\n-- Down\ndrop table users;\n';

test('migrate:status shows drift (text and --json), says why when it cannot, and leaves it out with --no-drift', async (t) => {
  const db = await createTestDatabase('stdrift');
  const p = tempProject({
    'pglc.toml': '[project]\nname = "status drift"\n\n[environments.stage]\nurl = "${STAGE_URL}"\n',
    'pglc/migrations/0001_users.sql': USERS,
    'pglc/migrations/0002_posts.sql': '-- Up\ncreate table posts (id int primary key);\n-- Down\ndrop table posts;\n',
  });
  const run = (args: string[]) => runPglc(args, { cwd: p.dir, env: { STAGE_URL: db.url } });
  t.after(async () => {
    await runPglc(['db', 'stop'], { cwd: p.dir });
    p.cleanup();
    await db.drop();
  });
  assert.equal((await run(['db', 'migrate', '--env', 'stage', '--to', '0001'])).code, 0);

  // The local PostgreSQL is not running and nothing is cached: the status is whole, drift says why not.
  const stopped = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
  const s0 = stopped.result!.result;
  assert.deepEqual(s0.rows.map((r: { version: string; state: string }) => `${r.version} ${r.state}`), ['0001 applied', '0002 pending']);
  assert.equal(s0.drift.state, 'unavailable');
  assert.equal(s0.drift.problem.code, 'local-cluster-stopped');
  const stoppedText = await run(['db', 'migrate:status', '--env', 'stage']);
  assert.equal(stoppedText.code, 0, stoppedText.stderr);
  assert.match(stoppedText.stdout, /1 applied, 1 pending\n\nDrift not checked — The local PostgreSQL is not running: pglc builds the shadow database of the applied migrations there/);
  assert.match(stoppedText.stdout, /pglc db start/);

  // With the local server running: no drift (0002 is pending, not drift); the shadow's model is cached.
  assert.equal((await run(['db', 'start'])).code, 0);
  const clean = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.equal(clean.code, 0, clean.stdout + clean.stderr);
  const s1 = clean.result!.result;
  assert.equal(s1.drift.state, 'checked', JSON.stringify(s1.drift));
  assert.equal(s1.drift.identical, true, JSON.stringify(s1.drift));
  assert.equal(s1.drift.upTo, '0001');
  assert.equal(s1.drift.cached, false);
  assert.equal(readdirSync(join(p.dir, '.pglc/cache/shadow')).filter((f) => f.endsWith('.json')).length, 1);
  const cleanText = await run(['db', 'migrate:status', '--env', 'stage']);
  assert.match(cleanText.stdout, /✔ No drift: the schema is what the applied migrations build \(migrations up to 0001\)/);

  // Made by hand on the environment: listed, from the cached shadow (nothing built again).
  await db.query("create table audit (id int primary key, at timestamptz); create index audit_at on audit (at); alter table users add column name text; comment on table users is 'people'");
  const drift = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.equal(drift.code, 0, drift.stdout + drift.stderr);
  const s2 = drift.result!.result.drift;
  assert.equal(s2.state, 'checked');
  assert.equal(s2.identical, false);
  assert.equal(s2.cached, true);
  assert.ok(!drift.events.some((e) => e.type === 'progress' && /shadow/.test(e.message)), 'no shadow database was built');
  assert.deepEqual(s2.unmanaged, ['column public.users.name', 'index public.audit_at', 'table public.audit']);
  assert.deepEqual(s2.missing, []);
  assert.deepEqual(s2.different.map((d: string) => d.split(':')[0]), ['table public.users']);
  const text = await run(['db', 'migrate:status', '--env', 'stage']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /Drift: stage has 3 objects that no migration creates:\n  \+ column public\.users\.name\n  \+ index public\.audit_at\n  \+ table public\.audit\n/);
  assert.match(text.stdout, /Drift: stage has 1 object shaped differently:\n  ~ table public\.users: comment/);
  assert.match(text.stdout, /pglc schema drift --env stage --absorb <name>/);

  // An object the migrations create that the environment lacks.
  await db.query('drop table audit; alter table users drop column name; comment on table users is null; drop table users');
  const lacks = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.deepEqual(lacks.result!.result.drift.missing, ['table public.users']);

  // --no-drift: the states only.
  const plain = await run(['db', 'migrate:status', '--env', 'stage', '--no-drift', '--json']);
  assert.equal(plain.code, 0);
  assert.equal(plain.result!.result.drift, undefined);
  const plainText = await run(['db', 'migrate:status', '--env', 'stage', '--no-drift']);
  assert.doesNotMatch(plainText.stdout, /Drift|No drift/);

  // Column order alone is reported, and is not drift (no migration could move the columns).
  await db.query('create table users (email text, id int primary key)');
  const order = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.equal(order.result!.result.drift.identical, true, JSON.stringify(order.result!.result.drift));
  assert.deepEqual(order.result!.result.drift.columnOrder, [{ table: 'public.users', target: ['email', 'id'], result: ['id', 'email'], created: false }]);
  const orderText = await run(['db', 'migrate:status', '--env', 'stage']);
  assert.match(orderText.stdout, /✔ No drift[^\n]*\nColumn order differs in 1 table \(not drift: no migration can move columns\):\n  public\.users: id, email \(stage has email, id/);

  // An applied migration that no longer builds: the status is whole, drift names the failure.
  writeFileSync(join(p.dir, 'pglc/migrations/0001_users.sql'), '-- Up\ncreate table users (id int primary key, email text);\nselect 1 / 0;\n-- Down\ndrop table users;\n');
  const broken = await run(['db', 'migrate:status', '--env', 'stage', '--json']);
  assert.equal(broken.code, 0, broken.stdout + broken.stderr);
  const s3 = broken.result!.result;
  assert.deepEqual(s3.rows.map((r: { version: string; state: string }) => `${r.version} ${r.state}`), ['0001 modified', '0002 pending']);
  assert.equal(s3.drift.state, 'unavailable');
  assert.equal(s3.drift.problem.code, 'shadow-build-failed');
  assert.match(s3.drift.problem.why, /division by zero/);
  const brokenText = await run(['db', 'migrate:status', '--env', 'stage']);
  assert.equal(brokenText.code, 0);
  assert.match(brokenText.stdout, /Drift not checked — The migrations do not build a database: .*division by zero/);
});
