// `pglc db load <file>` (seed 000 §1): loads a dump into the environment's database — a custom
// archive (pg_restore) or plain SQL (psql), compressed with zstd or gzip or not (detected from
// the bytes, not the name), or a pg_dump directory.
// Invariants: loading into a protected environment needs the database name typed
// (checkGuard('restore')), checked before anything runs; it runs in one transaction under the
// database's pglc advisory lock, so a failure leaves the database as it was and two loads or a
// load and a migration never interleave; the tool's own error is what a failure reports.

import { createReadStream, existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PassThrough, Transform, type Duplex, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupCompression, DbLoadResult } from '../../protocol/index';
import type { OpenedEnvironment } from '../environments/open-environment';
import { connect } from '../db/connect';
import { withAdvisoryLock } from '../db/advisory-lock';
import { serverVersion } from '../db/server-info';
import { requireClientTool } from '../db/tool-check';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { progress, type OperationContext } from '../operation-context';
import { MAGIC } from '../crypto/chunked-format';
import { decompressStage, findZstd } from './compression';
import { pgToolEnv } from './pg-tool-env';
import { spawnTool, toolFailure, type ToolRun } from './pg-dump-process';
import { conninfoDbname } from './restore-into';
import { feedChild } from './tool-sinks';
import { formatBytes, throttle } from './progress-format';

const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const CUSTOM_MAGIC = Buffer.from('PGDMP', 'latin1');

/** The compression a file's first bytes show. @example compressionOfBytes(Buffer.from([0x1f, 0x8b, 8])) === 'gzip' */
export function compressionOfBytes(first: Buffer): BackupCompression | 'pglc-encrypted' {
  if (first.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  if (first.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (first.subarray(0, MAGIC.length).equals(MAGIC)) return 'pglc-encrypted';
  return 'none';
}

/**
 * Loads `file` (relative to ctx.cwd) into the opened environment's database.
 * @example await loadDatabase(opened, 'shop.dump.zst', { confirm: 'shop' }, ctx);
 */
export async function loadDatabase(opened: OpenedEnvironment, file: string, opts: { confirm?: string }, ctx: OperationContext): Promise<DbLoadResult> {
  const { project, env, target, vars } = opened;
  checkGuard('restore', env, target.database, opts.confirm);
  const t0 = performance.now();
  const path = resolve(ctx.cwd, file);
  const st = await stat(path).catch(() => undefined);
  if (!st) {
    throw new PglcError('file-not-found', { what: `${file} does not exist`, why: `no file or folder at ${path}`, fix: 'Check the path (it is relative to the current folder).', details: { file: path } });
  }
  const isDir = st.isDirectory();
  if (isDir && !existsSync(join(path, 'toc.dat'))) {
    throw new PglcError('load-failed', { what: `${file} is not a pg_dump directory`, why: 'it has no toc.dat', fix: 'Give a dump file, or a folder written by pg_dump --format=directory (or `pglc backup decrypt`).' });
  }
  const compression = isDir ? 'none' : compressionOfBytes(await firstBytes(path, 8));
  if (compression === 'pglc-encrypted') {
    throw new PglcError('backup-unsupported', {
      what: `${file} is an encrypted pglc backup file`,
      why: 'db load reads pg_dump files, plain or compressed',
      fix: 'Decrypt the backup first: `pglc backup decrypt <id> -o out.dump`, then `pglc db load out.dump`.',
    });
  }
  const zstdPath = compression === 'zstd' ? await findZstd(vars) : undefined;

  const client = await connect(target, { envName: env.name, applicationName: 'pglc load' });
  try {
    const server = await serverVersion(client);
    const toolEnv = pgToolEnv(target, vars, 'pglc load');
    const restoreArgs = ['--no-password', '--exit-on-error', '--single-transaction', '--no-owner', '--no-privileges', `--dbname=${conninfoDbname(target.database)}`];
    return await withAdvisoryLock(client, 'pglc:mutate', { timeoutMs: project.lockTimeoutMs, what: 'load' }, ctx, async () => {
      const result = (format: DbLoadResult['format'], tool: DbLoadResult['tool']): DbLoadResult => ({
        environment: env.name, database: target.database, file: path, format, compression, tool, durationMs: Math.round(performance.now() - t0),
      });
      const failed = (tool: string, run: ToolRun, status: { code: number | null; signal: NodeJS.Signals | null }) =>
        toolFailure(tool, run, status, {
          code: 'load-failed',
          what: `Loading ${file} into ${env.name} (${target.database}) failed`,
          fix: 'Nothing was changed (the load runs in one transaction). Fix the cause above — e.g. load into an empty database, or a dump of a compatible version — and run it again.',
          password: target.password,
        });
      if (isDir) {
        const pgRestore = await requireClientTool('pg_restore', server, vars);
        progress(ctx, 'load.restore', `Loading ${file} into ${env.name} with pg_restore…`);
        const run = spawnTool(pgRestore.path, [...restoreArgs, '--format=directory', path], { env: toolEnv });
        const status = await run.exited;
        if (status.code !== 0) throw failed('pg_restore', run, status);
        return result('directory', 'pg_restore');
      }

      // Decompress (when needed) and look at the first bytes to choose pg_restore or psql.
      const stages: (Readable | Duplex)[] = [createReadStream(path, { highWaterMark: 1 << 20 })];
      let kill = (): void => undefined;
      let finished: Promise<void> = Promise.resolve();
      if (compression !== 'none') {
        const d = decompressStage(compression, zstdPath);
        stages.push(d.stream);
        kill = d.kill;
        finished = d.finished;
      }
      let read = 0;
      const report = throttle(100, () => progress(ctx, 'load.bytes', `Loading ${file}: ${formatBytes(read)} of ${formatBytes(st.size)}`, { current: read, total: st.size, unit: 'bytes' }));
      stages.splice(1, 0, new Transform({ transform(c: Buffer, _e, cb) { read += c.length; report(); cb(null, c); } }));
      const head = headOf(5);
      const buffer = new PassThrough({ highWaterMark: 1 << 20 });
      const upstream = pipeline([...stages, head, buffer] as unknown as [Readable, NodeJS.WritableStream], { signal: ctx.signal });
      upstream.catch(() => undefined);
      const first = await Promise.race([head.peeked, upstream.then(() => head.peeked)]);
      const format = first.equals(CUSTOM_MAGIC) ? 'custom' : 'plain';
      const tool = format === 'custom' ? await requireClientTool('pg_restore', server, vars) : await requireClientTool('psql', server, vars);
      progress(ctx, 'load.restore', `Loading ${file} into ${env.name} with ${format === 'custom' ? 'pg_restore' : 'psql'}…`);
      const run = format === 'custom'
        ? spawnTool(tool.path, [...restoreArgs, '--format=custom'], { env: toolEnv, stdio: ['pipe', 'ignore', 'pipe'] })
        : spawnTool(tool.path, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '--single-transaction', '-f', '-'], { env: toolEnv, stdio: ['pipe', 'ignore', 'pipe'] });
      const stop = (): void => {
        run.kill();
        kill();
      };
      ctx.signal?.addEventListener('abort', stop, { once: true });
      try {
        await Promise.all([upstream, pipeline(buffer, feedChild(run.child)), finished]);
      } catch (e) {
        stop();
        const status = await run.exited;
        if (!ctx.signal?.aborted && status.code !== 0 && status.code !== null) throw failed(format === 'custom' ? 'pg_restore' : 'psql', run, status);
        if (ctx.signal?.aborted) throw new PglcError('cancelled', { what: 'The load was cancelled', why: 'a cancellation was requested', fix: 'Nothing was changed (the load runs in one transaction).' });
        throw e;
      } finally {
        ctx.signal?.removeEventListener('abort', stop);
      }
      const status = await run.exited;
      if (status.code !== 0) throw failed(format === 'custom' ? 'pg_restore' : 'psql', run, status);
      return result(format, format === 'custom' ? 'pg_restore' : 'psql');
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function firstBytes(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(n);
    const { bytesRead } = await fh.read(b, 0, n, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** A pass-through that resolves `peeked` with the stream's first `n` bytes (fewer if it is shorter). */
function headOf(n: number): Transform & { peeked: Promise<Buffer> } {
  let got = Buffer.alloc(0);
  let resolvePeek!: (b: Buffer) => void;
  const peeked = new Promise<Buffer>((r) => (resolvePeek = r));
  const t = new Transform({
    transform(c: Buffer, _e, cb) {
      if (got.length < n) {
        got = Buffer.concat([got, c.subarray(0, n - got.length)]);
        if (got.length >= n) resolvePeek(got);
      }
      cb(null, c);
    },
    flush(cb) {
      resolvePeek(got);
      cb();
    },
  }) as Transform & { peeked: Promise<Buffer> };
  t.peeked = peeked;
  return t;
}
