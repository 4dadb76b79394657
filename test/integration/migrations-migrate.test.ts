// migrate and migrate:status against a real database: applying, recording, failing halfway,
// modified and out-of-order files, `to` and dry runs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { migrate } from '../../core/migrations/migrate';
import { migrationStatus } from '../../core/migrations/status';
import { recordingContext, tempProject } from '../harness/project';
import { createTestDatabase } from '../harness/database';
import { withSetup, rejects, recorded, tableExists } from '../harness/migration-setup';

const env = { name: 'local', protected: false };

const five = {
  'pglc/migrations/0001_users.sql': '-- Up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n\n-- Down\nDROP TABLE users;\n',
  'pglc/migrations/0002_posts.sql': '-- Up\nCREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\n-- Down\nDROP TABLE posts;\n',
  'pglc/migrations/0003_comments.sql':
    '-- Up\n-- comments on posts (naïve schéma)\nCREATE TABLE comments (id int PRIMARY KEY);\nALTER TABLE comments ADD COLUMN body text;\nINSERT INTO comments (id, bdy) VALUES (1, \'é\');\n-- Down\nDROP TABLE comments;\n',
  'pglc/migrations/0004_tags.sql': '-- Up\nCREATE TABLE tags (id int);\n-- Down\nDROP TABLE tags;\n',
  'pglc/migrations/0005_likes.sql': '-- Up\nCREATE TABLE likes (id int);\n-- Down\nDROP TABLE likes;\n',
};

test('migrate applies pending migrations in order, records them, reports progress; status agrees', async () => {
  const ok = { ...five, 'pglc/migrations/0003_comments.sql': '-- Up\nCREATE TABLE comments (id int);\n-- Down\nDROP TABLE comments;\n' };
  await withSetup('mig', ok, async (p, db) => {
    const ctx = recordingContext();
    const before = await migrationStatus(p.project, env, db.target, ctx);
    assert.equal(before.counts.pending, 5);
    assert.equal(await tableExists(db, 'public._pglc_migrations'), false, 'status must not create the tracking table');

    const r = await migrate(p.project, env, db.target, {}, ctx);
    assert.deepEqual(r.applied.map((m) => m.version), ['0001', '0002', '0003', '0004', '0005']);
    assert.deepEqual(r.pending, []);
    assert.equal(r.dryRun, false);
    assert.deepEqual(await recorded(db), ['0001', '0002', '0003', '0004', '0005']);
    const row = await db.query('SELECT name, checksum, down_checksum, applied_by, duration_ms, applied_at FROM public._pglc_migrations WHERE version = $1', ['0001']);
    assert.equal(row.rows[0].name, 'users');
    assert.match(row.rows[0].checksum, /^[0-9a-f]{64}$/);
    assert.match(row.rows[0].down_checksum, /^[0-9a-f]{64}$/);
    assert.equal(row.rows[0].applied_by, 'pglc-test');
    assert.ok(row.rows[0].applied_at instanceof Date);

    const progress = ctx.events.filter((e) => e.type === 'progress' && e.step === 'migrate.apply' && e.current !== undefined && e.message.startsWith('Applying'));
    assert.deepEqual(progress.map((e) => e.type === 'progress' && [e.current, e.total, e.message]), [
      [1, 5, 'Applying 0001_users'], [2, 5, 'Applying 0002_posts'], [3, 5, 'Applying 0003_comments'], [4, 5, 'Applying 0004_tags'], [5, 5, 'Applying 0005_likes'],
    ]);

    const after = await migrationStatus(p.project, env, db.target, ctx);
    assert.equal(after.counts.applied, 5);
    assert.equal(after.table, 'public._pglc_migrations');
    assert.equal(after.database, db.name);
    assert.equal(after.rows[0]?.appliedBy, 'pglc-test');

    const again = await migrate(p.project, env, db.target, {}, ctx);
    assert.deepEqual(again.applied, []);
  });
});

test('bad SQL in the 3rd of 5: the first two stay applied, the 3rd is rolled back, the error points at file:line:column', async () => {
  await withSetup('mig', five, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-failed');
    const d = e.details ?? {};
    assert.equal(d.file, 'pglc/migrations/0003_comments.sql');
    assert.equal(d.version, '0003');
    // line 5: INSERT INTO comments (id, bdy) — the column "bdy" is at column 27
    assert.equal(d.line, 5);
    assert.equal(d.column, 27);
    assert.equal(d.sqlState, '42703');
    assert.match(String(d.message), /column "bdy" of relation "comments" does not exist/);
    assert.deepEqual(d.done, ['0001', '0002']);
    assert.match(e.what, /0003_comments failed at pglc\/migrations\/0003_comments\.sql:5:27/);
    assert.deepEqual(await recorded(db), ['0001', '0002']);
    assert.equal(await tableExists(db, 'public.users'), true);
    assert.equal(await tableExists(db, 'public.posts'), true);
    assert.equal(await tableExists(db, 'public.comments'), false, 'the failing migration is rolled back as a whole');
    assert.equal(await tableExists(db, 'public.tags'), false);
  });
});

test('an error without a position (a constraint violation in the 3rd statement) points at that statement', async () => {
  const files = {
    'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n  INSERT INTO a VALUES (1);\nSELECT 1;\n',
  };
  await withSetup('mig', files, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-failed');
    assert.equal(e.details?.sqlState, '23505');
    assert.equal(e.details?.line, 4);
    assert.equal(e.details?.column, 3);
    assert.match(String(e.details?.detail), /Key \(id\)=\(1\) already exists/);
  });
});

test('an error raised inside a DO block maps to the line of the block that raised it', async () => {
  const files = {
    'pglc/migrations/0001_do.sql': "-- Up\nCREATE TABLE t (id int);\nDO $$\nBEGIN\n  PERFORM 1;\n  RAISE EXCEPTION 'boom %', 42 USING HINT = 'try again';\nEND\n$$;\n",
  };
  await withSetup('mig', files, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.details?.message, 'boom 42');
    assert.equal(e.details?.hint, 'try again');
    assert.equal(e.details?.line, 6);
    assert.equal(e.details?.column, 3);
    assert.equal(await tableExists(db, 'public.t'), false);
  });
});

test('an applied file edited afterwards is "modified"; migrate refuses, allowModified proceeds; whitespace/CRLF edits are not modifications', async () => {
  await withSetup('mig', { 'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int);\n-- Down\nDROP TABLE a;\n' }, async (p, db) => {
    const ctx = recordingContext();
    await migrate(p.project, env, db.target, {}, ctx);

    p.write('pglc/migrations/0001_a.sql', '\r\n-- Up\r\nCREATE TABLE a (id int);   \r\n\r\n-- Down\r\nDROP TABLE a;\r\n');
    let s = await migrationStatus(p.project, env, db.target, ctx);
    assert.equal(s.rows[0]?.state, 'applied', 'CRLF and trailing whitespace do not count');

    p.write('pglc/migrations/0001_a.sql', '-- Up\nCREATE TABLE a (id int, extra text);\n-- Down\nDROP TABLE a;\n');
    p.write('pglc/migrations/0002_b.sql', '-- Up\nCREATE TABLE b (id int);\n');
    s = await migrationStatus(p.project, env, db.target, ctx);
    assert.deepEqual(s.rows.map((r) => r.state), ['modified', 'pending']);
    assert.notEqual(s.rows[0]?.checksum, s.rows[0]?.appliedChecksum);

    const e = await rejects(migrate(p.project, env, db.target, {}, ctx));
    assert.equal(e.code, 'migration-modified');
    assert.deepEqual(e.details?.versions, ['0001']);
    assert.match(e.fix, /--allow-modified/);
    assert.equal(await tableExists(db, 'public.b'), false);

    const r = await migrate(p.project, env, db.target, { allowModified: true }, ctx);
    assert.deepEqual(r.applied.map((m) => m.version), ['0002']);
    assert.ok(ctx.messages().some((m) => /0001_a changed since it was applied/.test(m)));
  });
});

test('out-of-order pending migrations are refused unless allowOutOfOrder; missing files are reported', async () => {
  await withSetup('mig', {
    'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);',
    'pglc/migrations/0003_c.sql': 'CREATE TABLE c (id int);',
    'pglc/migrations/0004_d.sql': 'CREATE TABLE d (id int);',
  }, async (p, db) => {
    const ctx = recordingContext();
    await migrate(p.project, env, db.target, {}, ctx);
    p.write('pglc/migrations/0002_b.sql', 'CREATE TABLE b (id int);');
    rmSync(join(p.root, 'pglc/migrations/0004_d.sql'));
    const s = await migrationStatus(p.project, env, db.target, ctx);
    assert.deepEqual(s.rows.map((r) => [r.version, r.state]), [['0001', 'applied'], ['0002', 'out-of-order'], ['0003', 'applied'], ['0004', 'missing']]);
    assert.equal(s.counts.missing, 1);

    const e = await rejects(migrate(p.project, env, db.target, {}, ctx));
    assert.equal(e.code, 'migration-out-of-order');
    assert.deepEqual(e.details?.versions, ['0002']);
    assert.equal(e.details?.flag, '--allow-out-of-order');
    assert.match(e.fix, /--allow-out-of-order/);

    const r = await migrate(p.project, env, db.target, { allowOutOfOrder: true }, ctx);
    assert.deepEqual(r.applied.map((m) => m.version), ['0002']);
    assert.ok(ctx.messages().some((m) => /0004_d is recorded as applied but its file is missing/.test(m)));
  });
});

test('`to` stops at a version, dry run changes nothing, an unknown `to` is migration-not-found', async () => {
  await withSetup('mig', {
    'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);',
    'pglc/migrations/0002_b.sql': 'CREATE TABLE b (id int);',
    'pglc/migrations/0003_c.sql': 'CREATE TABLE c (id int);',
  }, async (p, db) => {
    const ctx = recordingContext();
    const dry = await migrate(p.project, env, db.target, { dryRun: true }, ctx);
    assert.deepEqual(dry, { environment: 'local', database: db.name, dryRun: true, applied: [], pending: ['0001', '0002', '0003'] });
    assert.equal(await tableExists(db, 'public._pglc_migrations'), false);

    const r = await migrate(p.project, env, db.target, { to: '0002' }, ctx);
    assert.deepEqual(r.applied.map((m) => m.version), ['0001', '0002']);
    assert.deepEqual(r.pending, ['0003']);
    assert.equal(await tableExists(db, 'public.c'), false);

    const e = await rejects(migrate(p.project, env, db.target, { to: '0009' }, ctx));
    assert.equal(e.code, 'migration-not-found');
  });
});

test('session settings and temp tables of one migration do not leak into the next; the tracking table ignores search_path', async () => {
  await withSetup('mig', {
    'pglc/migrations/0001_schema.sql': 'CREATE SCHEMA app;\nSET search_path = app;\nCREATE TEMP TABLE scratch (x int);\nCREATE TABLE inside_app (id int);',
    'pglc/migrations/0002_public.sql': 'CREATE TEMP TABLE scratch (x int);\nCREATE TABLE in_public (id int);',
  }, async (p, db) => {
    await migrate(p.project, env, db.target, {}, recordingContext());
    assert.equal(await tableExists(db, 'app.inside_app'), true);
    assert.equal(await tableExists(db, 'public.in_public'), true);
    assert.deepEqual(await recorded(db), ['0001', '0002']);
  });
});

test('a configured schema-qualified tracking table is created in its schema', async () => {
  const db = await createTestDatabase('mig');
  const p = tempProject({ 'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);' }, { migrationTable: 'ops.history' });
  try {
    await migrate(p.project, env, db.target, {}, recordingContext());
    const r = await db.query<{ version: string }>('SELECT version FROM ops.history');
    assert.deepEqual(r.rows.map((x) => x.version), ['0001']);
    const s = await migrationStatus(p.project, env, db.target, recordingContext());
    assert.equal(s.table, 'ops.history');
    assert.equal(s.counts.applied, 1);
  } finally {
    p.cleanup();
    await db.drop();
  }
});

test('psql meta-commands are rejected before anything runs', async () => {
  await withSetup('mig', {
    'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);',
    'pglc/migrations/0002_b.sql': '-- Up\nCREATE TABLE b (id int);\n\\i other.sql\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-invalid');
    assert.equal(e.details?.file, 'pglc/migrations/0002_b.sql');
    assert.equal(e.details?.line, 3);
    assert.equal(e.details?.column, 1);
    assert.equal(await tableExists(db, 'public.a'), false, 'nothing ran, not even the valid first migration');
  });
});

test('errors inside function bodies point into the body', async () => {
  const cases: [string, number, number][] = [
    // SQL-language body validated at CREATE: the server transposes the position into the statement
    ["-- Up\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n  SELECT nope FROM pg_class\n$$;\n", 3, 10],
    // PL/pgSQL syntax error at CREATE
    ["-- Up\nCREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN 1 +;\nEND $$;\n", 4, 13],
  ];
  for (const [sql, line, column] of cases) {
    await withSetup('mig', { 'pglc/migrations/0001_fn.sql': sql }, async (p, db) => {
      const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
      assert.equal(e.code, 'migration-failed');
      assert.deepEqual([e.details?.line, e.details?.column], [line, column], String(e.details?.message));
    });
  }
});

test('a role that may not read the tracking table gets what / why / fix, not a crash', async () => {
  await withSetup('mig', { 'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);' }, async (p, db) => {
    await migrate(p.project, env, db.target, {}, recordingContext());
    const role = `limited_${db.name}`;
    await db.query(`CREATE ROLE "${role}" LOGIN PASSWORD 'pw-${role}'`);
    try {
      const e = await rejects(migrationStatus(p.project, env, { ...db.target, user: role, password: `pw-${role}` }, recordingContext()));
      assert.equal(e.code, 'migration-failed');
      assert.equal(e.details?.sqlState, '42501');
      assert.match(e.why, /permission denied/);
      assert.ok(!JSON.stringify(e.toPayload()).includes(`pw-${role}`), 'no password in the error');
    } finally {
      await db.query(`DROP OWNED BY "${role}"; DROP ROLE "${role}"`);
    }
  });
});

test('an empty Up section is applied with a warning (SQL added later would show as modified)', async () => {
  await withSetup('mig', { 'pglc/migrations/0001_empty.sql': '-- Up\n\n\n-- Down\n\n' }, async (p, db) => {
    const ctx = recordingContext();
    const r = await migrate(p.project, env, db.target, {}, ctx);
    assert.deepEqual(r.applied.map((m) => m.version), ['0001']);
    assert.ok(ctx.events.some((e) => e.type === 'log' && e.level === 'warn' && /0001_empty has no SQL in its Up section/.test(e.message)));
  });
});
