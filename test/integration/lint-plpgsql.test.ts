// plpgsql_check in `pglc db lint`: the migrations applied to a scratch database on the test
// cluster (whose PostgreSQL finds Debian's postgresql-15-plpgsql-check), every PL/pgSQL function
// checked there — a trigger function with the table of its trigger — and each problem reported
// at its line in the migration that made the function as it finally is (a later CREATE OR
// REPLACE wins), through the inline directives like any finding. Then the CLI on the project's
// embedded local PostgreSQL.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadProject } from '../../core/config/load-config';
import { lintProject } from '../../core/lint/lint-project';
import type { ScratchServer } from '../../core/schema/scratch-database';
import { runPglc, tempProject } from '../harness/cli';
import { testCluster } from '../harness/database';
import { recordingContext } from '../harness/project';

function server(): ScratchServer {
  const c = testCluster();
  return { admin: { host: '127.0.0.1', port: c.port, database: 'postgres', user: c.user, password: c.password, sslmode: 'disable' } };
}

const FIRST = `-- Up
create table orders (id bigint primary key, total numeric, status text);
create function order_total(p_id bigint) returns numeric language plpgsql as $$
begin
  return (select sum(totl) from orders where id = p_id);
end
$$;
-- Down
drop function order_total(bigint);
drop table orders;
`;

const SECOND = `-- Up
create function orders_touch() returns trigger language plpgsql as $$
begin
  new.updated := now();
  return new;
end
$$;
create trigger orders_touch before update on orders for each row execute function orders_touch();
-- the first definition was wrong; this one is what the database ends up with
create or replace function order_total(p_id bigint) returns numeric language plpgsql as $$
declare
  t numeric;
begin
  select total into t from orders where id = p_id;
  return t + missing_variable;
end
$$;
-- pglc:disable-next-statement plpgsql-check -- checked by hand, it uses a temp table
create function report() returns void language plpgsql as $$
begin
  insert into temp_report select * from orders;
end
$$;
-- Down
drop function report();
drop trigger orders_touch on orders;
drop function orders_touch();
`;

const lines = (text: string, pattern: RegExp): number => text.split('\n').findIndex((l) => pattern.test(l));

test('plpgsql_check: problems of every PL/pgSQL function at their line in the migration that made it', async (t) => {
  const p = tempProject({ 'pglc.toml': '[project]\nname = "plpgsql"\n', 'pglc/migrations/0001_orders.sql': FIRST, 'pglc/migrations/0002_functions.sql': SECOND });
  t.after(() => p.cleanup());
  const ctx = recordingContext({ cwd: p.dir });
  const project = await loadProject(ctx);
  const r = await lintProject(project, { functions: { opened: { project, vars: {} }, server: async () => server() } }, ctx);
  assert.equal(r.functions?.status, 'checked', JSON.stringify(r.functions));
  assert.equal(r.functions?.checked, 3, 'order_total, orders_touch on orders, report');
  const found = r.findings.filter((f) => f.rule === 'plpgsql-check' && f.severity === 'error').map((f) => [f.file, f.severity, f.range.start.line, f.message.replace(/ — plpgsql_check.*/, '')]);
  assert.deepEqual(found, [
    ['pglc/migrations/0002_functions.sql', 'error', lines(SECOND, /new\.updated :=/), 'record "new" has no field "updated"'],
    ['pglc/migrations/0002_functions.sql', 'error', lines(SECOND, /missing_variable/), 'column "missing_variable" does not exist'],
  ], JSON.stringify(r.findings.filter((f) => f.rule === 'plpgsql-check'), null, 1));
  // plpgsql_check's extra warnings (a variable never read) are worth one level less
  assert.ok(r.findings.some((f) => f.rule === 'plpgsql-check' && f.severity === 'info' && /never read variable "t"/.test(f.message)));
  const touch = r.findings.find((f) => f.rule === 'plpgsql-check' && /updated/.test(f.message));
  assert.match(touch?.message ?? '', /in orders_touch\(\) on orders/);
  assert.equal(r.findings.filter((f) => f.file.endsWith('0001_orders.sql') && f.rule === 'plpgsql-check').length, 0, 'the replaced first definition of order_total is not what the database has');
  assert.ok(!r.findings.some((f) => f.rule === 'unused-directive'), 'the directive silenced report()\'s finding, so it is used');
});

test('pglc db lint --functions: on the embedded local PostgreSQL, with a summary line', async (t) => {
  const p = tempProject({ 'pglc.toml': '[project]\nname = "plpgsqlcli"\n', 'pglc/migrations/0001_orders.sql': FIRST });
  t.after(async () => {
    await runPglc(['db', 'stop'], { cwd: p.dir });
    p.cleanup();
  });
  const r = await runPglc(['db', 'lint', '--functions'], { cwd: p.dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /0001_orders\.sql\n(?:.*\n)*? {2}5:\d+ +error +column "totl" does not exist/);
  assert.match(r.stdout, /plpgsql_check: 1 function checked, 2 problems/);
  assert.match(r.stdout, /hint: Perhaps you meant to reference the column "orders\.total"/);
  const plain = await runPglc(['db', 'lint', '--json'], { cwd: p.dir });
  assert.equal(plain.result!.result.functions, undefined, 'without --functions no database is touched');
});
