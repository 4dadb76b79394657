// Loading an archive into a database with the real tools: pg_restore (custom and directory
// archives, with --jobs workers; a streamed custom archive section by section, its data piped
// from the store — dealt out to several pg_restore streams, a big table's rows split between
// them, when there is enough of it) or psql (plain dumps), with progress per table from pg_restore --verbose and
// pg_restore's or psql's own error text on failure.
// Invariants: tools connect through PG* variables only (no password in argv); --exit-on-error /
// ON_ERROR_STOP — a restore that hit an error is a failed restore, never a partial success;
// without owners or grants, plain dumps lose exactly what pg_restore --no-owner /
// --no-privileges would drop (ALTER … OWNER TO, GRANT/REVOKE lines outside COPY data).

import type { ChildProcess } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import type { ConnectionTarget } from '../db/connection-target';
import type { FoundTool } from '../db/tool-check';
import { PglcError } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { pgToolEnv } from '../backup/pg-tool-env';
import { spawnTool, toolFailure, type ToolRun } from '../backup/pg-dump-process';
import { feedChild, writable } from '../backup/tool-sinks';
import { conninfoDbname, streamFile, type ReadContext } from '../backup/restore-into';
import type { BackupFileEntry } from '../../protocol/index';
import type { MaterializedArchive } from './archive';
import { readArchiveLayout, type ArchiveLayout } from './archive-layout';
import { DataRouter, type RouterSink } from './data-router';
import { planDataStreams, SPLIT_MIN_BYTES, STREAMS_MIN_BYTES, type DataStreamPlan } from './data-streams';
import { zstdFromStore, type ZstdFromStore } from './zstd-from-store';

export interface LoadOptions {
  jobs: number;
  owners: boolean;
  privileges: boolean;
  /** Only these parts of the archive. */
  section?: 'pre-data' | 'data' | 'post-data';
  schemaOnly?: boolean;
  dataOnly?: boolean;
  /** A pg_restore use-list file (the TOC lines to restore). */
  useList?: string;
  /** Superuser-only objects are left out for other roles (subscriptions). */
  superuser: boolean;
  /** For messages: "the restored copy", "the scratch database". */
  what: string;
  /** A streamed load splits tables bigger than this between its streams (default SPLIT_MIN_BYTES; Infinity: never). */
  splitTablesLargerThan?: number;
}

/**
 * Loads `archive` into `target` (an existing database).
 * @example await loadArchive(archive, newTarget, { pgRestore, psql }, { jobs: 2, owners: true, privileges: true, superuser: true, what: 'the new copy' }, ctx);
 */
export async function loadArchive(
  archive: MaterializedArchive,
  target: ConnectionTarget,
  tools: { pgRestore: FoundTool; psql: FoundTool },
  opts: LoadOptions,
  ctx: OperationContext,
): Promise<void> {
  const env = pgToolEnv(target, ctx.env, 'pglc restore');
  if (archive.format === 'plain') return loadPlain(archive, target, tools.psql, env, opts, ctx);
  const onLine = progressLines(archive, opts, ctx);
  if (archive.streamed && !opts.schemaOnly) {
    if (opts.section || opts.dataOnly || opts.useList) throw new Error('loadArchive: a streamed archive is restored whole or schema-only');
    return loadStreamed(archive, archive.streamed, target, tools.pgRestore, env, opts, onLine, ctx);
  }
  const args = pgRestoreArgs(archive, target, opts);
  if (opts.jobs > 1) args.push(`--jobs=${opts.jobs}`);
  if (opts.section) args.push(`--section=${opts.section}`);
  if (opts.schemaOnly) args.push('--schema-only');
  if (opts.dataOnly) args.push('--data-only');
  if (opts.useList) args.push(`--use-list=${opts.useList}`);
  args.push(archive.path);
  const run = spawnTool(tools.pgRestore.path, args, { env, group: true, onLine });
  await waitTool(run, 'pg_restore', target, opts, ctx);
}

function pgRestoreArgs(archive: MaterializedArchive, target: ConnectionTarget, opts: LoadOptions): string[] {
  const args = ['--no-password', '--exit-on-error', '--verbose', `--format=${archive.format}`, `--dbname=${conninfoDbname(target.database)}`];
  if (!opts.owners) args.push('--no-owner');
  if (!opts.privileges) args.push('--no-privileges');
  if (!opts.superuser) args.push('--no-subscriptions');
  return args;
}

/** Progress from pg_restore --verbose lines, counted over every pg_restore of one load. */
function progressLines(archive: MaterializedArchive, opts: LoadOptions, ctx: OperationContext): (line: string) => void {
  const tables = archive.toc.filter((e) => e.type === 'TABLE DATA').length;
  // A table split across streams is reported by each of them: counted once.
  const seen = new Set<string>();
  let done = 0;
  return (line) => {
    const m = /processing data for table "([^"]+)"/.exec(line);
    if (m && !seen.has(m[1]!)) {
      seen.add(m[1]!);
      done++;
      progress(ctx, 'restore.load', `Loading ${opts.what}: table ${done} of ${tables} (${m[1]})`, { current: done, total: tables, unit: 'tables' });
    } else if (/creating INDEX|creating CONSTRAINT|creating FK CONSTRAINT/.test(line)) {
      progress(ctx, 'restore.indexes', `Loading ${opts.what}: building indexes and constraints…`);
    }
  };
}

/**
 * A whole restore of a streamed custom archive, in pg_restore's own three sections. With one job
 * or little data: schema and data in one pg_restore reading the store (zstd writing straight
 * into its standard input). Otherwise: the schema from the archive's head; the data read from the
 * store once (checked again) and dealt out by a DataRouter to `jobs` pg_restore streams — a big
 * table's rows split between all of them, the other tables whole to one; then indexes and
 * constraints from the head with `jobs` workers.
 */
async function loadStreamed(
  archive: MaterializedArchive,
  source: NonNullable<MaterializedArchive['streamed']>,
  target: ConnectionTarget,
  pgRestore: FoundTool,
  env: Record<string, string>,
  opts: LoadOptions,
  onLine: (line: string) => void,
  ctx: OperationContext,
): Promise<void> {
  const base = pgRestoreArgs(archive, target, opts);
  const layout = readArchiveLayout(await readFile(archive.path));
  const plan = layout ? planDataStreams(layout, archive.toc, source.rc.manifest.tables, opts.jobs, { splitMinBytes: opts.splitTablesLargerThan ?? SPLIT_MIN_BYTES, streamsMinBytes: STREAMS_MIN_BYTES }) : undefined;
  if (!layout || !plan) {
    const args = [...base, '--section=pre-data', '--section=data'];
    if (source.rc.manifest.compression.algorithm === 'zstd') await loadFromZstd({ ...source.rc, ctx }, source.file, pgRestore.path, args, { env, onLine }, target, opts, ctx);
    else await loadFromNode(source, pgRestore.path, args, { env, onLine }, target, opts, ctx);
  } else {
    await waitTool(spawnTool(pgRestore.path, [...base, '--section=pre-data', archive.path], { env, group: true, onLine }), 'pg_restore', target, opts, ctx);
    if (plan.split.length) progress(ctx, 'restore.load', `Loading ${opts.what}: ${plan.split.join(', ')} in ${plan.lists.length} streams side by side…`);
    await loadRouted(archive.workDir, layout, plan, source, pgRestore.path, base, { env, onLine }, target, opts, ctx);
  }
  progress(ctx, 'restore.indexes', `Loading ${opts.what}: building indexes and constraints…`);
  const post = [...base, '--section=post-data'];
  if (opts.jobs > 1) post.push(`--jobs=${opts.jobs}`);
  await waitTool(spawnTool(pgRestore.path, [...post, archive.path], { env, group: true, onLine }), 'pg_restore', target, opts, ctx);
}

/** One pg_restore fed by Node from the store (archives stored without zstd). */
async function loadFromNode(
  source: NonNullable<MaterializedArchive['streamed']>,
  pgRestorePath: string,
  args: string[],
  run0: { env: Record<string, string>; onLine: (line: string) => void },
  target: ConnectionTarget,
  opts: LoadOptions,
  ctx: OperationContext,
): Promise<void> {
  const run = spawnTool(pgRestorePath, args, { env: run0.env, group: true, onLine: run0.onLine, stdio: ['pipe', 'ignore', 'pipe'] });
  // The stream checks every byte again (size, SHA-256, authenticated chunks): a backup changed
  // since the verification fails here, and the unfinished copy is dropped.
  await feedTool(run, () => streamFile({ ...source.rc, ctx }, source.file, feedChild(run.child)), 'pg_restore', target, opts, ctx);
}

/** Runs `feed` into `run`'s stdin (killing it when feeding fails or the operation is cancelled), then waits for it. */
async function feedTool(run: ToolRun, feed: () => Promise<void>, tool: string, target: ConnectionTarget, opts: LoadOptions, ctx: OperationContext): Promise<void> {
  const abort = (): void => run.kill();
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    await feed();
  } catch (e) {
    run.kill();
    await run.exited;
    throw e;
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
  }
  await waitTool(run, tool, target, opts, ctx);
}

/**
 * The data section in `plan.lists.length` pg_restore streams, all fed from one read of the store
 * through a DataRouter. A stream that fails stops the others and the read.
 */
async function loadRouted(
  workDir: string,
  layout: ArchiveLayout,
  plan: DataStreamPlan,
  source: NonNullable<MaterializedArchive['streamed']>,
  pgRestorePath: string,
  base: string[],
  run0: { env: Record<string, string>; onLine: (line: string) => void },
  target: ConnectionTarget,
  opts: LoadOptions,
  ctx: OperationContext,
): Promise<void> {
  const runs: ToolRun[] = [];
  for (const [i, lines] of plan.lists.entries()) {
    const list = join(workDir, `data-${i}.list`);
    await writeFile(list, lines.join('\n') + '\n', { mode: 0o600 });
    runs.push(spawnTool(pgRestorePath, [...base, '--section=data', `--use-list=${list}`], { env: run0.env, group: true, onLine: run0.onLine, stdio: ['pipe', 'ignore', 'pipe'] }));
  }
  const stop = new AbortController();
  let z: ZstdFromStore | undefined;
  const stopAll = (): void => {
    stop.abort();
    z?.stop();
    for (const r of runs) r.kill();
  };
  ctx.signal?.addEventListener('abort', stopAll, { once: true });
  // A pg_restore that fails on its own stops the others and the read at once.
  let failed: ToolRun | undefined;
  for (const r of runs) {
    void r.exited.then((s) => {
      if (s.code !== 0 && !stop.signal.aborted) {
        failed = r;
        stopAll();
      }
    });
  }
  const router = new DataRouter(layout, plan.routes, runs.length, childSink(runs.map((r) => r.child)));
  const rc = { ...source.rc, ctx: { ...ctx, signal: stop.signal } };
  let damage: PglcError | undefined;
  let problem: unknown;
  try {
    if (source.rc.manifest.compression.algorithm === 'zstd') {
      z = await zstdFromStore(rc, source.file);
      const out = z.child.stdout!;
      const routed = new Promise<void>((resolve, reject) => {
        router.once('finish', resolve);
        router.once('error', (e) => {
          // zstd and the store read run on to their end: damage found there explains more.
          out.unpipe(router);
          out.resume();
          reject(e);
        });
        out.pipe(router);
      });
      const [read, route] = await Promise.allSettled([z.read, routed]);
      damage = await z.exited;
      problem = read.status === 'rejected' ? read.reason : route.status === 'rejected' ? route.reason : undefined;
    } else {
      await streamFile(rc, source.file, router);
    }
  } catch (e) {
    problem = e;
  } finally {
    ctx.signal?.removeEventListener('abort', stopAll);
  }
  if (damage || problem) stopAll();
  await Promise.all(runs.map((r) => r.exited));
  if (damage && !ctx.signal?.aborted) throw damage;
  if (failed) await waitTool(failed, 'pg_restore', target, opts, ctx);
  if (problem && !ctx.signal?.aborted) throw problem;
  for (const r of runs) await waitTool(r, 'pg_restore', target, opts, ctx);
}

/**
 * Bytes a stream may have queued before the router waits for it: well above a range, so that a
 * stream keeps loading while the router feeds the others.
 */
const QUEUED_BYTES = 4 * 1024 * 1024;

/** The router's outputs: the pg_restore streams' standard inputs (a closed one discards). */
function childSink(children: ChildProcess[]): RouterSink {
  const open = children.map(() => true);
  children.forEach((c, i) => {
    c.stdin!.on('error', () => (open[i] = false));
    c.stdin!.on('close', () => (open[i] = false));
  });
  return {
    write: (i, bytes) => {
      const stdin = children[i]!.stdin!;
      return !open[i] || stdin.write(bytes) || stdin.writableLength < QUEUED_BYTES;
    },
    drained: async (i) => {
      if (open[i]) await writable(children[i]!.stdin!);
    },
    end: (i) => {
      if (open[i]) children[i]!.stdin!.end();
    },
  };
}

/**
 * One pg_restore reading a zstd archive from the store: zstd writes straight into pg_restore's
 * stdin (no copy through Node); the stored bytes are checked again as they are read.
 */
async function loadFromZstd(
  rc: ReadContext,
  file: BackupFileEntry,
  pgRestorePath: string,
  args: string[],
  run0: { env: Record<string, string>; onLine: (line: string) => void },
  target: ConnectionTarget,
  opts: LoadOptions,
  ctx: OperationContext,
): Promise<void> {
  const z = await zstdFromStore(rc, file);
  const run = spawnTool(pgRestorePath, args, { env: run0.env, group: true, onLine: run0.onLine, stdio: [z.child.stdout!, 'ignore', 'pipe'] });
  // pg_restore holds the pipe now: when it has read what it needs, zstd's writes fail and the
  // rest of the stored bytes are only checked.
  z.child.stdout!.destroy();
  const abort = (): void => {
    run.kill();
    z.stop();
  };
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    try {
      await z.read;
    } catch (e) {
      run.kill();
      await run.exited;
      throw e;
    }
    const status = await run.exited;
    // A pg_restore that succeeded read everything it needed; one that failed may have been
    // starved by a damaged stream, which is the better explanation.
    if (status.code !== 0 && !ctx.signal?.aborted) {
      const damage = await z.exited;
      if (damage) throw damage;
    }
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
    z.stop();
  }
  await waitTool(run, 'pg_restore', target, opts, ctx);
}

async function loadPlain(archive: MaterializedArchive, target: ConnectionTarget, psql: FoundTool, env: Record<string, string>, opts: LoadOptions, ctx: OperationContext): Promise<void> {
  if (opts.section || opts.dataOnly || opts.useList) {
    throw new PglcError('restore-not-possible', {
      what: 'A plain SQL backup can only be restored whole',
      why: 'psql runs the dump from start to end; only pg_dump\'s archive formats can be restored in parts',
      fix: 'Restore it whole (the current database is kept and the restore can be undone), or back up with --format custom for partial restores.',
    });
  }
  const run = spawnTool(psql.path, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=1', '-f', '-'], { env, stdio: ['pipe', 'ignore', 'pipe'], group: true });
  let read = 0;
  const total = archive.bytes;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      read += chunk.length;
      progress(ctx, 'restore.load', `Loading ${opts.what}: ${Math.round((read / Math.max(1, total)) * 100)}%`, { current: read, total, unit: 'bytes' });
      cb(null, chunk);
    },
  });
  const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream | NodeJS.WritableStream)[] = [createReadStream(archive.path), counter];
  if (!opts.owners || !opts.privileges || opts.schemaOnly) stages.push(plainFilter({ owners: opts.owners, privileges: opts.privileges, schemaOnly: Boolean(opts.schemaOnly) }));
  stages.push(feedChild(run.child));
  await feedTool(run, () => pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]), 'psql', target, opts, ctx);
}

async function waitTool(run: ToolRun, tool: string, target: ConnectionTarget, opts: LoadOptions, ctx: OperationContext): Promise<void> {
  const abort = (): void => run.kill();
  ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    const status = await run.exited;
    if (ctx.signal?.aborted) {
      throw new PglcError('cancelled', { what: 'The restore was cancelled', why: 'a cancellation was requested', fix: 'Nothing was replaced; run it again when ready.' });
    }
    if (status.code !== 0) {
      throw toolFailure(tool, run, status, {
        code: 'backup-failed',
        what: `Loading the backup into ${opts.what} failed`,
        fix: 'Nothing was replaced. A missing extension or role on the target server is a setup matter (install or create it there); anything else means this backup cannot be restored there as is.',
        password: target.password,
      });
    }
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
  }
}

/**
 * Drops, outside COPY data, the lines of a plain dump that pg_restore's --no-owner,
 * --no-privileges or --schema-only would leave out.
 * @example createReadStream('dump.sql').pipe(plainFilter({ owners: false, privileges: true, schemaOnly: false }))
 */
export function plainFilter(opts: { owners: boolean; privileges: boolean; schemaOnly: boolean }): Transform {
  let partial = '';
  let inCopy = false;
  // Chunks may end inside a multi-byte character.
  const decoder = new StringDecoder('utf8');
  const keep = (line: string): boolean => {
    if (inCopy) {
      if (line === '\\.') {
        inCopy = false;
        return !opts.schemaOnly;
      }
      return !opts.schemaOnly;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) {
      inCopy = true;
      return !opts.schemaOnly;
    }
    if (opts.schemaOnly && /^SELECT pg_catalog\.(setval|lo_create|lo_open)\(/.test(line)) return false;
    if (!opts.owners && /^ALTER .* OWNER TO .*;$/.test(line)) return false;
    if (!opts.privileges && (/^(GRANT|REVOKE) .*;$/.test(line) || /^ALTER DEFAULT PRIVILEGES .*;$/.test(line))) return false;
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      partial += decoder.write(chunk);
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      cb(null, lines.filter(keep).map((l) => l + '\n').join(''));
    },
    flush(cb) {
      partial += decoder.end();
      cb(null, partial && keep(partial) ? partial : '');
    },
  });
}
