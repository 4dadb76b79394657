// migrate:rollback (steps, to, all, dry run, refusals), migrate:repair, migrate:fresh and the
// guards of protected environments, against a real database.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fresh } from '../../core/migrations/fresh';
import { migrate } from '../../core/migrations/migrate';
import { repair } from '../../core/migrations/repair';
import { rollback } from '../../core/migrations/rollback';
import { migrationStatus } from '../../core/migrations/status';
import { type TestDatabase } from '../harness/database';
import { recordingContext } from '../harness/project';
import { withSetup, rejects, recorded } from '../harness/migration-setup';

const local = { name: 'local', protected: false };
const prod = { name: 'prod', protected: true };

const four: Record<string, string> = {
  'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int);\n-- Down\nDROP TABLE a;\n',
  'pglc/migrations/0002_b.sql': '-- Up\nCREATE TABLE b (id int);\n-- Down\nDROP TABLE b;\n',
  'pglc/migrations/0003_c.sql': '-- Up\nCREATE TABLE c (id int);\n-- Down\nDROP TABLE c;\n',
  'pglc/migrations/0004_d.sql': '-- Up\nCREATE TABLE d (id int);\n-- Down\nDROP TABLE d;\n',
};

async function tables(db: TestDatabase): Promise<string[]> {
  const r = await db.query<{ t: string }>("SELECT table_schema || '.' || table_name AS t FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_name <> '_pglc_migrations' ORDER BY 1");
  return r.rows.map((x) => x.t);
}

test('rollback: default one step, steps N, to V (V stays), all — newest first, Down run, rows removed', async () => {
  await withSetup('rb', four, async (p, db) => {
    const ctx = recordingContext();
    await migrate(p.project, local, db.target, {}, ctx);

    let r = await rollback(p.project, local, db.target, {}, ctx);
    assert.deepEqual(r.reverted.map((m) => m.version), ['0004']);
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003']);
    assert.deepEqual(await tables(db), ['public.a', 'public.b', 'public.c']);

    await migrate(p.project, local, db.target, {}, ctx);
    r = await rollback(p.project, local, db.target, { steps: 2 }, ctx);
    assert.deepEqual(r.reverted.map((m) => m.version), ['0004', '0003']);
    assert.deepEqual(await tables(db), ['public.a', 'public.b']);

    await migrate(p.project, local, db.target, {}, ctx);
    const dry = await rollback(p.project, local, db.target, { to: '0002', dryRun: true }, ctx);
    assert.equal(dry.dryRun, true);
    assert.deepEqual(dry.reverted.map((m) => m.version), ['0004', '0003']);
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003', '0004'], 'a dry run changes nothing');

    r = await rollback(p.project, local, db.target, { to: '0002' }, ctx);
    assert.deepEqual(r.reverted.map((m) => m.version), ['0004', '0003']);
    assert.deepEqual(await recorded(db), ['0001', '0002']);

    r = await rollback(p.project, local, db.target, { all: true }, ctx);
    assert.deepEqual(r.reverted.map((m) => m.version), ['0002', '0001']);
    assert.deepEqual(await tables(db), []);
    assert.deepEqual(await recorded(db), []);

    const progress = ctx.events.filter((e) => e.type === 'progress' && e.step === 'migrate.rollback').map((e) => e.message);
    assert.ok(progress.includes('Reverting 0002_b'));

    r = await rollback(p.project, local, db.target, {}, ctx);
    assert.deepEqual(r.reverted, []);
  });
});

test('rollback options are exclusive and steps must be positive', async () => {
  await withSetup('rb', four, async (p, db) => {
    assert.equal((await rejects(rollback(p.project, local, db.target, { all: true, steps: 2 }, recordingContext()))).code, 'usage');
    assert.equal((await rejects(rollback(p.project, local, db.target, { steps: 0 }, recordingContext()))).code, 'usage');
    assert.equal((await rejects(rollback(p.project, local, db.target, { to: '0042' }, recordingContext()))).code, 'migration-not-found');
  });
});

test('a migration without Down: rollback is refused with migration-no-down and nothing changes', async () => {
  await withSetup('rb', {
    ...four,
    'pglc/migrations/0003_c.sql': '-- Up\nCREATE TABLE c (id int);\n-- Down\n-- (nothing yet)\n',
  }, async (p, db) => {
    const ctx = recordingContext();
    await migrate(p.project, local, db.target, {}, ctx);
    const e = await rejects(rollback(p.project, local, db.target, { steps: 2 }, ctx));
    assert.equal(e.code, 'migration-no-down');
    assert.equal(e.details?.version, '0003');
    assert.match(e.fix, /-- Down/);
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003', '0004'], '0004 (which has a Down) was not reverted either');
    assert.deepEqual(await tables(db), ['public.a', 'public.b', 'public.c', 'public.d']);
  });
});

test('a failing Down is rolled back and keeps the migration applied', async () => {
  await withSetup('rb', {
    'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int);\n-- Down\nDROP TABLE a;\nDROP TABLE nope;\n',
  }, async (p, db) => {
    await migrate(p.project, local, db.target, {}, recordingContext());
    const e = await rejects(rollback(p.project, local, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-failed');
    assert.equal(e.details?.direction, 'down');
    // DROP TABLE of a missing table has no position: the statement's start is reported
    assert.equal(e.details?.line, 5);
    assert.equal(e.details?.column, 1);
    assert.equal(e.details?.file, 'pglc/migrations/0001_a.sql');
    assert.deepEqual(await recorded(db), ['0001']);
    assert.deepEqual(await tables(db), ['public.a']);
  });
});

test('protected environment: rollback and repair need the typed database name, fresh is blocked; nothing changes when refused', async () => {
  await withSetup('rb', four, async (p, db) => {
    await migrate(p.project, prod, db.target, {}, recordingContext());

    assert.equal((await rejects(rollback(p.project, prod, db.target, {}, recordingContext()))).code, 'confirmation-required');
    assert.equal((await rejects(rollback(p.project, prod, db.target, { confirm: 'wrong' }, recordingContext()))).code, 'confirmation-mismatch');
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003', '0004']);
    const r = await rollback(p.project, prod, db.target, { confirm: db.name }, recordingContext());
    assert.deepEqual(r.reverted.map((m) => m.version), ['0004']);

    const f = await rejects(fresh(p.project, prod, db.target, { confirm: db.name }, recordingContext()));
    assert.equal(f.code, 'guard-blocked');
    assert.deepEqual(await tables(db), ['public.a', 'public.b', 'public.c']);

    assert.equal((await rejects(repair(p.project, prod, db.target, { version: '0004', action: 'applied' }, recordingContext()))).code, 'confirmation-required');
    const ok = await repair(p.project, prod, db.target, { version: '0004', action: 'applied', confirm: db.name }, recordingContext());
    assert.equal(ok.changed, true);
  });
});

test('repair marks applied without running SQL, records a new checksum for an edited file, and marks reverted', async () => {
  await withSetup('rb', four, async (p, db) => {
    const ctx = recordingContext();
    const r = await repair(p.project, local, db.target, { version: '0002', action: 'applied' }, ctx);
    assert.deepEqual(r, { environment: 'local', database: db.name, version: '0002', action: 'applied', changed: true });
    assert.deepEqual(await recorded(db), ['0002']);
    assert.deepEqual(await tables(db), [], 'no SQL ran');

    p.write('pglc/migrations/0002_b.sql', '-- Up\n-- a harmless comment\nCREATE TABLE b (id int);\n-- Down\nDROP TABLE b;\n');
    let s = await migrationStatus(p.project, local, db.target, ctx);
    assert.equal(s.rows.find((x) => x.version === '0002')?.state, 'modified');
    await repair(p.project, local, db.target, { version: '0002', action: 'applied' }, ctx);
    s = await migrationStatus(p.project, local, db.target, ctx);
    assert.equal(s.rows.find((x) => x.version === '0002')?.state, 'applied');
    const same = await repair(p.project, local, db.target, { version: '0002', action: 'applied' }, ctx);
    assert.equal(same.changed, false);

    const rev = await repair(p.project, local, db.target, { version: '0002', action: 'reverted' }, ctx);
    assert.equal(rev.changed, true);
    assert.deepEqual(await recorded(db), []);
    assert.equal((await rejects(repair(p.project, local, db.target, { version: '0002', action: 'reverted' }, ctx))).code, 'migration-not-found');
    assert.equal((await rejects(repair(p.project, local, db.target, { version: '0099', action: 'applied' }, ctx))).code, 'migration-not-found');
  });
});

test('fresh drops every non-system schema, recreates public like a new database, and re-applies everything', async () => {
  await withSetup('rb', {
    ...four,
    'pglc/migrations/0005_schema.sql': '-- Up\nCREATE SCHEMA app;\nCREATE TABLE app.e (id int);\n-- Down\nDROP SCHEMA app CASCADE;\n',
  }, async (p, db) => {
    const ctx = recordingContext();
    await migrate(p.project, local, db.target, {}, ctx);
    await db.query('CREATE SCHEMA stray; CREATE TABLE stray.junk (x int); CREATE TABLE public.junk (x int); INSERT INTO public.a VALUES (1)');

    const r = await fresh(p.project, local, db.target, {}, ctx);
    assert.deepEqual(r.droppedSchemas, ['app', 'public', 'stray']);
    assert.deepEqual(r.applied.map((m) => m.version), ['0001', '0002', '0003', '0004', '0005']);
    assert.deepEqual(await tables(db), ['app.e', 'public.a', 'public.b', 'public.c', 'public.d']);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.a');
    assert.equal(rows.rows[0]?.n, 0);
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003', '0004', '0005']);

    const pub = await db.query<{ owner: string; acl: string; version: number }>(
      "SELECT pg_get_userbyid(nspowner) AS owner, nspacl::text AS acl, current_setting('server_version_num')::int AS version FROM pg_namespace WHERE nspname = 'public'",
    );
    const info = pub.rows[0];
    assert.ok(info);
    if (info.version >= 150000) {
      assert.equal(info.owner, 'pg_database_owner');
      assert.match(info.acl, /=U\/pg_database_owner/, 'USAGE for PUBLIC, no CREATE');
    } else {
      assert.match(info.acl, /=UC\//);
    }
  });
});

test('fresh stops before dropping anything when a migration cannot be run or a folder is missing', async () => {
  await withSetup('rb', { ...four, 'pglc/migrations/0005_bad.sql': '\\set x 1\n' }, async (p, db) => {
    await db.query('CREATE TABLE keep_me (id int)');
    const e = await rejects(fresh(p.project, local, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-invalid');
    assert.deepEqual(await tables(db), ['public.keep_me']);
    const m = await rejects(fresh({ ...p.project, migrations: ['pglc/migratoins'] }, local, db.target, {}, recordingContext()));
    assert.equal(m.code, 'config-invalid');
    assert.deepEqual(await tables(db), ['public.keep_me']);
  });
});
