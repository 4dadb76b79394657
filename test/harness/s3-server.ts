// A real S3-protocol server (s3rver) on a free loopback port, storing into a temp folder, with
// its buckets created. It runs in a child Node process started with --openssl-legacy-provider:
// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only has in its
// legacy provider — without it every listing of more than 1,000 keys fails with a 500.
// Invariants: every server started here is stopped and its folder removed by stop(); the child
// also exits when its parent dies (its stdin closes); nothing listens beyond 127.0.0.1.
// Read ../shared/notes/s3-testing.md for the server's other traps (aws-chunked bodies stored
// verbatim; no checksum verification; multipart ETag = MD5 of the whole object).

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** s3rver's only account: it rejects other access keys (InvalidAccessKeyId), which tests use. */
export const S3RVER_KEY = 'S3RVER';

export interface TestS3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  bucket: string;
  /** Where s3rver keeps the objects. */
  dir: string;
  /** The server process (for RSS measurements that must exclude it). */
  pid: number;
  /** Variables for pglc (credentials of s3rver's dummy account). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

const CHILD = `
const S3rver = require(process.argv[1]);
const opts = JSON.parse(process.argv[2]);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: opts.dir,
  configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })) });
server.run().then((addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });
process.stdin.on('end', () => { try { server.httpServer && server.httpServer.closeAllConnections(); } catch {} process.exit(0); });
process.stdin.resume();
`;

/**
 * Starts s3rver with bucket `bucket` (default `pglc-test`) and any extra `buckets`.
 * @example const s3 = await startS3Server(); t.after(() => s3.stop());
 */
export async function startS3Server(opts: { bucket?: string; buckets?: string[] } = {}): Promise<TestS3Server> {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-s3rver-'));
  const bucket = opts.bucket ?? 'pglc-test';
  const buckets = [bucket, ...(opts.buckets ?? [])];
  const child: ChildProcess = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', CHILD, require.resolve('s3rver'), JSON.stringify({ dir, buckets })],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}) before listening: ${stderr}`)));
    child.once('error', reject);
  });
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    bucket,
    dir,
    pid: child.pid!,
    env: { BACKUP_S3_ACCESS_KEY: S3RVER_KEY, BACKUP_S3_SECRET_KEY: S3RVER_KEY },
    async stop() {
      if (stopped) return;
      stopped = true;
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
