// Two pglc processes starting the same new local cluster at once, and the lock file's edge
// cases: a stale lock of a dead process is taken over, a live holder makes others wait and
// then fail with local-cluster-busy.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureLocalCluster, localClusterPaths } from '../../core/db/local-cluster';
import { processAlive } from '../../core/db/local-cluster-lock';
import { PglcError } from '../../core/errors';
import type { CliEvent } from '../../protocol/index';
import { cleanupProject, makeProject, recordingContext } from '../fixtures/local-cluster/temp-project';

const script = join(__dirname, '../fixtures/local-cluster/ensure-local-cluster.ts');

interface ChildOutput {
  started?: boolean;
  pid?: number;
  port?: number;
  database?: string;
  events?: CliEvent[];
  error?: { code?: string; message?: string };
}

function runChild(root: string, database: string): Promise<{ code: number | null; out: ChildOutput; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, root, database], { cwd: join(__dirname, '../..'), env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      let out: ChildOutput = {};
      try {
        out = JSON.parse(stdout) as ChildOutput;
      } catch {
        out = { error: { message: `unparsable stdout: ${stdout}` } };
      }
      resolve({ code, out, stderr });
    });
  });
}

function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '']);
    child.on('error', reject);
    child.on('close', () => resolve(child.pid!));
  });
}

describe('concurrent starts of one local cluster', () => {
  const roots: string[] = [];
  after(async () => {
    for (const r of roots) await cleanupProject(r);
  });

  it('two processes at once: both succeed, one initdb, one server', async () => {
    const root = makeProject();
    roots.push(root);
    const [a, b] = await Promise.all([runChild(root, 'shared_db'), runChild(root, 'shared_db')]);
    for (const r of [a, b]) assert.equal(r.code, 0, `child failed: ${JSON.stringify(r.out)} ${r.stderr}`);
    assert.equal(a.out.database, 'shared_db');
    assert.equal(b.out.database, 'shared_db');
    assert.equal(a.out.pid, b.out.pid, 'both must talk to the same postmaster');
    assert.equal(a.out.port, b.out.port);
    assert.equal([a, b].filter((r) => r.out.started).length, 1, 'exactly one started it');
    const inits = [a, b].flatMap((r) => r.out.events ?? []).filter((e) => e.type === 'progress' && e.step === 'cluster.init');
    assert.equal(inits.length, 1, 'exactly one initdb');
    const paths = localClusterPaths(root);
    assert.equal(existsSync(paths.lockFile), false, 'the lock is released');
    assert.deepEqual(readdirSync(paths.dir).filter((f) => f.startsWith('data.init-') || f.includes('.stale-')), []);
  });

  it('a lock left by a dead process is taken over', async () => {
    const root = roots[0]!;
    const paths = localClusterPaths(root);
    const pid = await deadPid();
    assert.equal(processAlive(pid), false);
    writeFileSync(paths.lockFile, JSON.stringify({ pid, at: new Date().toISOString(), token: 'left-behind' }));
    const ctx = recordingContext(root);
    const r = await ensureLocalCluster(root, 'shared_db', ctx, { lockTimeoutMs: 10_000 });
    assert.equal(r.started, false);
    assert.equal(existsSync(paths.lockFile), false);
    assert.deepEqual(readdirSync(paths.dir).filter((f) => f.includes('.stale-')), []);
  });

  it('a live holder makes it wait, say so, and give up with local-cluster-busy', async () => {
    const root = makeProject();
    roots.push(root);
    const paths = localClusterPaths(root);
    mkdirSync(paths.dir, { recursive: true });
    // This test process is alive: its lock is not stale.
    writeFileSync(paths.lockFile, JSON.stringify({ pid: process.pid, at: new Date().toISOString(), token: 'held' }));
    const ctx = recordingContext(root);
    await assert.rejects(ensureLocalCluster(root, 'db', ctx, { lockTimeoutMs: 400 }), (e: unknown) => {
      assert.ok(e instanceof PglcError, String(e));
      assert.equal(e.code, 'local-cluster-busy');
      assert.match(e.why, new RegExp(`process ${process.pid}`));
      assert.ok(e.fix.includes(paths.lockFile));
      return true;
    });
    assert.deepEqual(
      ctx.events.filter((e) => e.type === 'log').map((e) => (e.type === 'log' ? e.message : '')),
      ['Waiting for another pglc to start the local database…'],
    );
    assert.equal(existsSync(paths.lockFile), true, "someone else's lock is left alone");
    assert.equal(existsSync(paths.dataDir), false, 'nothing was initialized without the lock');
  });
});
