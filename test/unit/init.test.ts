// `pglc init` in temporary folders: one per project layout of the fixture table (fresh, Supabase,
// dbmate, golang-migrate, plain, Hasura v1/v2, existing .gitignore), plus the refusal to
// overwrite, --force, and that the written pglc.toml loads with the promised shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { initProject } from '../../core/project/init';
import { loadProject, loadProjectWithEnv } from '../../core/config/load-config';
import { resolveEnvironment } from '../../core/config/resolve-environment';
import { PglcError } from '../../core/errors';
import type { CliEvent } from '../../protocol/index';

interface Layout {
  name: string;
  files: Record<string, string>;
  expected: { migrationsDir: string; detected?: string; created?: string[]; gitignore?: string };
}
const { layouts } = JSON.parse(readFileSync(join(__dirname, '../fixtures/config/init-layouts.json'), 'utf8')) as { layouts: Layout[] };

function tempDir(t: { after: (fn: () => void) => void }, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

function countLines(text: string, line: string): number {
  return text.split('\n').filter((l) => l === line).length;
}

for (const layout of layouts) {
  test(`init: ${layout.name}`, async (t) => {
    const dir = tempDir(t, layout.files);
    const result = await initProject({ env: {}, cwd: dir }, {});
    assert.equal(result.root, dir);
    assert.equal(result.migrationsDir, layout.expected.migrationsDir);
    assert.equal(result.detected, layout.expected.detected);
    if (layout.expected.created) assert.deepEqual(result.created, layout.expected.created);
    for (const rel of result.created) assert.ok(existsSync(join(dir, rel)), `${rel} was reported as created`);
    assert.ok(statSync(join(dir, 'pglc/seeds')).isDirectory());
    assert.ok(statSync(join(dir, layout.expected.migrationsDir)).isDirectory());
    if (layout.expected.detected) assert.ok(!existsSync(join(dir, 'pglc/migrations')), 'no second migrations folder');
    // Existing files are untouched.
    for (const [rel, content] of Object.entries(layout.files)) {
      if (rel !== '.gitignore') assert.equal(readFileSync(join(dir, rel), 'utf8'), content, rel);
    }
    const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
    if (layout.expected.gitignore !== undefined) assert.equal(gitignore, layout.expected.gitignore);
    const lines = gitignore.split('\n').map((l) => l.trim().replace(/^\//, '').replace(/\/$/, ''));
    assert.equal(lines.filter((l) => l === '.pglc').length, 1, '.pglc/ exactly once');
    assert.equal(lines.filter((l) => l === 'backups').length, 1, 'backups/ exactly once');

    // The written file loads, points at the folder, and has the promised environments.
    const project = await loadProject({ env: {}, cwd: dir });
    assert.deepEqual(project.migrations, [layout.expected.migrationsDir]);
    assert.equal(project.migrationTable, '_pglc_migrations');
  });
}

test('the generated pglc.toml has local, staging, protected prod, backup and lint defaults', async (t) => {
  const dir = tempDir(t);
  await initProject({ env: {}, cwd: dir }, {});
  const text = readFileSync(join(dir, 'pglc.toml'), 'utf8');
  assert.ok(text.split('\n').filter((l) => l.startsWith('#')).length >= 5, 'the file is commented');
  const { project, env } = await loadProjectWithEnv({
    env: { STAGING_DATABASE_URL: 'postgres://app:pw@staging.example.com/shop', DATABASE_URL: 'postgres://app@prod.example.com/shop' },
    cwd: dir,
  });
  assert.deepEqual(Object.keys(project.environments), ['local', 'staging', 'prod']);
  assert.deepEqual(project.environments.staging, { name: 'staging', protected: false, url: '${STAGING_DATABASE_URL}' });
  assert.deepEqual(project.environments.prod, { name: 'prod', protected: true, url: '${DATABASE_URL}' });
  assert.equal(project.defaultEnvironment, 'local');
  assert.equal(project.lockTimeoutMs, 60_000);
  assert.deepEqual(project.backup, {
    storage: 'local', path: 'backups', encrypt: false, preMigration: 'protected',
    retention: { days: 30, count: 10, keepDaily: 7, keepWeekly: 4, keepMonthly: 12 },
  });
  assert.deepEqual(project.lint, { assumeInTransaction: true, rules: {}, exclude: [] });
  assert.equal(resolveEnvironment(project, 'local', env).kind, 'embedded', 'DATABASE_URL does not redirect local');
  assert.equal(resolveEnvironment(project, 'staging', env).target?.host, 'staging.example.com');
  assert.equal(resolveEnvironment(project, 'prod', env).protected, true);
});

test('init refuses to overwrite pglc.toml (config-exists) and creates nothing', async (t) => {
  const dir = tempDir(t, { 'pglc.toml': '# mine\n' });
  await assert.rejects(initProject({ env: {}, cwd: dir }, {}), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.equal(e.code, 'config-exists');
    assert.match(e.fix, /--force/);
    return true;
  });
  assert.equal(readFileSync(join(dir, 'pglc.toml'), 'utf8'), '# mine\n');
  assert.ok(!existsSync(join(dir, 'pglc')));
  assert.ok(!existsSync(join(dir, '.gitignore')));
});

test('init --force replaces pglc.toml, keeps migrations, and does not duplicate .gitignore lines', async (t) => {
  const dir = tempDir(t);
  await initProject({ env: {}, cwd: dir }, {});
  writeFileSync(join(dir, 'pglc/migrations/0001_create_users.sql'), '-- Up\nselect 1;\n');
  writeFileSync(join(dir, 'pglc.toml'), '# edited\n');
  const again = await initProject({ env: {}, cwd: dir }, { force: true });
  assert.deepEqual(again.created, ['pglc.toml']);
  assert.equal(again.migrationsDir, 'pglc/migrations');
  assert.match(readFileSync(join(dir, 'pglc.toml'), 'utf8'), /\[environments\.prod\]/);
  assert.equal(readFileSync(join(dir, 'pglc/migrations/0001_create_users.sql'), 'utf8'), '-- Up\nselect 1;\n');
  const gitignore = readFileSync(join(dir, '.gitignore'), 'utf8');
  assert.equal(countLines(gitignore, '.pglc/'), 1);
  assert.equal(countLines(gitignore, 'backups/'), 1);
});

test('init names the project after its folder and warns about a project above it', async (t) => {
  const parent = tempDir(t, { 'pglc.toml': '' });
  const dir = join(parent, 'My Shop "2"');
  mkdirSync(dir);
  const events: CliEvent[] = [];
  await initProject({ env: {}, cwd: dir, report: (e) => events.push(e) }, {});
  const project = await loadProject({ env: {}, cwd: dir });
  assert.equal(project.root, dir);
  assert.equal(project.name, 'My Shop "2"');
  assert.ok(events.some((e) => e.type === 'log' && e.level === 'warn' && e.message.includes(join(parent, 'pglc.toml'))));
});
