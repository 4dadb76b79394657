// Migrations that cannot run in one transaction (CREATE INDEX CONCURRENTLY, declared
// no-transaction) and migrations that manage their own, against a real database.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate } from '../../core/migrations/migrate';
import { rollback } from '../../core/migrations/rollback';
import { recordingContext } from '../harness/project';
import { withSetup, rejects, recorded, tableExists as exists } from '../harness/migration-setup';

const env = { name: 'local', protected: false };

test('CREATE INDEX CONCURRENTLY runs outside a transaction, with a note naming the statement and line; its Down too', async () => {
  await withSetup('notx', {
    'pglc/migrations/0001_t.sql': '-- Up\nCREATE TABLE t (id int, email text);\n-- Down\nDROP TABLE t;\n',
    'pglc/migrations/0002_idx.sql': '-- Up\n-- index without locking writes\nCREATE INDEX CONCURRENTLY t_email_idx ON t (email);\n-- Down\nDROP INDEX CONCURRENTLY t_email_idx;\n',
  }, async (p, db) => {
    const ctx = recordingContext();
    const r = await migrate(p.project, env, db.target, {}, ctx);
    assert.deepEqual(r.applied.map((m) => [m.version, m.noTransaction]), [['0001', false], ['0002', true]]);
    const expected = '0002_idx runs outside a transaction because of CREATE INDEX CONCURRENTLY at line 3 (pglc/migrations/0002_idx.sql:3:1); its statements run one by one and cannot be rolled back together';
    assert.deepEqual(r.applied[1]?.notes, [expected]);
    assert.ok(ctx.events.some((e) => e.type === 'log' && e.message === expected));
    const idx = await db.query<{ valid: boolean }>("SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'public.t_email_idx'::regclass");
    assert.equal(idx.rows[0]?.valid, true);
    assert.deepEqual(await recorded(db), ['0001', '0002']);

    const rb = await rollback(p.project, env, db.target, {}, ctx);
    assert.equal(rb.reverted[0]?.noTransaction, true);
    assert.equal(await exists(db, 'public.t_email_idx'), false);
    assert.deepEqual(await recorded(db), ['0001']);
  });
});

test('a failure outside a transaction reports the statements that already ran, and does not record the migration', async () => {
  await withSetup('notx', {
    'pglc/migrations/0001_t.sql': 'CREATE TABLE t (id int);',
    'pglc/migrations/0002_idx.sql': '-- Up\nCREATE TABLE side (id int);\nCREATE INDEX CONCURRENTLY t_id_idx ON t (id);\nSELECT 1/0;\nCREATE TABLE never (id int);\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-failed');
    assert.equal(e.details?.mode, 'no-transaction');
    assert.equal(e.details?.sqlState, '22012');
    assert.equal(e.details?.line, 4);
    assert.equal(e.details?.column, 1);
    assert.deepEqual(
      (e.details?.statementsRun as { line: number; text: string }[]).map((s) => [s.line, s.text]),
      [[2, 'CREATE TABLE side (id int)'], [3, 'CREATE INDEX CONCURRENTLY t_id_idx ON t (id)']],
    );
    assert.match(e.fix, /2 of its 4 statements had already run \(lines 2, 3\) and cannot be rolled back/);
    assert.equal(await exists(db, 'public.side'), true, 'statements outside a transaction stay');
    assert.equal(await exists(db, 'public.never'), false);
    assert.deepEqual(await recorded(db), ['0001']);
  });
});

test('`-- pglc:no-transaction` and dbmate `transaction:false` run statement by statement', async () => {
  await withSetup('notx', {
    'pglc/migrations/0001_declared.sql': '-- pglc:no-transaction\n-- Up\nCREATE TABLE kept (id int);\nSELECT 1/0;\n',
  }, async (p, db) => {
    const ctx = recordingContext();
    const e = await rejects(migrate(p.project, env, db.target, {}, ctx));
    assert.equal(e.details?.mode, 'no-transaction');
    assert.equal(await exists(db, 'public.kept'), true, 'not rolled back: there was no transaction');
    assert.ok(ctx.messages().some((m) => m.includes('declared with -- pglc:no-transaction')));
  });
  await withSetup('notx', {
    'db/migrations/20240101000000_enum.sql': '-- migrate:up transaction:false\nCREATE TYPE mood AS ENUM (\'ok\');\nALTER TYPE mood ADD VALUE \'great\';\nCREATE TABLE uses (m mood DEFAULT \'great\');\n\n-- migrate:down\nDROP TABLE uses;\nDROP TYPE mood;\n',
  }, async (p, db) => {
    const project = { ...p.project, migrations: ['db/migrations'] };
    const r = await migrate(project, env, db.target, {}, recordingContext());
    assert.equal(r.applied[0]?.noTransaction, true);
    assert.match(r.applied[0]?.notes[0] ?? '', /declared transaction:false/);
    assert.equal(await exists(db, 'public.uses'), true);
  });
});

test('a file with its own BEGIN/COMMIT runs as written and is noted; an unclosed BEGIN is rejected before anything runs', async () => {
  await withSetup('notx', {
    'pglc/migrations/0001_own.sql': '-- Up\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n',
  }, async (p, db) => {
    const r = await migrate(p.project, env, db.target, {}, recordingContext());
    assert.equal(r.applied[0]?.noTransaction, true);
    assert.match(r.applied[0]?.notes[0] ?? '', /manages its own transaction \(BEGIN at line 2\), so it runs as written, not wrapped/);
    assert.equal(await exists(db, 'public.a'), true);
    assert.equal(await exists(db, 'public.b'), true);
    assert.deepEqual(await recorded(db), ['0001']);
  });
  await withSetup('notx', {
    'pglc/migrations/0001_own.sql': '-- Up\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nSELECT 1/0;\nCOMMIT;\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.details?.mode, 'own-transaction');
    assert.equal(e.details?.line, 7);
    assert.equal(await exists(db, 'public.a'), true, 'its first transaction committed');
    assert.equal(await exists(db, 'public.b'), false, 'its second transaction rolled back');
    const after = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE \'idle in transaction%\'');
    assert.equal(after.rows[0]?.n, 0);
  });
  await withSetup('notx', {
    'pglc/migrations/0001_ok.sql': 'CREATE TABLE ok (id int);',
    'pglc/migrations/0002_open.sql': '-- Up\nBEGIN;\nCREATE TABLE a (id int);\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-invalid');
    assert.equal(e.details?.line, 2);
    assert.equal(await exists(db, 'public.ok'), false);
  });
});

test('COPY … FROM STDIN is rejected before anything runs', async () => {
  await withSetup('notx', {
    'pglc/migrations/0001_copy.sql': '-- Up\nCREATE TABLE t (id int);\nCOPY t (id) FROM stdin;\n1\n2\n\\.\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-invalid');
    assert.equal(e.details?.line, 6, 'the psql terminator line \\. is a meta-command');
    assert.equal(await exists(db, 'public.t'), false);
  });
  await withSetup('notx', {
    'pglc/migrations/0001_copy.sql': '-- Up\nCREATE TABLE t (id int);\nCOPY t (id) FROM STDIN;\n',
  }, async (p, db) => {
    const e = await rejects(migrate(p.project, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'migration-invalid');
    assert.match(e.what, /COPY … FROM STDIN at line 3/);
  });
});
