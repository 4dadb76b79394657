// Full restores through the real `pglc`: the plan (--dry-run), restore-then-swap with the old
// database kept, the same schema (pg_dump --schema-only), grants, policies and every table's rows
// as the source, undo and undo of the undo, `restore old` / `drop-old`, a target that does not
// exist yet, and a target with open connections.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, testCluster } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { databasesLike, dropWithRestoreLeftovers, q, schemaDump, securityFacts } from '../harness/restore-helpers';
import { fingerprint, manyTypesSql } from '../fixtures/backup/fingerprint';

const appShapedSql = readFileSync(join(__dirname, '../fixtures/restore/app-shaped.sql'), 'utf8');

const toml = (extra = '') => ['[project]', 'name = "rs"', '', '[environments.test]', 'url = "${TEST_DATABASE_URL}"', '', '[environments.copy]', 'url = "${COPY_DATABASE_URL}"', extra, ''].join('\n');

describe('pglc restore (full)', () => {
  for (const [name, sql] of [['app-shaped', appShapedSql], ['many-types', manyTypesSql]] as const) {
    it(`${name}: plan, restore into a new database, swap; same schema, grants, policies and rows; undo twice`, async (t) => {
      const db = await createTestDatabase('rsfull');
      const p = tempProject({ 'pglc.toml': toml() });
      t.after(async () => {
        p.cleanup();
        await dropWithRestoreLeftovers(db.name);
      });
      await db.query(sql);
      await db.query(`ALTER DATABASE "${db.name}" SET work_mem = '7MB'`);
      await db.query(`COMMENT ON DATABASE "${db.name}" IS 'the shop'`);
      await db.close();
      const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: db.url };
      const created = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(created.code, 0, created.stdout + created.stderr);
      const original = { schema: schemaDump(db.name), data: await fingerprint((s) => q(db.name, s)), security: await securityFacts(db.name) };

      // Change the live database after the backup: rows, a table, a column.
      const firstTable = name === 'app-shaped' ? 'app.order_lines' : 'public.cache';
      await q(db.name, `DELETE FROM ${firstTable}; CREATE TABLE after_backup (x int); INSERT INTO after_backup VALUES (1)`);
      const changed = await fingerprint((s) => q(db.name, s));

      const dry = await runPglc(['restore', 'latest', '--env', 'test', '--dry-run', '--json'], { cwd: p.dir, env });
      assert.equal(dry.code, 0, dry.stdout + dry.stderr);
      const plan = dry.result!.result.plan;
      assert.equal(dry.result!.result.dryRun, true);
      assert.equal(plan.mode, 'full');
      assert.equal(plan.target.database, db.name);
      assert.equal(plan.confirmation, 'none');
      assert.equal(plan.preRestoreBackup.taken, true);
      assert.match(plan.swap.newDatabase, new RegExp(`^${db.name}__pglc_restore_\\d{14}$`));
      assert.deepEqual(plan.tables.find((x: { name: string }) => x.name === 'after_backup')?.action, 'remove');
      assert.ok(plan.backup.checks.some((c: string) => /pg_restore --list/.test(c)), plan.backup.checks.join('; '));
      assert.deepEqual(await databasesLike(`${db.name}__`), [], 'a dry run creates nothing');
      assert.deepEqual(await fingerprint((s) => q(db.name, s)), changed, 'a dry run changes nothing');

      const run = await runPglc(['restore', 'latest', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      const done = run.result!.result.done;
      assert.match(done.oldDatabase, new RegExp(`^${db.name}__pglc_old_\\d{14}$`));
      assert.match(done.preRestoreBackup.id, /^test-/);
      assert.ok(done.checks.some((c: string) => /exact row counts/.test(c)), done.checks.join('; '));
      assert.ok(done.checks.some((c: string) => /objects/.test(c)), done.checks.join('; '));
      assert.equal(schemaDump(db.name), original.schema);
      assert.deepEqual(await fingerprint((s) => q(db.name, s)), original.data);
      assert.deepEqual(await securityFacts(db.name), original.security);
      const shell = await q('postgres', `SELECT shobj_description(d.oid, 'pg_database') AS comment, s.setconfig FROM pg_database d LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0 WHERE d.datname = $1`, [db.name]);
      assert.deepEqual(shell.rows[0], { comment: 'the shop', setconfig: ['work_mem=7MB'] }, 'database comment and settings carried over');
      assert.deepEqual(await fingerprint((s) => q(done.oldDatabase, s)), changed, 'the replaced database is kept as it was');

      const old = await runPglc(['restore', 'old', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(old.code, 0, old.stdout);
      assert.deepEqual(old.result!.result.databases.map((d: { name: string; undoable: boolean; database: string }) => [d.name, d.database, d.undoable]), [[done.oldDatabase, db.name, true]]);

      const undo = await runPglc(['restore', 'undo', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(undo.code, 0, undo.stdout + undo.stderr);
      assert.deepEqual(await fingerprint((s) => q(db.name, s)), changed, 'undo brings back the replaced database');
      const again = await runPglc(['restore', 'undo', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.deepEqual(await fingerprint((s) => q(db.name, s)), original.data, 'undoing the undo brings back the restored one');
      assert.equal((await q('postgres', "SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1", [db.name])).rows[0].c, 'the shop');

      const kept = (await runPglc(['restore', 'old', '--env', 'test', '--json'], { cwd: p.dir, env })).result!.result.databases.map((d: { name: string }) => d.name);
      const drop = name === 'app-shaped'
        ? await runPglc(['restore', 'drop-old', ...kept, '--env', 'test', '--json'], { cwd: p.dir, env })
        : await runPglc(['restore', 'drop-old', '--all', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(drop.code, 0, drop.stdout + drop.stderr);
      assert.equal(drop.result!.result.dropped.length, 1);
      assert.deepEqual(await databasesLike(`${db.name}__`), []);
      const nothing = await runPglc(['restore', 'undo', '--env', 'test', '--json'], { cwd: p.dir, env });
      assert.equal(nothing.result!.error!.code, 'restore-nothing-to-undo');
    });
  }

  it('into a database that does not exist yet (another environment): created, no pre-restore backup, nothing to keep', async (t) => {
    const src = await createTestDatabase('rsnew');
    const missing = `rsmissing_${Date.now().toString(36)}`;
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await src.drop();
      await dropWithRestoreLeftovers(missing);
    });
    await src.query(appShapedSql);
    const env = { TEST_DATABASE_URL: src.url, COPY_DATABASE_URL: src.url.replace(`/${src.name}?`, `/${missing}?`) };
    assert.equal((await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env })).code, 0);
    const r = await runPglc(['restore', 'latest', '--env', 'test', '--to', 'copy', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.result!.result.plan.target.exists, false);
    assert.equal(r.result!.result.plan.preRestoreBackup.taken, false);
    assert.equal(r.result!.result.done.oldDatabase, undefined);
    assert.deepEqual(await fingerprint((s) => q(missing, s)), await fingerprint((s) => src.query(s)));
    assert.deepEqual(await databasesLike(`${missing}__`), []);
  });

  it('an empty database: its backup verifies and restores (an archive with no entries is not a damaged one)', async (t) => {
    const db = await createTestDatabase('rsempty');
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await dropWithRestoreLeftovers(db.name);
    });
    await db.close();
    const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: db.url };
    const b = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const v = await runPglc(['backup', 'verify', 'latest', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const r = await runPglc(['restore', 'latest', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.result!.result.done.tablesRestored, 0);
  });

  it('a target with open connections: they are closed at the swap and the plan names them', async (t) => {
    const db = await createTestDatabase('rsconn');
    const p = tempProject({ 'pglc.toml': toml() });
    t.after(async () => {
      p.cleanup();
      await dropWithRestoreLeftovers(db.name);
    });
    await db.query('CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 10)');
    await db.close();
    const env = { TEST_DATABASE_URL: db.url, COPY_DATABASE_URL: db.url };
    assert.equal((await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env })).code, 0);
    const c = testCluster();
    const app = new pg.Client({ host: c.socketDir, port: c.port, user: c.user, database: db.name, application_name: 'shop-web' });
    const dropped = new Promise<Error>((resolve) => app.on('error', resolve));
    await app.connect();
    await app.query('DELETE FROM t');
    const dry = await runPglc(['restore', 'latest', '--env', 'test', '--dry-run', '--json'], { cwd: p.dir, env });
    assert.ok(dry.result!.result.plan.target.connections.some((x: { application: string }) => x.application === 'shop-web'));
    const r = await runPglc(['restore', 'latest', '--env', 'test', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(String(await dropped), /terminat/i);
    assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM t')).rows[0].n, 10);
  });
});
