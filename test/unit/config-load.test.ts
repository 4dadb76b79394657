// Finding and loading a project from a working directory, with .env and process overrides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProjectRoot, loadProject, loadProjectWithEnv } from '../../core/config/load-config';
import { resolveEnvironment } from '../../core/config/resolve-environment';
import { PglcError } from '../../core/errors';

function tempProject(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-load-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('findProjectRoot walks up to the nearest pglc.toml', (t) => {
  const dir = tempProject(t);
  mkdirSync(join(dir, 'app/src/models'), { recursive: true });
  writeFileSync(join(dir, 'pglc.toml'), '');
  assert.equal(findProjectRoot(join(dir, 'app/src/models')), dir);
  assert.equal(findProjectRoot(dir), dir);
  // A nested project is its own root.
  writeFileSync(join(dir, 'app/pglc.toml'), '');
  assert.equal(findProjectRoot(join(dir, 'app/src')), join(dir, 'app'));
});

test('findProjectRoot ignores a directory named pglc.toml and stops at /', (t) => {
  const dir = tempProject(t);
  mkdirSync(join(dir, 'pglc.toml'));
  assert.equal(findProjectRoot(dir), undefined);
});

test('no pglc.toml → config-missing that says to run pglc init', async (t) => {
  const dir = tempProject(t);
  await assert.rejects(loadProject({ env: {}, cwd: dir }), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.equal(e.code, 'config-missing');
    assert.ok(e.what.includes(dir));
    assert.match(e.fix, /Run `pglc init`/);
    return true;
  });
});

test('loadProject reads the file, names the project after its folder, applies .env and the shell', async (t) => {
  const dir = tempProject(t);
  mkdirSync(join(dir, 'sub'));
  writeFileSync(
    join(dir, 'pglc.toml'),
    '[environments.staging]\nurl = "${STAGING_DATABASE_URL}"\n\n[backup]\npath = "from-toml"\nretention = { days = 3 }\n',
  );
  writeFileSync(
    join(dir, '.env'),
    'STAGING_DATABASE_URL=postgres://app:envpw@staging.local/shop\nBACKUP_PATH=from-dotenv\nBACKUP_RETENTION_DAYS=9\n',
  );
  const { project, env } = await loadProjectWithEnv({ env: { BACKUP_RETENTION_DAYS: '12' }, cwd: join(dir, 'sub') });
  assert.equal(project.root, dir);
  assert.equal(project.file, join(dir, 'pglc.toml'));
  assert.equal(project.name, dir.split('/').pop());
  assert.equal(project.backup.path, 'from-dotenv', '.env overrides pglc.toml');
  assert.equal(project.backup.retention.days, 12, 'the shell overrides .env');
  assert.equal(project.environments.staging?.url, '${STAGING_DATABASE_URL}', 'urls are kept unexpanded');
  const staging = resolveEnvironment(project, 'staging', env);
  assert.equal(staging.target?.host, 'staging.local');
  assert.equal(staging.target?.password, 'envpw');
  assert.ok(!JSON.stringify(project).includes('envpw'), 'the ProjectConfig holds no secret');
});

test('a syntax error in the real file reports its path, line and column', async (t) => {
  const dir = tempProject(t);
  writeFileSync(join(dir, 'pglc.toml'), '[project]\nname = "x\n');
  await assert.rejects(loadProject({ env: {}, cwd: dir }), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.equal(e.code, 'config-invalid');
    assert.ok(e.what.includes(join(dir, 'pglc.toml')));
    assert.match(e.what, /line 2, column \d+/);
    return true;
  });
});
