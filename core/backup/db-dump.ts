// `pglc db dump [--schema-only] [-o file]` (seed 000 §1): the one-off dump to a single file,
// through the same pipeline and checks as `backup create` (pg_dump version against the server,
// pg_dump's own errors, streaming compression, no password in argv).
// Invariants: the format and compression follow the file name — `.sql[.gz|.zst]` is plain SQL,
// anything else pg_dump's custom format; `.zst` zstd, `.gz` gzip, otherwise uncompressed — so
// the name always says how to read the file; the file appears only when whole.

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { BackupCompression, DbDumpResult } from '../../protocol/index';
import type { OpenedEnvironment } from '../environments/open-environment';
import { withConnection } from '../db/connect';
import { describeTarget } from '../db/connection-target';
import { serverVersion } from '../db/server-info';
import { requireClientTool } from '../db/tool-check';
import { PglcError } from '../errors';
import { nowOf, progress, type OperationContext } from '../operation-context';
import { durableFileWriter } from '../storage/local-store';
import { idTimestamp, sanitizeIdPart } from './backup-id';
import { findZstd, type CompressionSpec } from './compression';
import { pgDumpArgs } from './create';
import { runDumpStream } from './dump-stream';
import { pgToolEnv } from './pg-tool-env';
import { toolFailure } from './pg-dump-process';
import { formatBytes, throttle } from './progress-format';
import { readTables } from './table-facts';

/**
 * Format and compression a file name asks for.
 * @example dumpKindOf('shop.sql.gz') // { format: 'plain', compression: 'gzip' }
 */
export function dumpKindOf(file: string): { format: 'custom' | 'plain'; compression: BackupCompression } {
  const name = basename(file).toLowerCase();
  const compression: BackupCompression = name.endsWith('.zst') ? 'zstd' : name.endsWith('.gz') ? 'gzip' : 'none';
  const bare = name.replace(/\.(zst|gz)$/, '');
  return { format: bare.endsWith('.sql') ? 'plain' : 'custom', compression };
}

/**
 * Dumps the opened environment's database into one file (default `<db>-<UTC timestamp>.dump.zst`).
 * @example const r = await dumpDatabase(opened, { output: 'shop.sql.gz' }, ctx); r.format === 'plain'
 */
export async function dumpDatabase(opened: OpenedEnvironment, opts: { output?: string; schemaOnly?: boolean; force?: boolean }, ctx: OperationContext): Promise<DbDumpResult> {
  const { env, target, vars } = opened;
  const t0 = performance.now();
  const output = opts.output ?? `${sanitizeIdPart(target.database) || 'db'}-${idTimestamp(nowOf(ctx))}.dump.zst`;
  const file = resolve(ctx.cwd, output);
  if (existsSync(file) && !opts.force) {
    throw new PglcError('file-exists', {
      what: `${output} already exists`,
      why: 'db dump never overwrites a file without being told to',
      fix: 'Choose another -o path, or pass --force to replace it.',
      details: { file },
    });
  }
  const kind = dumpKindOf(file);
  const compression: CompressionSpec = kind.compression === 'zstd' ? { algorithm: 'zstd', level: 3 } : kind.compression === 'gzip' ? { algorithm: 'gzip', level: 6 } : { algorithm: 'none' };
  const zstdPath = compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;

  const { server, tables } = await withConnection(target, { envName: env.name, applicationName: 'pglc dump' }, async (c) => ({
    server: await serverVersion(c),
    tables: (await readTables(c)).length,
  }));
  const pgDump = await requireClientTool('pg_dump', server, vars);
  progress(ctx, 'dump.start', `Dumping ${env.name} (${describeTarget(target)}) to ${output}…`);
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  ctx.signal?.addEventListener('abort', onAbort, { once: true });
  const report = throttle(100, (n: number) => progress(ctx, 'dump.bytes', `Dumping: ${formatBytes(n)} written`, { current: n, unit: 'bytes' }));
  try {
    const r = await runDumpStream({
      pgDumpPath: pgDump.path,
      args: pgDumpArgs({ format: kind.format, scope: opts.schemaOnly ? 'schema-only' : 'full' }),
      env: pgToolEnv(target, vars, 'pglc dump'),
      compression,
      zstdPath,
      signal: controller.signal,
      onBytes: report,
      openWriter: () => durableFileWriter(file, controller.signal),
      failure: (run, status) => toolFailure('pg_dump', run, status, {
        code: 'backup-failed',
        what: `pg_dump failed on ${env.name} (${target.database})`,
        fix: "Read pg_dump's message; fix it and run the dump again. Nothing was written.",
        password: target.password,
      }),
    });
    if (ctx.signal?.aborted) throw cancelled();
    return {
      environment: env.name,
      database: target.database,
      file,
      format: kind.format,
      compression: kind.compression,
      size: r.size,
      sha256: r.sha256,
      ...(r.rawSize !== undefined ? { rawSize: r.rawSize } : {}),
      tables,
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (e) {
    if (ctx.signal?.aborted) throw cancelled();
    throw e;
  } finally {
    ctx.signal?.removeEventListener('abort', onAbort);
  }
}

function cancelled(): PglcError {
  return new PglcError('cancelled', { what: 'The dump was cancelled', why: 'a cancellation was requested', fix: 'Run it again when ready; nothing was written.' });
}
