// migrate:create: names, the folder's version convention and layout, and the created files
// being valid migrations of that layout.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMigration, nextVersion, slugify } from '../../core/migrations/create';
import { discoverMigrations } from '../../core/migrations/discover';
import { isPglcError } from '../../core/errors';
import { recordingContext, tempProject } from '../harness/project';

const now = new Date(Date.UTC(2024, 4, 17, 9, 5, 3, 250));

const slugs: [string, string][] = [
  ['add posts', 'add_posts'],
  ['AddUserEmail', 'add_user_email'],
  ['HTTPRequestLog', 'http_request_log'],
  ['  Create "users" table!  ', 'create_users_table'],
  ['créer la table élève', 'creer_la_table_eleve'],
  ['add-index--on  users', 'add_index_on_users'],
  ['v2 schema', 'v2_schema'],
];
for (const [input, expected] of slugs) {
  test(`slugify(${JSON.stringify(input)})`, () => assert.equal(slugify(input), expected));
}

const versions: [string, string[], string, string][] = [
  ['empty pglc folder', [], 'pglc', '0001'],
  ['pglc sequence', ['0001', '0002'], 'pglc', '0003'],
  ['three-digit sequence keeps its width', ['001', '009'], 'pglc', '010'],
  ['golang-migrate -seq', ['000001', '000002'], 'split-files', '000003'],
  ['unpadded sequence', ['1', '2'], 'split-files', '3'],
  ['timestamps', ['20240101120000'], 'pglc', '20240517090503'],
  ['a timestamp in the future is followed, not duplicated', ['20990101000000'], 'dbmate', '20990101000001'],
  ['empty Supabase folder', [], 'supabase', '20240517090503'],
  ['empty dbmate folder', [], 'dbmate', '20240517090503'],
  ['Hasura epoch milliseconds', ['1612345678901'], 'split-folder', String(now.getTime())],
  ['empty Hasura folder', [], 'split-folder', String(now.getTime())],
  ['epoch seconds', ['1612345678'], 'split-files', String(Math.floor(now.getTime() / 1000))],
];
for (const [name, existing, format, expected] of versions) {
  test(`nextVersion: ${name}`, () => assert.equal(nextVersion(existing, format as never, now), expected));
}

const layouts: { name: string; folder: string; files: Record<string, string>; expectFiles: string[]; format: string; hasDown: boolean }[] = [
  { name: 'a new pglc project', folder: 'pglc/migrations', files: {}, expectFiles: ['pglc/migrations/0001_add_posts.sql'], format: 'pglc', hasDown: false },
  { name: 'pglc with existing migrations', folder: 'pglc/migrations', files: { 'pglc/migrations/0001_a.sql': 'select 1;', 'pglc/migrations/0002_b.sql': 'select 2;' }, expectFiles: ['pglc/migrations/0003_add_posts.sql'], format: 'pglc', hasDown: false },
  { name: 'Supabase', folder: 'supabase/migrations', files: { 'supabase/migrations/20240101000000_init.sql': 'select 1;' }, expectFiles: ['supabase/migrations/20240517090503_add_posts.sql'], format: 'supabase', hasDown: false },
  { name: 'dbmate', folder: 'db/migrations', files: { 'db/migrations/20240101000000_init.sql': '-- migrate:up\nselect 1;\n-- migrate:down\nselect 2;\n' }, expectFiles: ['db/migrations/20240517090503_add_posts.sql'], format: 'dbmate', hasDown: false },
  { name: 'golang-migrate', folder: 'migrations', files: { 'migrations/000001_init.up.sql': 'select 1;', 'migrations/000001_init.down.sql': 'select 2;' }, expectFiles: ['migrations/000002_add_posts.up.sql', 'migrations/000002_add_posts.down.sql'], format: 'split-files', hasDown: false },
  { name: 'Hasura v2', folder: 'hasura/migrations/default', files: { 'hasura/migrations/default/1612345678901_init/up.sql': 'select 1;' }, expectFiles: [`hasura/migrations/default/${now.getTime()}_add_posts/up.sql`, `hasura/migrations/default/${now.getTime()}_add_posts/down.sql`], format: 'split-folder', hasDown: false },
];

for (const l of layouts) {
  test(`createMigration: ${l.name}`, async () => {
    const p = tempProject(l.files, { migrations: [l.folder] });
    try {
      const ctx = recordingContext({ now: () => now });
      const r = await createMigration(p.project, 'Add posts', ctx);
      assert.equal(r.name, 'add_posts');
      assert.equal(r.format, l.format);
      assert.deepEqual(r.files, l.expectFiles);
      assert.equal(r.file, l.expectFiles[0]);
      const files = await discoverMigrations(p.project);
      const created = files.find((f) => f.version === r.version);
      assert.ok(created, 'the new migration is discovered');
      assert.equal(created.format, l.format);
      assert.equal(created.down !== undefined, l.hasDown, 'an empty Down template is not a Down yet');
      assert.equal(files.at(-1)?.version, r.version, 'the new migration sorts last');
    } finally {
      p.cleanup();
    }
  });
}

test('the pglc template has -- Up and -- Down; the folder is created when missing; several folders are all considered', async () => {
  const p = tempProject({ 'old/0007_x.sql': 'select 1;' }, { migrations: ['pglc/migrations', 'old'] });
  try {
    const r = await createMigration(p.project, 'next one', recordingContext({ now: () => now }));
    assert.equal(r.file, 'pglc/migrations/0008_next_one.sql');
    assert.equal(readFileSync(join(p.root, r.file), 'utf8'), '-- Up\n\n\n-- Down\n\n');
  } finally {
    p.cleanup();
  }
  const q = tempProject();
  try {
    const r = await createMigration({ ...q.project, migrations: ['brand/new'] }, 'init', recordingContext({ now: () => now }));
    assert.equal(r.file, 'brand/new/0001_init.sql');
  } finally {
    q.cleanup();
  }
});

test('a name without letters or digits is a usage error', async () => {
  const p = tempProject();
  try {
    await assert.rejects(createMigration(p.project, ' -- ', recordingContext()), (e: unknown) => isPglcError(e) && e.code === 'usage');
  } finally {
    p.cleanup();
  }
});
