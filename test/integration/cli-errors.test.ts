// Expected failures through the real binary: what — why — what to do, right exit codes,
// never a stack trace, never the password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, testCluster } from '../harness/database';
import { freePort } from '../harness/test-cluster';
import { runPglc, tempProject, tomlFor } from '../harness/cli';

test('no pglc.toml: config-missing suggests `pglc init`', async (t) => {
  const p = tempProject({});
  t.after(() => p.cleanup());
  const r = await runPglc(['db', 'migrate:status', '--json'], { cwd: p.dir });
  assert.equal(r.code, 1);
  assert.equal(r.result!.error!.code, 'config-missing');
  assert.match(r.result!.error!.fix, /pglc init/);
  const human = await runPglc(['db', 'migrate'], { cwd: p.dir });
  assert.match(human.stderr, /✖/);
  assert.match(human.stderr, /fix: .*pglc init/);
});

test('unknown environment lists the known ones', async (t) => {
  const p = tempProject({ 'pglc.toml': tomlFor() });
  t.after(() => p.cleanup());
  const r = await runPglc(['db', 'migrate:status', '--env', 'nope', '--json'], { cwd: p.dir });
  assert.equal(r.result!.error!.code, 'env-unknown');
  assert.match(JSON.stringify(r.result!.error!), /test/);
});

test('unset variable in the URL is named', async (t) => {
  const p = tempProject({ 'pglc.toml': tomlFor() });
  t.after(() => p.cleanup());
  const r = await runPglc(['db', 'migrate:status', '--env', 'test', '--json'], { cwd: p.dir, env: { TEST_DATABASE_URL: undefined } });
  assert.equal(r.result!.error!.code, 'env-var-unset');
  assert.match(r.result!.error!.what, /TEST_DATABASE_URL/);
});

test('wrong password: auth-failed, and the password appears nowhere in the output', async (t) => {
  const db = await createTestDatabase('cli');
  const p = tempProject({ 'pglc.toml': tomlFor() });
  t.after(async () => { p.cleanup(); await db.drop(); });
  const secret = 'Wr0ng-p4ss-DO-NOT-LEAK';
  const url = db.url.replace(encodeURIComponent(testCluster().password), secret);
  for (const json of [true, false]) {
    const r = await runPglc(['db', 'migrate:status', '--env', 'test', ...(json ? ['--json'] : [])], { cwd: p.dir, env: { TEST_DATABASE_URL: url } });
    assert.equal(r.code, 1);
    assert.ok(!(r.stdout + r.stderr).includes(secret), 'password leaked');
    if (json) {
      assert.equal(r.result!.error!.code, 'auth-failed');
      assert.match(r.result!.error!.fix, /PGLC_PASSWORD_TEST|Set password/);
    }
  }
});

test('server down: server-unreachable names host, port and database', async (t) => {
  const port = await freePort();
  const p = tempProject({ 'pglc.toml': tomlFor() });
  t.after(() => p.cleanup());
  const r = await runPglc(['db', 'migrate:status', '--env', 'test', '--json'], {
    cwd: p.dir,
    env: { TEST_DATABASE_URL: `postgresql://someone:hunter2secret@127.0.0.1:${port}/shop` },
  });
  assert.equal(r.result!.error!.code, 'server-unreachable');
  assert.match(r.result!.error!.what, new RegExp(`127\\.0\\.0\\.1:${port}/shop`));
  assert.ok(!r.stdout.includes('hunter2secret') && !r.stderr.includes('hunter2secret'));
});

test('usage errors exit with 2', async (t) => {
  const p = tempProject({ 'pglc.toml': tomlFor() });
  t.after(() => p.cleanup());
  assert.equal((await runPglc(['db', 'migrate', '--no-such-flag'], { cwd: p.dir })).code, 2);
  assert.equal((await runPglc(['db', 'migrate:repair', '--env', 'test'], { cwd: p.dir })).code, 2);
  const json = await runPglc(['db', 'migrate:rollback', '--steps', '0', '--json'], { cwd: p.dir });
  assert.equal(json.code, 2);
  assert.equal(json.result!.error!.code, 'usage');
});
