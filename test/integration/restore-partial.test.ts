// Partial restores through the real `pglc`: --table refuses a table that other tables point
// into (and names the --table to add), replaces the rows of the named tables in one transaction
// leaving every other table alone, keeps sequences ahead of the restored ids, does not fire user
// triggers; --data-only replaces every table's rows; partitioned tables stand for their partitions.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject } from '../harness/cli';
import { databasesLike, dropWithRestoreLeftovers, q } from '../harness/restore-helpers';
import { fingerprint } from '../fixtures/backup/fingerprint';

const appShapedSql = readFileSync(join(__dirname, '../fixtures/restore/app-shaped.sql'), 'utf8');
const toml = ['[project]', 'name = "rsp"', '', '[environments.test]', 'url = "${TEST_DATABASE_URL}"', ''].join('\n');

async function setUp(t: { after(fn: () => Promise<void>): void }) {
  const db = await createTestDatabase('rspart');
  const p = tempProject({ 'pglc.toml': toml });
  t.after(async () => {
    p.cleanup();
    await dropWithRestoreLeftovers(db.name);
  });
  await db.query(appShapedSql);
  await db.close();
  const env = { TEST_DATABASE_URL: db.url };
  const b = await runPglc(['backup', 'create', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(b.code, 0, b.stdout + b.stderr);
  const original = await fingerprint((s) => q(db.name, s));
  return { db, p, env, original };
}

const table = (fp: Record<string, string>, name: string) => fp[`table ${name}`];

describe('pglc restore --table / --data-only', () => {
  it('--table of a table other tables refer to is refused with the --table to add; nothing changes', async (t) => {
    const { db, p, env, original } = await setUp(t);
    await q(db.name, 'DELETE FROM app.order_lines');
    const before = await fingerprint((s) => q(db.name, s));
    const r = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'app.orders', '--json'], { cwd: p.dir, env });
    assert.equal(r.result!.error!.code, 'restore-not-possible', r.stdout);
    assert.match(r.result!.error!.fix, /--table app\.order_lines/);
    assert.deepEqual(r.result!.error!.details.dependents, ['app.order_lines']);
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), before);
    assert.notDeepEqual(before, original);
    assert.deepEqual(await databasesLike(`${db.name}__`), []);
  });

  it('--table orders and order_lines: their rows come back, other tables and triggers untouched, sequences never go back', async (t) => {
    const { db, p, env, original } = await setUp(t);
    await q(db.name, `DELETE FROM app.order_lines WHERE order_id > 10; DELETE FROM app.orders WHERE id > 10;
                      INSERT INTO app.orders (account_id, total, placed_on) SELECT 1, 1, '2026-01-01' FROM generate_series(1, 2000);
                      UPDATE app.accounts SET full_name = 'changed' WHERE id = 1; DELETE FROM public.metrics WHERE name = 'm1'`);
    const changed = await fingerprint((s) => q(db.name, s));
    const auditBefore = (await q(db.name, 'SELECT count(*)::int AS n FROM app.audit')).rows[0].n;
    const seqBefore = Number((await q(db.name, "SELECT last_value FROM pg_sequences WHERE sequencename = 'orders_id_seq'")).rows[0].last_value);

    const dry = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'app.orders', '--table', 'app.order_lines', '--dry-run', '--json'], { cwd: p.dir, env });
    assert.equal(dry.code, 0, dry.stdout + dry.stderr);
    const plan = dry.result!.result.plan;
    assert.equal(plan.mode, 'tables');
    assert.deepEqual(plan.tables.map((x: { schema: string; name: string; action: string }) => `${x.schema}.${x.name}:${x.action}`), ['app.order_lines:replace', 'app.orders:replace']);
    assert.match(plan.scratchDatabase, /__pglc_scratch_\d{14}$/);
    assert.ok(plan.nonAtomic.some((s: string) => /[Tt]riggers/.test(s)));

    const r = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'app.orders', '--table', 'app.order_lines', '--json'], { cwd: p.dir, env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.result!.result.done.rowsRestored, 900 + 2700);
    const now = await fingerprint((s) => q(db.name, s));
    assert.equal(table(now, 'app.orders'), table(original, 'app.orders'));
    assert.equal(table(now, 'app.order_lines'), table(original, 'app.order_lines'));
    assert.equal(table(now, 'app.accounts'), table(changed, 'app.accounts'), 'tables not named are left alone');
    assert.equal(table(now, 'public.metrics_h1'), table(changed, 'public.metrics_h1'));
    assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM app.audit')).rows[0].n, auditBefore, 'user triggers did not fire');
    const seqAfter = Number((await q(db.name, "SELECT last_value FROM pg_sequences WHERE sequencename = 'orders_id_seq'")).rows[0].last_value);
    assert.ok(seqAfter >= seqBefore, `the sequence does not go back (${seqBefore} → ${seqAfter})`);
    const next = (await q(db.name, "INSERT INTO app.orders (account_id, total, placed_on) VALUES (1, 1, '2026-01-01') RETURNING id")).rows[0].id;
    assert.ok(next > 900, 'a new order does not collide with a restored id');
    const triggers = await q(db.name, "SELECT tgenabled FROM pg_trigger WHERE tgname = 'accounts_touch'");
    assert.equal(triggers.rows[0].tgenabled, 'O', 'triggers are enabled again');
    assert.deepEqual(await databasesLike(`${db.name}__`), [], 'the scratch database is gone');
  });

  it('--table of a partitioned table restores its partitions; --data-only replaces every table\'s rows', async (t) => {
    const { db, p, env, original } = await setUp(t);
    await q(db.name, "DELETE FROM public.metrics; UPDATE app.accounts SET phone = NULL");
    const part = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'public.metrics', '--json'], { cwd: p.dir, env });
    assert.equal(part.code, 0, part.stdout + part.stderr);
    assert.deepEqual(part.result!.result.plan.tables.map((x: { name: string }) => x.name), ['metrics_h1', 'metrics_h2']);
    const now = await fingerprint((s) => q(db.name, s));
    assert.equal(table(now, 'public.metrics_h1'), table(original, 'public.metrics_h1'));
    assert.notEqual(table(now, 'app.accounts'), table(original, 'app.accounts'));

    const all = await runPglc(['restore', 'latest', '--env', 'test', '--data-only', '--json'], { cwd: p.dir, env });
    assert.equal(all.code, 0, all.stdout + all.stderr);
    const after = await fingerprint((s) => q(db.name, s));
    for (const name of ['app.accounts', 'app.orders', 'app.order_lines', 'public.metrics_h1', 'public.metrics_h2']) assert.equal(table(after, name), table(original, name), name);
  });

  it('a target column the backup lacks: with a default the rows get it; NOT NULL without one stops before anything changes', async (t) => {
    const { db, p, env } = await setUp(t);
    await q(db.name, "ALTER TABLE app.order_lines ADD COLUMN qty int NOT NULL DEFAULT 1; DELETE FROM app.order_lines WHERE line = 3");
    const ok = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'app.order_lines', '--json'], { cwd: p.dir, env });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.ok(ok.result!.result.done.warnings.some((w: string) => /qty is not in the backup/.test(w)));
    assert.equal((await q(db.name, 'SELECT count(*)::int AS n FROM app.order_lines WHERE qty = 1')).rows[0].n, 2700);
    await q(db.name, "ALTER TABLE app.order_lines ADD COLUMN must int; UPDATE app.order_lines SET must = 1; ALTER TABLE app.order_lines ALTER COLUMN must SET NOT NULL; DELETE FROM app.order_lines WHERE line = 2");
    const before = await fingerprint((s) => q(db.name, s));
    const bad = await runPglc(['restore', 'latest', '--env', 'test', '--table', 'app.order_lines', '--json'], { cwd: p.dir, env });
    assert.equal(bad.result!.error!.code, 'restore-not-possible', bad.stdout);
    assert.match(bad.result!.error!.what, /must/);
    assert.deepEqual(await fingerprint((s) => q(db.name, s)), before);
    assert.deepEqual(await databasesLike(`${db.name}__`), []);
  });
});
