// A crash of the local server (SIGKILL of the postmaster, leaving a stale postmaster.pid and
// socket lock) must not keep it down: the next ensureLocalCluster starts it, and committed
// data survives (fsync is on; crash recovery replays the WAL).

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalCluster, localClusterPaths, localClusterStatus } from '../../core/db/local-cluster';
import { pause, processAlive } from '../../core/db/local-cluster-lock';
import { readPostmasterPid } from '../../core/db/local-cluster-state';
import { withConnection } from '../../core/db/connect';
import { cleanupProject, makeProject, recordingContext } from '../fixtures/local-cluster/temp-project';

async function waitUntil(cond: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await pause(50);
  }
}

describe('the local cluster after its postmaster was killed', () => {
  const root = makeProject();
  after(async () => {
    await cleanupProject(root);
  });

  it('recovers on the next ensureLocalCluster with the data intact', async () => {
    const first = await ensureLocalCluster(root, 'crashy', recordingContext(root));
    await withConnection(first.target, {}, async (c) => {
      await c.query('CREATE TABLE survivors (id int PRIMARY KEY, name text)');
      await c.query("INSERT INTO survivors SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
    });
    const paths = localClusterPaths(root);
    const pm = readPostmasterPid(paths.dataDir)!;
    assert.ok(pm && processAlive(pm.pid));

    process.kill(pm.pid, 'SIGKILL');
    await waitUntil(() => !processAlive(pm.pid), 'the postmaster is dead');
    assert.ok(existsSync(join(paths.dataDir, 'postmaster.pid')), 'a crash leaves postmaster.pid behind');
    assert.equal((await localClusterStatus(root, 'crashy', recordingContext(root))).running, false);

    const ctx = recordingContext(root);
    const again = await ensureLocalCluster(root, 'crashy', ctx);
    assert.equal(again.started, true);
    assert.notEqual(again.state.pid, pm.pid);
    assert.equal(again.state.port, first.state.port, 'the port is kept');
    const rows = await withConnection(again.target, {}, async (c) =>
      (await c.query<{ n: string; s: string }>('SELECT count(*) AS n, sum(id) AS s FROM survivors')).rows[0]);
    assert.deepEqual(rows, { n: '1000', s: '500500' });
    const status = await localClusterStatus(root, 'crashy', recordingContext(root));
    assert.equal(status.running, true);
    assert.equal(status.pid, again.state.pid);
  });
});
