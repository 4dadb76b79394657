// The embedded local environment through the binary: started on demand, migrated, stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runPglc, tempProject } from '../harness/cli';

test('local: migrate starts the embedded database on demand; status, stop', async (t) => {
  const p = tempProject({
    'pglc.toml': '[project]\nname = "Local Demo"\n',
    'pglc/migrations/0001_a.sql': '-- Up\nCREATE TABLE a (id int);\n-- Down\nDROP TABLE a;\n',
  });
  t.after(async () => {
    await runPglc(['db', 'stop'], { cwd: p.dir });
    p.cleanup();
  });
  const migrated = await runPglc(['db', 'migrate', '--json'], { cwd: p.dir });
  assert.equal(migrated.code, 0, migrated.stdout + migrated.stderr);
  assert.equal(migrated.result!.result.environment, 'local');
  assert.equal(migrated.result!.result.database, 'local_demo');
  assert.equal(migrated.result!.result.applied.length, 1);

  const status = await runPglc(['db', 'status', '--json'], { cwd: p.dir });
  assert.equal(status.code, 0, status.stdout);
  assert.equal(status.result!.result.reachable, true);
  assert.match(status.result!.result.serverVersion, /^\d+/);
  assert.ok(status.result!.result.local.port > 0);

  const again = await runPglc(['db', 'start', '--json'], { cwd: p.dir });
  assert.equal(again.result!.result.started, false);

  const stopped = await runPglc(['db', 'stop', '--json'], { cwd: p.dir });
  assert.equal(stopped.result!.result.stopped, true);
  const after = await runPglc(['db', 'status', '--json'], { cwd: p.dir });
  assert.equal(after.result!.result.reachable, false);

  const list = await runPglc(['db', 'migrate:status', '--json'], { cwd: p.dir });
  assert.equal(list.code, 0, 'started again on demand');
  assert.deepEqual(list.result!.result.rows.map((r: { state: string }) => r.state), ['applied'], 'data survived the restart');
});
