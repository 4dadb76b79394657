// `pglc backup create`: pg_dump → compression → encryption → SHA-256 → local store, streamed,
// with the manifest written last.
// Invariants:
//   - Everything that can be refused is checked before pg_dump runs: the key, zstd, pg_dump's
//     version against the server's, the --tables patterns.
//   - No temporary full copy for custom and plain formats: pg_dump's stdout goes straight into
//     zstd (an OS pipe), and zstd's output is encrypted, hashed and written as it comes.
//   - A backup is complete only when manifest.json exists: it is written after every file is
//     durably stored and pg_dump exited 0. On failure or cancellation the children are killed
//     and the backup's folder is removed; after a crash (kill -9) it stays as a leftover that
//     `list` shows as such and prune removes.
//   - Row counts are taken in the snapshot pg_dump dumps (pg_export_snapshot + --snapshot),
//     so verify --deep compares a restored copy with exactly what was dumped.

import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BackupFileEntry, BackupFormat, BackupManifest, BackupScope, BackupTableEntry, BackupTag } from '../../protocol/index';
import type { OpenedEnvironment } from '../environments/open-environment';
import { connect, type DbClient } from '../db/connect';
import { describeTarget } from '../db/connection-target';
import { serverVersion } from '../db/server-info';
import { requireClientTool } from '../db/tool-check';
import { PglcError, isPglcError, throwIfAborted } from '../errors';
import { note, nowOf, progress, type OperationContext } from '../operation-context';
import { requireBackupKey, type BackupKey } from '../crypto/backup-key';
import { DEFAULT_CHUNK_SIZE } from '../crypto/chunked-format';
import { createLocalStore, warnIfNotGitIgnored, type LocalStore } from '../storage/local-store';
import { cancelOnAbort } from '../migrations/cancel-on-abort';
import { candidateIds } from './backup-id';
import { DEFAULT_COMPRESSION, compressStage, compressionSuffix, findZstd, watchChild, zstdCompressArgs, type CompressionSpec, type Stage } from './compression';
import { pgToolEnv } from './pg-tool-env';
import { scrubSecret, spawnTool, toolFailure, type ToolRun } from './pg-dump-process';
import { writeStoredFileFrom } from './stored-file';
import { chain, runDumpStream } from './dump-stream';
import { countRows, readDatabaseFacts, readTables, selectTables, tableKey, type TableFact } from './table-facts';
import { formatBytes, throttle } from './progress-format';

export interface CreateBackupOptions {
  name?: string;
  scope?: BackupScope;
  /** pg_dump -t patterns (schema.table, table, wildcards). */
  tables?: string[];
  format?: BackupFormat;
  /** Parallel pg_dump workers (directory format only). */
  jobs?: number;
  compression?: CompressionSpec;
  /** Default: [backup] encrypt of pglc.toml. */
  encrypt?: boolean;
  tags?: BackupTag[];
  /**
   * Exact row counts in the dump's snapshot: 'always' (default), or 'never' (estimates only;
   * verify --deep then checks that the restore succeeds and every table exists).
   */
  countRows?: 'always' | 'never';
  /** pglc's version, recorded in the manifest. */
  toolVersion?: string;
  /** Encryption chunk size (tests use small ones). */
  chunkSize?: number;
}

/** Stored file name of a single-file dump. @example dumpFileName('custom', 'zstd', true) === 'dump.pgcustom.zst.enc' */
export function dumpFileName(format: 'custom' | 'plain', compression: CompressionSpec['algorithm'], encrypted: boolean): string {
  return `dump.${format === 'custom' ? 'pgcustom' : 'sql'}${compressionSuffix(compression)}${encrypted ? '.enc' : ''}`;
}

/**
 * Creates a backup of the opened environment's database in the project's local store.
 * @example
 * const opened = await openEnvironment(ctx, 'prod');
 * const manifest = await createBackup(opened, { name: 'before-v2', tags: ['manual'] }, ctx);
 */
export async function createBackup(opened: OpenedEnvironment, opts: CreateBackupOptions, ctx: OperationContext): Promise<BackupManifest> {
  const { project, env, target, vars } = opened;
  const format = opts.format ?? 'custom';
  const scope = opts.scope ?? 'full';
  const compression = opts.compression ?? project.backup.compression ?? DEFAULT_COMPRESSION;
  const encrypt = opts.encrypt ?? project.backup.encrypt;
  const jobs = checkJobs(format, opts.jobs);
  const tags = opts.tags?.length ? [...new Set(opts.tags)] : (['manual'] as BackupTag[]);
  const started = nowOf(ctx);
  const t0 = performance.now();

  // Everything that can refuse, before anything runs.
  const key = encrypt ? requireBackupKey(vars, undefined, 'The backup cannot be encrypted') : undefined;
  const zstdPath = compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;
  const store = createLocalStore(project.root, project.backup.path);
  throwIfAborted(ctx.signal, 'The backup');

  progress(ctx, 'backup.prepare', `Connecting to ${env.name} (${describeTarget(target)})…`);
  const client = await connect(target, { envName: env.name, applicationName: 'pglc backup' });
  let id: string | undefined;
  const inner = new AbortController();
  const onOuterAbort = (): void => inner.abort();
  ctx.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    const server = await serverVersion(client);
    const pgDump = await requireClientTool('pg_dump', server, vars);

    // One REPEATABLE READ transaction: its snapshot is exported to pg_dump and the facts and
    // row counts below are read in it.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
    const snapshot = (await client.query<{ s: string }>('SELECT pg_export_snapshot() AS s')).rows[0]!.s;
    const facts = await readDatabaseFacts(client);
    const all = await readTables(client);
    const tables = opts.tables?.length ? selectTables(all, opts.tables) : all;
    const withData = scope === 'schema-only' ? [] : tables;

    id = await reserveFolder(store, { environment: env.name, database: env.database, at: started, name: opts.name });
    await warnIfNotGitIgnored(project.root, store, ctx);
    note(ctx, `Backing up ${env.name} (${target.database}) to ${store.describe()}/${id}`, 'info');

    const dumpArgs = pgDumpArgs({ format, scope, tables: opts.tables, snapshot, jobs });
    const toolEnv = pgToolEnv(target, vars, 'pglc backup');
    const tableProgress = tableProgressReporter(ctx, withData.filter((t) => t.kind === 'r').length);

    // Counting never stops the dump: pg_dump's own error explains a failure better, and a
    // table that cannot be counted only loses its exact count (a warning).
    const counting = opts.countRows !== 'never' && withData.length
      ? countInSnapshot(client, target, withData, inner.signal)
      : Promise.resolve(undefined);
    counting.catch(() => undefined);

    const common = { store, id, key, chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE, compression, zstdPath, pgDumpPath: pgDump.path, dumpArgs, toolEnv, ctx, signal: inner.signal, onTable: tableProgress, password: target.password, envName: env.name };
    const files = format === 'directory' ? await dumpDirectory(common, jobs ?? 1) : await dumpSingle(common, format);
    const counted = await counting;
    const counts = counted?.counts;
    await client.query('COMMIT').catch(() => undefined);
    throwIfAborted(ctx.signal, 'The backup');

    const manifestTables: BackupTableEntry[] = tables.map((t) => {
      const rows = counts?.get(tableKey(t));
      return { schema: t.schema, name: t.name, rowEstimate: t.rowEstimate, ...(rows !== undefined ? { rows } : {}), ...(t.bytes !== undefined ? { bytes: t.bytes } : {}) };
    });
    const totalSize = files.reduce((s, f) => s + f.size, 0);
    const warnings = plausibilityWarnings({ scope, tables, totalSize, files, counts, filtered: Boolean(opts.tables?.length) });
    if (counted?.failures.length) {
      warnings.push(`Exact row counts are missing for ${counted.failures.length} table(s) (${counted.failures.slice(0, 3).join('; ')}${counted.failures.length > 3 ? '; …' : ''}); verify --deep checks only that they exist.`);
    }
    for (const w of warnings) note(ctx, w, 'warn');
    const finished = nowOf(ctx);
    const manifest: BackupManifest = {
      manifestVersion: 1,
      id,
      ...(opts.name ? { name: opts.name } : {}),
      tags,
      environment: env.name,
      ...(env.protected ? { protected: true } : {}),
      database: target.database,
      source: describeTarget(target),
      serverVersion: server.text,
      pgDumpVersion: pgDump.full,
      toolVersion: opts.toolVersion ?? 'dev',
      format,
      scope,
      ...(opts.tables?.length ? { tablesFilter: opts.tables } : {}),
      compression: compression.level === undefined ? { algorithm: compression.algorithm } : { algorithm: compression.algorithm, level: compression.level },
      encryption: key ? { algorithm: 'aes-256-gcm-chunked', keyId: key.keyId, chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE } : { algorithm: 'none' },
      files,
      totalSize,
      tables: manifestTables,
      databaseSize: facts.databaseSize,
      ...(scope !== 'schema-only' && !opts.tables?.length ? { largeObjects: facts.largeObjects } : {}),
      createdAt: started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: Math.round(performance.now() - t0),
      warnings,
    };
    throwIfAborted(ctx.signal, 'The backup');
    await store.writeManifest(id, manifest);
    progress(ctx, 'backup.done', `Backup ${id} complete: ${formatBytes(totalSize)}`, { current: totalSize, total: totalSize, unit: 'bytes' });
    return manifest;
  } catch (e) {
    inner.abort();
    await client.query('ROLLBACK').catch(() => undefined);
    if (id) await store.remove(id).catch(() => undefined);
    if (ctx.signal?.aborted) {
      throw new PglcError('cancelled', {
        what: 'The backup was cancelled',
        why: 'a cancellation was requested',
        fix: `Run it again when ready; ${id ? 'the partial output was removed' : 'nothing was written'}.`,
      });
    }
    if (isPglcError(e)) throw e;
    throw new PglcError('backup-failed', {
      what: `The backup of ${env.name} (${target.database}) failed`,
      why: scrubSecret((e as Error)?.message ?? String(e), target.password),
      fix: id
        ? `Check free space and permissions of ${store.describe()}, then run the backup again; the partial output was removed.`
        : 'Check that the role may read the database (pg_export_snapshot, the catalogs), then run the backup again; nothing was written.',
    });
  } finally {
    ctx.signal?.removeEventListener('abort', onOuterAbort);
    await client.end().catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------

function checkJobs(format: BackupFormat, jobs: number | undefined): number | undefined {
  if (jobs === undefined) return undefined;
  if (format !== 'directory') {
    throw new PglcError('usage', {
      what: '--jobs works only with --format directory',
      why: "pg_dump dumps in parallel only into a directory; the custom and plain formats are one stream",
      fix: 'Add --format directory, or drop --jobs.',
    });
  }
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) {
    throw new PglcError('usage', { what: `--jobs ${jobs} is not a number of workers`, why: 'it must be a whole number from 1 to 64', fix: 'Pass e.g. --jobs 2.' });
  }
  return jobs;
}

/** Creates the backup's folder under the first free id (mkdir is the reservation: two creates never share one). */
async function reserveFolder(store: LocalStore, parts: { environment: string; database: string; at: Date; name?: string }): Promise<string> {
  await mkdir(store.root, { recursive: true, mode: 0o700 });
  for (const id of candidateIds(parts)) {
    try {
      await mkdir(store.folderOf(id), { mode: 0o700 });
      return id;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  throw new Error('unreachable');
}

export function pgDumpArgs(p: { format: BackupFormat; scope: BackupScope; tables?: string[]; snapshot?: string; jobs?: number }): string[] {
  const args = ['--verbose', '--no-password', `--format=${p.format}`, '--compress=0'];
  if (p.snapshot) args.push(`--snapshot=${p.snapshot}`);
  if (p.scope === 'schema-only') args.push('--schema-only');
  if (p.scope === 'data-only') args.push('--data-only');
  for (const t of p.tables ?? []) args.push(`--table=${t}`);
  if (p.format === 'directory' && p.jobs && p.jobs > 1) args.push(`--jobs=${p.jobs}`);
  return args;
}

async function countInSnapshot(client: DbClient, target: OpenedEnvironment['target'], tables: TableFact[], signal: AbortSignal): Promise<{ counts: Map<string, number>; failures: string[] }> {
  const watch = await cancelOnAbort(client, target, signal);
  try {
    return await countRows(client, tables, signal);
  } finally {
    await watch.dispose();
  }
}

interface DumpContext {
  store: LocalStore;
  id: string;
  key?: BackupKey;
  chunkSize: number;
  compression: CompressionSpec;
  zstdPath?: string;
  pgDumpPath: string;
  dumpArgs: string[];
  toolEnv: Record<string, string>;
  ctx: OperationContext;
  signal: AbortSignal;
  onTable(line: string): void;
  password?: string;
  envName: string;
}

function pgDumpFailure(d: DumpContext, run: ToolRun, status: { code: number | null; signal: NodeJS.Signals | null }): PglcError {
  return toolFailure('pg_dump', run, status, {
    code: 'backup-failed',
    what: `pg_dump failed on ${d.envName} (${d.toolEnv.PGDATABASE})`,
    fix: 'Read pg_dump\'s message above (permissions on a table, a lock, the connection); fix it and run the backup again. The partial output was removed.',
    password: d.password,
  });
}

/** Custom and plain formats: one stream, pg_dump → (zstd | gzip | nothing) → encryption → store. */
async function dumpSingle(d: DumpContext, format: 'custom' | 'plain'): Promise<BackupFileEntry[]> {
  const name = dumpFileName(format, d.compression.algorithm, Boolean(d.key));
  const r = await runDumpStream({
    pgDumpPath: d.pgDumpPath,
    args: d.dumpArgs,
    env: d.toolEnv,
    compression: d.compression,
    zstdPath: d.zstdPath,
    key: d.key,
    chunkSize: d.chunkSize,
    signal: d.signal,
    onLine: d.onTable,
    onBytes: bytesReporter(d.ctx),
    openWriter: () => d.store.createFileWriter(d.id, name, d.signal),
    failure: (run, status) => pgDumpFailure(d, run, status),
  });
  return [{ name, size: r.size, sha256: r.sha256, ...(r.rawSize !== undefined ? { rawSize: r.rawSize } : {}) }];
}

/**
 * Directory format: pg_dump -Fd [-jN] -Z0 into a staging folder inside the backup's folder;
 * each file is compressed and encrypted into the store as soon as pg_dump reports it finished
 * (parallel mode logs "finished item N TABLE DATA"), up to N at a time, and its staged copy
 * deleted; the rest (toc.dat, large objects) follows when pg_dump exits.
 */
async function dumpDirectory(d: DumpContext, jobs: number): Promise<BackupFileEntry[]> {
  const staging = join(d.store.folderOf(d.id), '.staging');
  const onBytes = bytesReporter(d.ctx);
  let storedTotal = 0;
  const files: BackupFileEntry[] = [];
  const queued = new Set<string>();
  const waiting: string[] = [];
  const running = new Set<Promise<void>>();
  const stages = new Set<Omit<Stage, 'stream'>>();
  let failure: unknown;

  const storeOne = async (rel: string): Promise<void> => {
    const path = join(staging, rel);
    const rawSize = (await stat(path)).size;
    const name = `dump/${rel}${compressionSuffix(d.compression.algorithm)}${d.key ? '.enc' : ''}`;
    let before = 0;
    const fileBytes = (n: number): void => {
      storedTotal += n - before;
      before = n;
      onBytes(storedTotal);
    };
    let stage: Omit<Stage, 'stream'> | undefined;
    const start = (): Readable => {
      if (d.compression.algorithm === 'zstd') {
        const zstd = spawn(d.zstdPath!, zstdCompressArgs(d.compression.level ?? 3, path), { stdio: ['ignore', 'pipe', 'pipe'] });
        stage = watchChild(zstd, 'compress');
        stages.add(stage);
        return zstd.stdout!;
      }
      const compressor = compressStage(d.compression);
      stage = compressor;
      stages.add(stage);
      return chain(createReadStream(path, { highWaterMark: 1 << 20 }), [compressor.stream]);
    };
    try {
      const entry = await writeStoredFileFrom(d.store, d.id, name, start, { key: d.key, chunkSize: d.chunkSize, signal: d.signal, onBytes: fileBytes });
      await stage!.finished;
      files.push({ ...entry, rawSize });
      await unlink(path);
    } finally {
      if (stage) stages.delete(stage);
    }
  };
  const pump = (): void => {
    while (!failure && running.size < jobs && waiting.length) {
      const rel = waiting.shift()!;
      const p: Promise<void> = storeOne(rel).catch((e: unknown) => {
        failure ??= e;
        killAll();
      }).finally(() => {
        running.delete(p);
        pump();
      });
      running.add(p);
    }
  };
  const enqueue = (rel: string): void => {
    if (queued.has(rel)) return;
    queued.add(rel);
    waiting.push(rel);
    pump();
  };

  // pg_dump creates the staging folder itself (it refuses an existing, non-empty one).
  const run = spawnTool(d.pgDumpPath, [...d.dumpArgs, `--file=${staging}`], {
    env: d.toolEnv,
    group: true,
    onLine: (line) => {
      d.onTable(line);
      const m = /finished item (\d+) TABLE DATA /.exec(line);
      if (m) enqueue(`${m[1]}.dat`);
    },
  });
  const killAll = (): void => {
    run.kill();
    for (const s of stages) s.kill();
  };
  d.signal.addEventListener('abort', killAll, { once: true });
  try {
    const status = await run.exited;
    if (failure) throw failure;
    if (status.code !== 0) throw pgDumpFailure(d, run, status);
    for (const rel of await listFiles(staging)) enqueue(rel);
    while (running.size || waiting.length) {
      await Promise.race(running);
      if (failure) throw failure;
    }
    if (failure) throw failure;
    throwIfAborted(d.signal, 'The backup');
    await rm(staging, { recursive: true, force: true });
    return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    killAll();
    await run.exited;
    await Promise.allSettled([...running]);
    throw e;
  } finally {
    d.signal.removeEventListener('abort', killAll);
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}

function bytesReporter(ctx: OperationContext): (stored: number) => void {
  const report = throttle(100, (stored: number) => {
    progress(ctx, 'backup.bytes', `Backing up: ${formatBytes(stored)} stored`, { current: stored, unit: 'bytes' });
  });
  return report;
}

/** Turns pg_dump's "dumping contents of table …" lines into table progress. */
function tableProgressReporter(ctx: OperationContext, total: number): (line: string) => void {
  let n = 0;
  const report = throttle(100, (name: string) => progress(ctx, 'backup.tables', `Dumping ${name}`, { current: n, total, unit: 'tables' }));
  return (line) => {
    const m = /dumping contents of table "?(.+?)"?$/.exec(line);
    if (!m) return;
    n++;
    report(m[1]!);
  };
}

/** Warnings for a dump that looks wrong: nothing dumped, or far smaller than its tables. */
export function plausibilityWarnings(p: {
  scope: BackupScope;
  tables: TableFact[];
  totalSize: number;
  files: BackupFileEntry[];
  counts?: Map<string, number>;
  filtered: boolean;
}): string[] {
  const out: string[] = [];
  if (p.tables.length === 0) {
    out.push(p.filtered ? 'The backup holds no table: --tables matched none.' : 'The backup holds no table: the database has no user tables (is it the right database?).');
    return out;
  }
  if (p.scope === 'schema-only') return out;
  const tableBytes = p.tables.reduce((s, t) => s + (t.bytes ?? 0), 0);
  const rows = p.counts ? [...p.counts.values()].reduce((s, n) => s + n, 0) : undefined;
  const raw = p.files.every((f) => f.rawSize !== undefined) ? p.files.reduce((s, f) => s + (f.rawSize ?? 0), 0) : undefined;
  // COPY text rarely shrinks below a few % of the heap, and zstd rarely compresses it past 1:100.
  const tooSmall = raw !== undefined ? raw < tableBytes * 0.02 : p.totalSize < tableBytes * 0.002;
  if (tableBytes > 16 * 1024 * 1024 && tooSmall && rows !== 0) {
    out.push(`The backup is implausibly small: ${formatBytes(raw ?? p.totalSize)}${raw !== undefined ? ' of dump' : ' stored'} for ${formatBytes(tableBytes)} of table data. Check that pg_dump could read every table (permissions, row-level security).`);
  }
  return out;
}
