// `pglc db lint` end to end through the real binary: findings, formats and exit codes without a
// database (CI), and table-state awareness against a real PostgreSQL — the same CREATE INDEX is
// a warning on a table with rows, worth only an info on an empty one, and not reported on a
// table that a migration the environment has not applied yet creates; an applied migration edited
// afterwards is an error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../harness/database';
import { runPglc, tempProject, tomlFor } from '../harness/cli';

const m = (up: string, down: string) => `-- Up\n${up}\n-- Down\n${down}\n`;

interface Finding {
  rule: string;
  severity: string;
  file: string;
  message: string;
  range: { start: { line: number; character: number } };
}

const project = () =>
  tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_orders.sql': m(
      'create table orders (id bigint generated always as identity primary key, note text);\n-- new in this migration: no lock warning\ncreate index orders_note_idx on orders (note);',
      'drop table orders;',
    ),
    'pglc/migrations/0002_index.sql': m('create index orders_id_note_idx on orders (id, note);', 'drop index orders_id_note_idx;'),
    'pglc/migrations/0003_drop.sql': m('alter table orders drop column note;', 'alter table orders add column note text;'),
  });

test('db lint without a database: findings, --fail-on, formats, paths and usage errors', async (t) => {
  const p = project();
  t.after(() => p.cleanup());

  const json = await runPglc(['db', 'lint', '--json'], { cwd: p.dir });
  assert.equal(json.code, 1, 'drop-column is an error: the run fails');
  assert.equal(json.result?.ok, true, json.stdout + json.stderr);
  const r = json.result!.result;
  assert.deepEqual(r.files, ['pglc/migrations/0001_orders.sql', 'pglc/migrations/0002_index.sql', 'pglc/migrations/0003_drop.sql']);
  assert.deepEqual(
    r.findings.map((f: Finding) => [f.file, f.rule, f.severity, f.range.start.line, f.range.start.character]),
    [
      ['pglc/migrations/0002_index.sql', 'require-concurrent-index', 'warning', 1, 0],
      ['pglc/migrations/0002_index.sql', 'require-lock-timeout', 'warning', 1, 0],
      ['pglc/migrations/0002_index.sql', 'require-statement-timeout', 'warning', 1, 0],
      ['pglc/migrations/0003_drop.sql', 'require-lock-timeout', 'warning', 1, 0],
      ['pglc/migrations/0003_drop.sql', 'drop-column', 'error', 1, 19],
      // dropping note took both indexes on it; the Down adds the column back but not them
      ['pglc/migrations/0003_drop.sql', 'down-does-not-reverse', 'warning', 2, 0],
      ['pglc/migrations/0003_drop.sql', 'down-does-not-reverse', 'warning', 2, 0],
      ['pglc/migrations/0003_drop.sql', 'require-lock-timeout', 'warning', 3, 0],
    ],
  );
  assert.deepEqual(r.counts, { error: 1, warning: 7, info: 0 });
  assert.deepEqual(r.postgresVersion, { major: 17, source: 'default' });

  // only the files asked for; a warning passes unless --fail-on warning
  const one = await runPglc(['db', 'lint', 'pglc/migrations/0002_index.sql', '--json'], { cwd: p.dir });
  assert.equal(one.code, 0, one.stdout + one.stderr);
  assert.deepEqual(one.result!.result.findings.map((f: Finding) => f.rule), ['require-concurrent-index', 'require-lock-timeout', 'require-statement-timeout']);
  const strict = await runPglc(['db', 'lint', 'pglc/migrations/0002_index.sql', '--fail-on', 'warning'], { cwd: p.dir });
  assert.equal(strict.code, 1);
  assert.match(strict.stdout, /pglc\/migrations\/0002_index\.sql\n {2}2:1 +warning +CREATE INDEX on orders blocks writes/);
  assert.match(strict.stdout, /3 problems \(0 errors, 3 warnings, 0 info\) in 1 file/);

  const github = await runPglc(['db', 'lint', '--format', 'github'], { cwd: p.dir });
  assert.equal(github.code, 1);
  assert.deepEqual(github.stdout.trim().split('\n').map((l) => l.split('::')[1]).slice(0, 3), [
    'warning file=pglc/migrations/0002_index.sql,line=2,col=1,endLine=2,endColumn=42,title=require-concurrent-index',
    'warning file=pglc/migrations/0002_index.sql,line=2,col=1,endLine=2,endColumn=53,title=require-lock-timeout',
    'warning file=pglc/migrations/0002_index.sql,line=2,col=1,endLine=2,endColumn=53,title=require-statement-timeout',
  ]);

  const sarif = await runPglc(['db', 'lint', '--format', 'sarif'], { cwd: p.dir });
  const run = JSON.parse(sarif.stdout).runs[0];
  assert.equal(run.tool.driver.name, 'pglc');
  // rules link to their heading of docs/lint.md in the repository package.json names
  const { readFileSync } = await import('node:fs');
  const repo = String(JSON.parse(readFileSync(new URL('../../package.json', `file://${__dirname}/`), 'utf8')).repository.url).replace(/^git\+/, '').replace(/\.git$/, '');
  assert.equal(run.tool.driver.rules.find((r: { id: string }) => r.id === 'require-concurrent-index').helpUri, `${repo}/blob/HEAD/docs/lint.md#require-concurrent-index`);
  assert.deepEqual(run.results.map((x: { ruleId: string; level: string; locations: { physicalLocation: { region: { startLine: number } } }[] }) => [x.ruleId, x.level, x.locations[0]!.physicalLocation.region.startLine]), [
    ['require-concurrent-index', 'warning', 2],
    ['require-lock-timeout', 'warning', 2],
    ['require-statement-timeout', 'warning', 2],
    ['drop-column', 'error', 2],
    ['require-lock-timeout', 'warning', 2],
    ['down-does-not-reverse', 'warning', 3],
    ['down-does-not-reverse', 'warning', 3],
    ['require-lock-timeout', 'warning', 4],
  ]);

  const badFormat = await runPglc(['db', 'lint', '--format', 'xml', '--json'], { cwd: p.dir });
  assert.equal(badFormat.code, 2);
  assert.equal(badFormat.result!.error!.code, 'usage');
  const nothing = await runPglc(['db', 'lint', 'no/such/dir', '--json'], { cwd: p.dir });
  assert.equal(nothing.code, 2);
  assert.match(nothing.result!.error!.what, /Nothing to lint/);
});

test('db lint reads [lint] from pglc.toml: rule levels and excluded paths', async (t) => {
  const p = tempProject({
    'pglc.toml': `${tomlFor()}\n[lint]\nexclude = ["**/0003_*.sql"]\n\n[lint.rules]\nrequire-concurrent-index = "error"\nrequire-lock-timeout = "info"\n`,
    'pglc/migrations/0001_orders.sql': m('create table orders (id bigint primary key, note text);', 'drop table orders;'),
    'pglc/migrations/0002_index.sql': m('create index orders_note_idx on orders (note);', 'drop index orders_note_idx;'),
    'pglc/migrations/0003_drop.sql': m('alter table orders drop column note;', 'alter table orders add column note text;'),
  });
  t.after(() => p.cleanup());
  const r = await runPglc(['db', 'lint', '--json'], { cwd: p.dir });
  assert.equal(r.code, 1);
  assert.deepEqual(r.result!.result.files, ['pglc/migrations/0001_orders.sql', 'pglc/migrations/0002_index.sql']);
  assert.deepEqual(r.result!.result.findings.map((f: Finding) => [f.rule, f.severity]), [['require-concurrent-index', 'error'], ['require-lock-timeout', 'info'], ['require-statement-timeout', 'warning']]);
});

test('db lint --env: table sizes and applied migrations from a real PostgreSQL rate the findings', async (t) => {
  const db = await createTestDatabase('lint');
  const p = tempProject({
    'pglc.toml': tomlFor(),
    'pglc/migrations/0001_tables.sql': m('create table orders (id bigint primary key, note text);\ncreate table notes (id bigint primary key, body text);', 'drop table notes;\ndrop table orders;'),
  });
  t.after(async () => {
    p.cleanup();
    await db.drop();
  });
  const env = { TEST_DATABASE_URL: db.url };
  const migrated = await runPglc(['db', 'migrate', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  await db.query("insert into orders select g, 'n' || g from generate_series(1, 20000) g");
  await db.query('analyze orders; analyze notes');

  // 0002 is not applied on the environment: drafts will be new (empty) when 0003 runs there
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  writeFileSync(join(p.dir, 'pglc/migrations/0002_drafts.sql'), m('create table drafts (id bigint primary key, body text);', 'drop table drafts;'));
  writeFileSync(
    join(p.dir, 'pglc/migrations/0003_indexes.sql'),
    m('create index orders_note_idx on orders (note);\ncreate index notes_body_idx on notes (body);\ncreate index drafts_body_idx on drafts (body);', 'drop index drafts_body_idx;\ndrop index notes_body_idx;\ndrop index orders_note_idx;'),
  );
  const file = 'pglc/migrations/0003_indexes.sql';
  const offline = await runPglc(['db', 'lint', file, '--json'], { cwd: p.dir, env });
  assert.equal(offline.code, 0, offline.stdout + offline.stderr);
  const upOffline = offline.result!.result.findings.filter((f: Finding) => f.range.start.line <= 3 && f.rule === 'require-concurrent-index');
  assert.deepEqual(upOffline.map((f: Finding) => [f.range.start.line, f.severity]), [[1, 'warning'], [2, 'warning'], [3, 'warning']], 'without facts every existing table is treated alike');

  const online = await runPglc(['db', 'lint', file, '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(online.code, 0, online.stdout + online.stderr);
  const r = online.result!.result;
  assert.equal(r.environment, 'test');
  assert.equal(r.postgresVersion.source, 'server');
  assert.ok(r.postgresVersion.major >= 12, `server major ${r.postgresVersion.major}`);
  const up = r.findings.filter((f: Finding) => f.range.start.line <= 3 && f.rule === 'require-concurrent-index');
  assert.deepEqual(up.map((f: Finding) => [f.range.start.line, f.rule, f.severity]), [
    [1, 'require-concurrent-index', 'warning'],
    [2, 'require-concurrent-index', 'info'],
  ], 'orders has rows (warning), notes is empty (info), drafts comes from unapplied 0002 (nothing)');
  assert.match(up[0].message, /orders \(20k rows, [\d.]+ [kM]B\)/);
  assert.match(up[1].message, /notes \(0 rows, [\d.]+ kB\)/);

  // what the editor reads and sends to its language server: the same facts, nothing else
  const facts = await runPglc(['db', 'lint:facts', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(facts.code, 0, facts.stdout + facts.stderr);
  const f = facts.result!.result;
  assert.equal(f.environment, 'test');
  assert.equal(f.serverVersion.major, r.postgresVersion.major);
  assert.deepEqual(f.tables.filter((x: { name: string }) => !x.name.startsWith('_pglc')).map((x: { name: string; rows: number }) => [x.name, x.rows]).sort(), [['notes', 0], ['orders', 20000]]);
  assert.doesNotMatch(JSON.stringify(f), /password/i);
  const factsText = await runPglc(['db', 'lint:facts', '--env', 'test'], { cwd: p.dir, env });
  assert.match(factsText.stdout, /orders +20k +[\d.]+ [kM]B/);

  // an applied migration edited afterwards: only the environment's tracking table can tell
  writeFileSync(join(p.dir, 'pglc/migrations/0001_tables.sql'), m('create table orders (id bigint primary key, note text, paid boolean);\ncreate table notes (id bigint primary key, body text);', 'drop table notes;\ndrop table orders;'));
  const edited = await runPglc(['db', 'lint', 'pglc/migrations/0001_tables.sql', '--env', 'test', '--json'], { cwd: p.dir, env });
  assert.equal(edited.code, 1, edited.stdout + edited.stderr);
  assert.deepEqual(edited.result!.result.findings.map((f: Finding) => [f.rule, f.severity, f.range.start.line]), [['applied-migration-modified', 'error', 0]]);
  assert.match(edited.result!.result.findings[0].message, /^test applied this migration on \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
  const offlineEdited = await runPglc(['db', 'lint', 'pglc/migrations/0001_tables.sql', '--json'], { cwd: p.dir, env });
  assert.equal(offlineEdited.result!.result.findings.length, 0, 'without --env nothing knows it was applied');
});
