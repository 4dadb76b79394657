// The self-check is the diff's proof, so it must fail when the migration is wrong: a statement
// left out (a grant, a policy) is reported as a leftover naming the object; a statement the
// server refuses is reported with the statement; a Down that does not return to FROM is
// reported too. The scratch database is dropped in every case.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../core/db/connect';
import { diffModels, type SchemaDiff } from '../../core/diff/diff-models';
import { selfCheck } from '../../core/diff/self-check';
import { introspect } from '../../core/schema/introspect';
import type { SchemaModel } from '../../core/schema/model';
import { ensureRoles, type ScratchServer } from '../../core/schema/scratch-database';
import { createTestDatabase, testCluster } from '../harness/database';
import { recordingContext } from '../harness/project';

const A = 'create table notes (id int primary key, body text);';
const B = `${A}
alter table notes enable row level security;
create policy notes_read on notes for select to pglc_t_reader using (true);
grant select on notes to pglc_t_reader;`;

function server(): ScratchServer {
  const c = testCluster();
  return { admin: { host: '127.0.0.1', port: c.port, database: 'postgres', user: c.user, password: c.password, sslmode: 'disable' } };
}

async function modelOf(sql: string): Promise<SchemaModel> {
  const db = await createTestDatabase('chk');
  try {
    await db.query(sql);
    const c = await connect(db.target);
    try {
      return await introspect(c, {});
    } finally {
      await c.end();
    }
  } finally {
    await db.drop();
  }
}

async function existing(names: string[]): Promise<string[]> {
  const c = await connect(server().admin);
  try {
    return (await c.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names])).rows.map((r) => r.datname);
  } finally {
    await c.end();
  }
}

async function check(a: SchemaModel, b: SchemaModel, diff: SchemaDiff) {
  return selfCheck({ server: server(), from: a, to: b, diff, copyFrom: async (t) => { const c = await connect(t); await c.query(A); await c.end(); }, introspect: {} }, recordingContext());
}

test('the self-check reports what a wrong migration leaves out, refuses or fails to undo', async () => {
  await ensureRoles(server(), ['pglc_t_reader']);
  const a = await modelOf(A);
  const b = await modelOf(B);
  const good = diffModels(a, b);
  const r0 = await check(a, b, good);
  assert.equal(r0.ok, true, 'the generated migration passes');

  // Up without the policy and the grant: both are named as leftovers.
  const lossy: SchemaDiff = { ...good, up: { ...good.up, steps: good.up.steps.filter((s) => !/^(CREATE POLICY|GRANT)/.test(s.sql)) } };
  const r1 = await check(a, b, lossy);
  assert.equal(r1.ok, false);
  const left = r1.defects.find((d) => d.phase === 'up-leftover');
  assert.ok(left, JSON.stringify(r1.defects));
  assert.deepEqual(left.objects.sort(), ['policy public.notes.notes_read', 'table public.notes']);
  assert.match(left.differences!.find((d) => d.key.startsWith('table:'))!.detail!, /grants/);

  // A statement PostgreSQL refuses: reported with the statement, nothing after it claimed.
  const broken: SchemaDiff = { ...good, up: { ...good.up, steps: [...good.up.steps, { sql: 'ALTER TABLE public.notes ADD CONSTRAINT x CHECK (nope > 0);', action: 'create', key: 'constraint:"public"."notes"."x"' }] } };
  const r2 = await check(a, b, broken);
  assert.equal(r2.ok, false);
  assert.equal(r2.defects[0]?.phase, 'up-apply');
  assert.match(r2.defects[0]!.message, /column "nope" does not exist/);
  assert.equal(r2.defects[0]!.statement, 'ALTER TABLE public.notes ADD CONSTRAINT x CHECK (nope > 0);');

  // A Down that keeps the policy: it does not return to FROM.
  const sticky: SchemaDiff = { ...good, down: { ...good.down, steps: good.down.steps.filter((s) => !/^DROP POLICY/.test(s.sql)) } };
  const r3 = await check(a, b, sticky);
  assert.equal(r3.ok, false);
  assert.deepEqual(r3.defects.map((d) => [d.phase, d.objects]), [['down-leftover', ['policy public.notes.notes_read']]]);

  const used = [r0, r1, r2, r3].map((r) => r.scratchDatabase);
  assert.equal(new Set(used).size, 4);
  assert.deepEqual(await existing(used), [], 'every scratch database was dropped');
});

test('the self-check holds column order to what the diff announced: unannounced or misannounced orders are defects', async () => {
  const a0 = 'create table co (id int primary key, a text, b text);';
  const b0 = 'create table co (id int primary key, n int, a text, b text);';
  const a = await modelOf(a0);
  const b = await modelOf(b0);
  const run = (diff: SchemaDiff) => selfCheck({ server: server(), from: a, to: b, diff, copyFrom: async (t) => { const c = await connect(t); await c.query(a0); await c.end(); }, introspect: {} }, recordingContext());
  const good = diffModels(a, b);
  assert.deepEqual(good.up.columnOrder.map((c) => [c.table, c.result, c.target]), [['public.co', ['id', 'a', 'b', 'n'], ['id', 'n', 'a', 'b']]]);
  const r0 = await run(good);
  assert.equal(r0.ok, true, JSON.stringify(r0.defects));
  assert.deepEqual(r0.known, ['Up: columns of public.co are in the order id, a, b, n (TO has id, n, a, b), as announced']);

  // The summary says nothing about the order: the check does.
  const silent: SchemaDiff = { ...good, up: { ...good.up, columnOrder: [] } };
  const r1 = await run(silent);
  assert.equal(r1.ok, false);
  assert.deepEqual(r1.defects.map((d) => [d.phase, d.objects]), [['up-leftover', ['table public.co']]]);
  assert.match(r1.defects[0]!.differences![0]!.detail!, /^column order: id, a, b, n → expected id, n, a, b$/);

  // The summary announces an order the Up does not leave.
  const wrong: SchemaDiff = { ...good, up: { ...good.up, columnOrder: [{ ...good.up.columnOrder[0]!, result: ['id', 'n', 'b', 'a'] }] } };
  const r2 = await run(wrong);
  assert.equal(r2.ok, false);
  assert.match(r2.defects[0]!.differences![0]!.detail!, /the diff announced id, n, b, a/);
});
