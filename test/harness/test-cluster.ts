// One throwaway PostgreSQL cluster per test run: initdb into a temp dir, unix socket and
// 127.0.0.1 on a free port, fsync off. Started by scripts/run-tests.ts before the test
// files run and always stopped after; test files learn where it is from PGLC_TEST_CLUSTER.
// Invariant: tests never touch a server that happens to be running on the machine.

import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../../core/db/local-cluster-port';
import { initCluster, startCluster, stopCluster, type ClusterSpec } from '../../core/db/cluster-process';
import { findServerBinDir } from '../../core/db/pg-binaries';
import { prepareServerBinDir } from '../../core/db/local-cluster-binaries';

export interface TestClusterInfo {
  binDir: string;
  dataDir: string;
  socketDir: string;
  port: number;
  user: string;
  password: string;
  root: string;
}

export { freePort };

export async function startTestCluster(): Promise<TestClusterInfo> {
  const root = mkdtempSync(join(tmpdir(), 'pglc-test-cluster-'));
  chmodSync(root, 0o755);
  const spec: ClusterSpec = {
    binDir: await prepareServerBinDir(await findServerBinDir(process.env), join(root, 'pg'), { env: process.env, cwd: root }),
    dataDir: join(root, 'data'),
    socketDir: join(root, 'sock'),
    port: await freePort(),
    superuser: 'pglc_test',
    password: randomBytes(12).toString('hex'),
    tcp: true,
    logFile: join(root, 'server.log'),
    settings: {
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '200',
      shared_buffers: "'128MB'",
    },
  };
  await initCluster(spec);
  await startCluster(spec);
  return {
    binDir: spec.binDir, dataDir: spec.dataDir, socketDir: spec.socketDir, port: spec.port,
    user: spec.superuser, password: spec.password, root,
  };
}

export async function stopTestCluster(info: TestClusterInfo): Promise<void> {
  try {
    await stopCluster({ binDir: info.binDir, dataDir: info.dataDir });
  } finally {
    rmSync(info.root, { recursive: true, force: true });
  }
}
