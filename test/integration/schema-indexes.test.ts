// `pglc schema indexes` against a real database: an index never scanned is unused (one enforcing a
// unique constraint never is), a foreign key whose columns lead no index is missing one (one led
// by an index, in any column order, is not), and a large table read by sequential scans is flagged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPglc, tempProject } from '../harness/cli';
import { createTestDatabase } from '../harness/database';

test('schema indexes: unused and missing indexes', async (t) => {
  const db = await createTestDatabase('idx');
  const p = tempProject({ 'pglc.toml': '[project]\nname = "idx"\n\n[environments.e]\nurl = "${E_URL}"\n' });
  t.after(async () => {
    p.cleanup();
    await db.drop();
  });
  await db.query(`
    create table users (id int primary key, email text unique, name text);
    create index users_name_idx on users (name);
    create table posts (id int primary key, user_id int references users, editor_id int references users, body text);
    create index posts_editor_idx on posts (editor_id, id);
    create table tags (a int, b int, primary key (a, b));
    create table post_tags (post_id int, a int, b int, foreign key (b, a) references tags (b, a));
    create index post_tags_ab on post_tags (a, b);
    create table big (id int, v text);
    insert into big select g, 'x' from generate_series(1, 20000) g;
    analyze big;
  `);
  for (let i = 0; i < 60; i++) await db.query('select count(*) from big where v = $1', ['y']);
  // Statistics reach the shared view asynchronously: wait (with a deadline) until the scans are counted.
  await db.query('select pg_catalog.pg_stat_force_next_flush()');
  for (const deadline = Date.now() + 10_000; ;) {
    await db.query('select pg_catalog.pg_stat_clear_snapshot()');
    const n = (await db.query("select seq_scan::int n from pg_catalog.pg_stat_user_tables where relname = 'big'")).rows[0]?.n ?? 0;
    if (n >= 60) break;
    assert.ok(Date.now() < deadline, `the statistics never counted the scans (${n})`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }

  const r = await runPglc(['schema', 'indexes', '--env', 'e', '--json'], { cwd: p.dir, env: { E_URL: db.url } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const res = r.result!.result;
  assert.deepEqual(res.unused.map((u: { index: string }) => u.index).sort(), ['post_tags_ab', 'posts_editor_idx', 'users_name_idx']);
  assert.equal(res.unused.find((u: { index: string }) => u.index === 'users_name_idx').suggestion, 'DROP INDEX CONCURRENTLY public.users_name_idx;');
  const fk = res.missing.filter((m: { reason: string }) => m.reason === 'foreign-key');
  assert.deepEqual(fk.map((m: { table: string; suggestion: string }) => m.suggestion), ['CREATE INDEX CONCURRENTLY posts_user_id_idx ON public.posts (user_id);']);
  assert.deepEqual(res.missing.filter((m: { reason: string }) => m.reason === 'sequential-scans').map((m: { table: string }) => m.table), ['big']);

  const onlyUnused = await runPglc(['schema', 'indexes', '--env', 'e', '--unused', '--json'], { cwd: p.dir, env: { E_URL: db.url } });
  assert.equal(onlyUnused.result!.result.missing, undefined);
  const human = await runPglc(['schema', 'indexes', '--env', 'e', '--missing'], { cwd: p.dir, env: { E_URL: db.url } });
  assert.match(human.stdout, /public\.posts: posts_user_id_fkey \(user_id\) → public\.users has no index/);
});
