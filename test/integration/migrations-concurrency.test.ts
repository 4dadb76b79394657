// Two migrators at once (separate processes), the lock timeout, and cancellation through the
// AbortSignal: while waiting for the lock, during a migration in a transaction, and during a
// statement-by-statement migration.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { lockKey } from '../../core/db/advisory-lock';
import { migrate } from '../../core/migrations/migrate';
import { type TestDatabase } from '../harness/database';
import { recordingContext } from '../harness/project';
import { withSetup, rejects } from '../harness/migration-setup';

const env = { name: 'local', protected: false };
const repoRoot = join(__dirname, '..', '..');

/** Polls `check` until it is true, failing after `ms`. */
async function until(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function waitingForAdvisoryLock(db: TestDatabase): Promise<number> {
  const r = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
  );
  return r.rows[0]?.n ?? 0;
}

async function running(db: TestDatabase, fragment: string): Promise<boolean> {
  const r = await db.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%' || $1 || '%' AND pid <> pg_backend_pid()",
    [fragment],
  );
  return (r.rows[0]?.n ?? 0) > 0;
}

interface ProcResult {
  code: number | null;
  out: { ok: boolean; applied?: string[]; code?: string; events: { type: string; message: string }[] };
}

function runMigrator(root: string, db: TestDatabase): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/fixtures/migrations/run-migrate.ts')], {
      cwd: repoRoot,
      env: { ...process.env, PGLC_FIXTURE_ROOT: root, PGLC_FIXTURE_TARGET: JSON.stringify(db.target) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, out: JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProcResult['out'] });
      } catch {
        reject(new Error(`migrator printed no result (exit ${code}): ${stdout}\n${stderr}`));
      }
    });
  });
}

test('two migrator processes at once: each migration is applied exactly once, and the second waits for the first', async () => {
  const files: Record<string, string> = {
    'pglc/migrations/0001_log.sql': 'CREATE TABLE runs (version text);\nINSERT INTO runs VALUES (\'0001\');',
  };
  for (let i = 2; i <= 6; i++) {
    const v = String(i).padStart(4, '0');
    files[`pglc/migrations/${v}_m${i}.sql`] = `CREATE TABLE t${i} (id int);\nINSERT INTO runs VALUES ('${v}');`;
  }
  await withSetup('conc', files, async (p, db) => {
    // Hold the lock so both processes are certainly contending, then let them go.
    await db.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pglc:mutate')]);
    const a = runMigrator(p.root, db);
    const b = runMigrator(p.root, db);
    await until('both migrators waiting for the lock', async () => (await waitingForAdvisoryLock(db)) === 2, 60_000);
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey('pglc:mutate')]);
    const [ra, rb] = await Promise.all([a, b]);

    assert.equal(ra.code, 0, JSON.stringify(ra.out));
    assert.equal(rb.code, 0, JSON.stringify(rb.out));
    const applied = [...(ra.out.applied ?? []), ...(rb.out.applied ?? [])].sort();
    assert.deepEqual(applied, ['0001', '0002', '0003', '0004', '0005', '0006'], 'every migration applied by exactly one process');
    assert.ok([ra, rb].some((r) => (r.out.applied ?? []).length === 0), 'the one that waited found nothing left to do');
    for (const r of [ra, rb]) {
      assert.ok(r.out.events.some((e) => /^Waiting for another migration on this database to finish/.test(e.message)), 'each reported that it waits');
    }
    const runs = await db.query<{ version: string; n: number }>('SELECT version, count(*)::int AS n FROM runs GROUP BY version ORDER BY version');
    assert.deepEqual(runs.rows.map((r) => [r.version, r.n]), [['0001', 1], ['0002', 1], ['0003', 1], ['0004', 1], ['0005', 1], ['0006', 1]]);
    const rec = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public._pglc_migrations');
    assert.equal(rec.rows[0]?.n, 6);
  });
});

test('a migrator fails with lock-timeout after the configured time when another holds the lock', async () => {
  await withSetup('conc', { 'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);' }, async (p, db) => {
    await db.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pglc:mutate')]);
    const e = await rejects(migrate({ ...p.project, lockTimeoutMs: 300 }, env, db.target, {}, recordingContext()));
    assert.equal(e.code, 'lock-timeout');
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey('pglc:mutate')]);
    const r = await db.query<{ ok: boolean }>("SELECT to_regclass('public.a') IS NOT NULL AS ok");
    assert.equal(r.rows[0]?.ok, false);
  });
});

test('abort during a migration cancels the running query: rolled back, not recorded; earlier migrations stay', async () => {
  await withSetup('conc', {
    'pglc/migrations/0001_first.sql': 'CREATE TABLE first (id int);',
    'pglc/migrations/0002_slow.sql': '-- Up\nCREATE TABLE before_sleep (id int);\nSELECT pg_sleep(30);\nCREATE TABLE after_sleep (id int);\n',
  }, async (p, db) => {
    const ac = new AbortController();
    const started = Date.now();
    const pending = rejects(migrate(p.project, env, db.target, {}, recordingContext({ signal: ac.signal })));
    await until('the migration is sleeping', () => running(db, 'pg_sleep(30)'));
    ac.abort();
    const e = await pending;
    assert.equal(e.code, 'cancelled');
    assert.equal(e.details?.version, '0002');
    assert.ok(Date.now() - started < 20_000, 'cancelled promptly, not after the sleep');
    const t = await db.query<{ b: boolean; f: boolean }>("SELECT to_regclass('public.before_sleep') IS NOT NULL AS b, to_regclass('public.first') IS NOT NULL AS f");
    assert.equal(t.rows[0]?.b, false, 'rolled back');
    assert.equal(t.rows[0]?.f, true);
    const rec = await db.query<{ version: string }>('SELECT version FROM public._pglc_migrations ORDER BY version');
    assert.deepEqual(rec.rows.map((r) => r.version), ['0001']);
    await until('the session is gone', async () => !(await running(db, 'pg_sleep')));
  });
});

test('abort during a statement-by-statement migration stops it and reports what ran', async () => {
  await withSetup('conc', {
    'pglc/migrations/0001_slow.sql': '-- pglc:no-transaction\nCREATE TABLE ran (id int);\nSELECT pg_sleep(30);\nCREATE TABLE never (id int);\n',
  }, async (p, db) => {
    const ac = new AbortController();
    const pending = rejects(migrate(p.project, env, db.target, {}, recordingContext({ signal: ac.signal })));
    await until('the migration is sleeping', () => running(db, 'pg_sleep(30)'));
    ac.abort();
    const e = await pending;
    assert.equal(e.code, 'cancelled');
    assert.deepEqual((e.details?.statementsRun as { line: number }[]).map((s) => s.line), [2]);
    const t = await db.query<{ r: boolean; n: boolean }>("SELECT to_regclass('public.ran') IS NOT NULL AS r, to_regclass('public.never') IS NOT NULL AS n");
    assert.deepEqual(t.rows[0], { r: true, n: false });
    const rec = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public._pglc_migrations');
    assert.equal(rec.rows[0]?.n, 0);
  });
});

test('abort while waiting for the lock gives up at once', async () => {
  await withSetup('conc', { 'pglc/migrations/0001_a.sql': 'CREATE TABLE a (id int);' }, async (p, db) => {
    await db.query('SELECT pg_advisory_lock($1::bigint)', [lockKey('pglc:mutate')]);
    const ac = new AbortController();
    const pending = rejects(migrate(p.project, env, db.target, {}, recordingContext({ signal: ac.signal })));
    await until('the migrator waits for the lock', async () => (await waitingForAdvisoryLock(db)) === 1);
    ac.abort();
    const e = await pending;
    assert.equal(e.code, 'cancelled');
    await db.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey('pglc:mutate')]);
    const r = await db.query<{ ok: boolean }>("SELECT to_regclass('public.a') IS NOT NULL AS ok");
    assert.equal(r.rows[0]?.ok, false);
  });
});
