// How create fails: refused before anything runs (pg_dump older than the server, names both
// versions), pg_dump's own error reported with its exit status, cancellation through the
// signal — and in every case no backup and no leftover remain. Plus the plausibility warnings.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';
import { createBackup } from '../../core/backup/create';
import { PglcError } from '../../core/errors';
import { ctxFor, openedFor, tempRoot } from '../fixtures/backup/opened';

describe('backup create failures', () => {
  it('pg_dump older than the server: refused before anything runs, naming both versions', async (t) => {
    const db = await createTestDatabase('bkold');
    const p = tempProject({ 'pglc.toml': tomlFor() });
    t.after(async () => {
      p.cleanup();
      await db.drop();
    });
    // The server reports a future version: a current_setting() that shadows pg_catalog's for this
    // database (pg_catalog placed after it in search_path). Every installed pg_dump is then older.
    await db.query(`CREATE SCHEMA fake;
      CREATE FUNCTION fake.current_setting(text) RETURNS text LANGUAGE sql AS
        $$ SELECT CASE $1 WHEN 'server_version_num' THEN '990001' WHEN 'server_version' THEN '99.1' ELSE pg_catalog.current_setting($1) END $$;
      ALTER DATABASE ${db.name} SET search_path = fake, pg_catalog, public;`);
    const r = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: db.url } });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const err = r.result!.error!;
    assert.equal(err.code, 'tools-too-old');
    assert.match(err.what, /^pg_dump \d+\.\d+ is older than the server \(PostgreSQL 99\.1\)$/);
    assert.match(err.fix, /postgresql-client-99/);
    assert.equal(existsSync(join(p.dir, 'backups')), false, 'nothing was created');
    assert.ok(!r.events.some((e) => e.type === 'progress' && e.step.startsWith('backup.bytes')));
  });

  it("pg_dump's own error is reported (its message and exit code) and the partial backup removed", async (t) => {
    const db = await createTestDatabase('bkperm');
    const root = tempRoot(t);
    const role = `${db.name}_reader`;
    t.after(async () => {
      await db.query(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await db.drop();
    });
    await db.query(`CREATE TABLE open_data (id int); CREATE TABLE secret (id int); INSERT INTO secret VALUES (1);
                    CREATE ROLE ${role} LOGIN PASSWORD 'pw'; GRANT SELECT ON open_data TO ${role};`);
    const opened = openedFor({ ...db, target: { ...db.target, user: role, password: 'pw' } }, root);
    const ctx = ctxFor(opened);
    await assert.rejects(createBackup(opened, {}, ctx), (e: unknown) => {
      assert.ok(e instanceof PglcError, String(e));
      assert.equal(e.code, 'backup-failed');
      assert.match(e.why, /permission denied for table secret/);
      assert.match(e.why, /pg_dump exited with code 1/);
      assert.equal(e.details?.exitCode, 1);
      assert.ok(!e.message.includes("'pw'") && !JSON.stringify(e.details).includes('"pw"'));
      return true;
    });
    assert.deepEqual(readdirSync(join(root, 'backups')), [], 'the partial backup is gone');
  });

  for (const format of ['custom', 'directory'] as const) {
    it(`cancelling (${format}) kills pg_dump and removes the partial backup`, async (t) => {
      const db = await createTestDatabase('bkcancel');
      const root = tempRoot(t);
      t.after(() => db.drop());
      await db.query(`CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g + 1)::text) AS h FROM generate_series(1, 400000) g;
                      CREATE TABLE big2 AS SELECT * FROM big;`);
      const opened = openedFor(db, root);
      const controller = new AbortController();
      const ctx = ctxFor(opened, { signal: controller.signal });
      ctx.report = (e) => {
        ctx.events.push(e);
        if (e.type === 'progress' && e.step === 'backup.bytes' && (e.current ?? 0) > 0) controller.abort();
      };
      await assert.rejects(createBackup(opened, { format, jobs: format === 'directory' ? 2 : undefined, compression: { algorithm: 'gzip', level: 1 } }, ctx), (e: unknown) =>
        e instanceof PglcError && e.code === 'cancelled' && /partial output was removed/.test(e.fix));
      assert.deepEqual(readdirSync(join(root, 'backups')), []);
      const deadline = Date.now() + 10_000;
      for (;;) {
        const r = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'pglc backup'");
        if (r.rows[0]!.n === 0) break;
        assert.ok(Date.now() < deadline, 'pg_dump is gone after cancel');
        await new Promise((res) => setTimeout(res, 50)); // polling a condition, with a deadline
      }
    });
  }

  it('warns about a backup with no table, and records the warning', async (t) => {
    const db = await createTestDatabase('bkempty');
    const root = tempRoot(t);
    t.after(() => db.drop());
    const opened = openedFor(db, root);
    const ctx = ctxFor(opened);
    const m = await createBackup(opened, {}, ctx);
    assert.deepEqual(m.warnings, ['The backup holds no table: the database has no user tables (is it the right database?).']);
    assert.ok(ctx.events.some((e) => e.type === 'log' && e.level === 'warn' && e.message === m.warnings[0]));
    assert.equal(m.files[0]!.size > 0, true, 'even an empty dump is stored whole');
  });

  it("rows hidden by row-level security: pg_dump's refusal is what the user reads", async (t) => {
    const db = await createTestDatabase('bkrls');
    const root = tempRoot(t);
    const role = `${db.name}_rls`;
    t.after(async () => {
      await db.query(`DROP OWNED BY ${role}; DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
      await db.drop();
    });
    await db.query(`CREATE TABLE docs (id int, body text);
                    INSERT INTO docs SELECT g, md5(g::text) FROM generate_series(1, 1000) g;
                    ALTER TABLE docs ENABLE ROW LEVEL SECURITY;
                    CREATE POLICY none ON docs USING (false);
                    CREATE ROLE ${role} LOGIN PASSWORD 'pw'; GRANT SELECT ON docs TO ${role};`);
    const opened = openedFor({ ...db, target: { ...db.target, user: role, password: 'pw' } }, root);
    await assert.rejects(createBackup(opened, {}, ctxFor(opened)), (e: unknown) =>
      e instanceof PglcError && e.code === 'backup-failed' && /row-level security/i.test(e.why));
    assert.deepEqual(readdirSync(join(root, 'backups')), []);
  });
});
