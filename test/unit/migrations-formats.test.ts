// Discovery and parsing of every migration layout pglc reads: fixture folders under
// test/fixtures/migrations/formats/<layout>/ → expected.json (the MigrationFile fields that
// matter: version, name, format, paths, and where each section starts and ends).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverMigrations, missingFolderError, parseMigrationFile } from '../../core/migrations/discover';
import type { MigrationFile, MigrationFormat, MigrationSection } from '../../core/migrations/migration-file';
import { isPglcError } from '../../core/errors';
import { recordingContext, tempProject, testProject } from '../harness/project';

const formatsDir = join(__dirname, '../fixtures/migrations/formats');

function section(s: MigrationSection): Record<string, unknown> {
  const lines = s.sql.split(/\r?\n/).map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return { line: s.line, offset: s.offset, noTransaction: s.noTransaction, first: lines[0] ?? '', last: lines.at(-1) ?? '' };
}

function projection(f: MigrationFile): Record<string, unknown> {
  return {
    version: f.version, name: f.name, format: f.format, relPath: f.relPath, noTransaction: f.noTransaction,
    up: section(f.up),
    ...(f.down ? { down: section(f.down), downRelPath: f.downRelPath } : {}),
  };
}

for (const layout of readdirSync(formatsDir).sort()) {
  test(`discovers the ${layout} layout`, async () => {
    const dir = join(formatsDir, layout);
    const fixture = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as { migrations: string[] };
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as unknown[];
    const files = await discoverMigrations(testProject(dir, { migrations: fixture.migrations }), recordingContext());
    assert.deepEqual(files.map(projection), expected);
    for (const f of files) {
      // offsets really point at the section text in the file
      const text = readFileSync(f.path, 'utf8');
      assert.equal(text.slice(f.up.offset, f.up.offset + f.up.sql.length), f.up.sql);
      assert.equal(text.slice(0, f.up.offset).split('\n').length, f.up.line);
      assert.match(f.checksum, /^[0-9a-f]{64}$/);
      assert.equal(f.downChecksum === undefined, f.down === undefined);
    }
  });
}

test('Hasura folders with only metadata YAML are skipped with a note; stray .sql names are noted', async () => {
  const ctx = recordingContext();
  await discoverMigrations(testProject(join(formatsDir, 'hasura-v2'), { migrations: ['hasura/migrations/default'] }), ctx);
  assert.ok(ctx.messages().some((m) => /1700000000200_metadata_only has only YAML/.test(m)));

  const p = tempProject({ 'pglc/migrations/0001_a.sql': 'select 1;', 'pglc/migrations/cleanup.sql': 'select 2;' });
  try {
    const c2 = recordingContext();
    const files = await discoverMigrations(p.project, c2);
    assert.deepEqual(files.map((f) => f.version), ['0001']);
    assert.ok(c2.messages().some((m) => /cleanup\.sql is not named <version>_<name>\.sql/.test(m)));
  } finally {
    p.cleanup();
  }
});

test('several folders merge in version order; a version used twice is migration-conflict', async () => {
  const p = tempProject({
    'a/0001_x.sql': 'select 1;',
    'a/0003_z.sql': 'select 3;',
    'b/0002_y.up.sql': 'select 2;',
  }, { migrations: ['a', 'b'] });
  try {
    const files = await discoverMigrations(p.project);
    assert.deepEqual(files.map((f) => [f.version, f.format]), [['0001', 'pglc'], ['0002', 'split-files'], ['0003', 'pglc']]);
    p.write('b/1_dup.sql', 'select 4;');
    await assert.rejects(discoverMigrations(p.project), (e: unknown) =>
      isPglcError(e) && e.code === 'migration-conflict' && (e.details?.files as string[]).join() === 'a/0001_x.sql,b/1_dup.sql');
  } finally {
    p.cleanup();
  }
});

test('a missing folder holds no migrations (with a warning); a .down.sql without .up.sql and a folder with only down.sql are migration-invalid', async () => {
  const p = tempProject({}, { migrations: ['nowhere'] });
  try {
    const ctx = recordingContext();
    assert.deepEqual(await discoverMigrations({ ...p.project, migrations: ['missing/folder', 'nowhere'] }, ctx), []);
    assert.ok(ctx.events.some((e) => e.type === 'log' && e.level === 'warn' && /missing\/folder does not exist/.test(e.message)));
    const err = await missingFolderError({ ...p.project, migrations: ['nowhere', 'missing/folder'] });
    assert.equal(err?.code, 'config-invalid');
    assert.match(err?.what ?? '', /missing\/folder does not exist/);
    assert.equal(await missingFolderError(p.project), undefined);
    p.write('nowhere/0001_a.down.sql', 'select 1;');
    await assert.rejects(discoverMigrations(p.project), (e: unknown) => isPglcError(e) && e.code === 'migration-invalid' && /has no matching \.up\.sql/.test(e.what));
  } finally {
    p.cleanup();
  }
  const q = tempProject({ 'm/0001_a/down.sql': 'select 1;' }, { migrations: ['m'] });
  try {
    await assert.rejects(discoverMigrations(q.project), (e: unknown) => isPglcError(e) && e.code === 'migration-invalid' && /no up\.sql/.test(e.what));
  } finally {
    q.cleanup();
  }
});

// parseMigrationFile: text → sections, or the error at its line.
const parseCases: { name: string; format: MigrationFormat; file: string; text: string; up?: [number, string]; down?: [number, string] | null; noTx?: boolean; error?: [string, number, RegExp] }[] = [
  { name: 'markers in any case, blank lines kept in the section', format: 'pglc', file: '0001_a.sql', text: '-- up\n\ncreate table a();\n--DOWN\ndrop table a;', up: [2, '\ncreate table a();\n'], down: [5, 'drop table a;'] },
  { name: 'no markers: all Up', format: 'pglc', file: '0001_a.sql', text: 'create table a();\n', up: [1, 'create table a();\n'], down: null },
  { name: 'only -- Down: the text above it is Up', format: 'pglc', file: '0001_a.sql', text: 'create table a();\n-- Down\ndrop table a;\n', up: [1, 'create table a();\n'], down: [3, 'drop table a;\n'] },
  { name: 'a byte order mark is not SQL', format: 'pglc', file: '0001_a.sql', text: '\uFEFFcreate table a();', up: [1, 'create table a();'] },
  { name: 'CRLF line endings', format: 'pglc', file: '0001_a.sql', text: '-- Up\r\ncreate table a();\r\n-- Down\r\ndrop table a;\r\n', up: [2, 'create table a();\r\n'], down: [4, 'drop table a;\r\n'] },
  { name: 'an empty Down is no Down', format: 'pglc', file: '0001_a.sql', text: '-- Up\ncreate table a();\n-- Down\n-- todo\n\n', up: [2, 'create table a();\n'], down: null },
  { name: 'a marker inside a dollar-quoted body is not a marker', format: 'pglc', file: '0001_f.sql', text: '-- Up\ncreate function f() returns int language plpgsql as $$\nbegin\n-- Down\nreturn 1;\nend $$;\n', up: [2, 'create function f() returns int language plpgsql as $$\nbegin\n-- Down\nreturn 1;\nend $$;\n'], down: null },
  { name: 'pglc:no-transaction applies to both sections', format: 'pglc', file: '0001_a.sql', text: '-- Up\n-- pglc:no-transaction\nvacuum;\n-- Down\nselect 1;', up: [2, '-- pglc:no-transaction\nvacuum;\n'], down: [5, 'select 1;'], noTx: true },
  { name: 'two Up markers', format: 'pglc', file: '0001_a.sql', text: '-- Up\nselect 1;\n-- Up\nselect 2;', error: ['migration-invalid', 3, /two "-- Up" lines/] },
  { name: 'Down before Up', format: 'pglc', file: '0001_a.sql', text: '-- Down\nselect 1;\n-- Up\nselect 2;', error: ['migration-invalid', 1, /"-- Down" before "-- Up"/] },
  { name: 'SQL before Up would never run', format: 'pglc', file: '0001_a.sql', text: '-- header\nselect 0;\n-- Up\nselect 1;', error: ['migration-invalid', 2, /SQL before its "-- Up" line/] },
  { name: 'dbmate sections and transaction:false per section', format: 'dbmate', file: '20240101000000_a.sql', text: '-- migrate:up transaction:false\nvacuum;\n-- migrate:down\nselect 1;\n', up: [2, 'vacuum;\n'], down: [4, 'select 1;\n'], noTx: true },
  { name: 'dbmate without migrate:up', format: 'dbmate', file: '20240101000000_a.sql', text: 'select 1;\n-- migrate:down\nselect 2;', error: ['migration-invalid', 1, /no "-- migrate:up" line/] },
  { name: 'supabase ignores markers', format: 'supabase', file: '20240101000000_a.sql', text: '-- Up\nselect 1;\n-- Down\nselect 2;', up: [1, '-- Up\nselect 1;\n-- Down\nselect 2;'], down: null },
  { name: 'a name without a version', format: 'pglc', file: 'create_users.sql', text: 'select 1;', error: ['migration-invalid', 0, /Cannot read the version/] },
];

for (const c of parseCases) {
  test(`parseMigrationFile: ${c.name}`, () => {
    const run = (): MigrationFile => parseMigrationFile(`/p/m/${c.file}`, c.text, c.format, '/p');
    if (c.error) {
      const [code, line, what] = c.error;
      assert.throws(run, (e: unknown) => isPglcError(e) && e.code === code && what.test(e.what) && (line === 0 || e.details?.line === line));
      return;
    }
    const f = run();
    assert.equal(f.relPath, `m/${c.file}`);
    if (c.up) assert.deepEqual([f.up.line, f.up.sql], c.up);
    if (c.down === null) assert.equal(f.down, undefined);
    else if (c.down) assert.deepEqual([f.down?.line, f.down?.sql], c.down);
    assert.equal(f.noTransaction, c.noTx ?? false);
    assert.equal(c.text.slice(f.up.offset, f.up.offset + f.up.sql.length), f.up.sql);
    if (f.down) assert.equal(c.text.slice(f.down.offset, f.down.offset + f.down.sql.length), f.down.sql);
  });
}
