// Loading a materialized archive into a database with the real tools: pg_restore (custom and
// directory archives, with --jobs workers) or psql (plain dumps), with progress per table from
// pg_restore --verbose and pg_restore's or psql's own error text on failure.
// Invariants: tools connect through PG* variables only (no password in argv); --exit-on-error /
// ON_ERROR_STOP — a restore that hit an error is a failed restore, never a partial success;
// without owners or grants, plain dumps lose exactly what pg_restore --no-owner /
// --no-privileges would drop (ALTER … OWNER TO, GRANT/REVOKE lines outside COPY data).

import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { pipeline } from 'node:stream/promises';
import type { ConnectionTarget } from '../db/connection-target';
import type { FoundTool } from '../db/tool-check';
import { PglcError } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { pgToolEnv } from '../backup/pg-tool-env';
import { spawnTool, toolFailure, type ToolRun } from '../backup/pg-dump-process';
import { feedChild } from '../backup/tool-sinks';
import { conninfoDbname } from '../backup/restore-into';
import type { MaterializedArchive } from './archive';

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
  const args = ['--no-password', '--exit-on-error', '--verbose', `--format=${archive.format}`, `--dbname=${conninfoDbname(target.database)}`];
  if (opts.jobs > 1) args.push(`--jobs=${opts.jobs}`);
  if (!opts.owners) args.push('--no-owner');
  if (!opts.privileges) args.push('--no-privileges');
  if (!opts.superuser) args.push('--no-subscriptions');
  if (opts.section) args.push(`--section=${opts.section}`);
  if (opts.schemaOnly) args.push('--schema-only');
  if (opts.dataOnly) args.push('--data-only');
  if (opts.useList) args.push(`--use-list=${opts.useList}`);
  args.push(archive.path);
  const tables = archive.toc.filter((e) => e.type === 'TABLE DATA').length;
  let done = 0;
  const run = spawnTool(tools.pgRestore.path, args, {
    env,
    group: true,
    onLine: (line) => {
      const m = /processing data for table "([^"]+)"/.exec(line);
      if (m) {
        done++;
        progress(ctx, 'restore.load', `Loading ${opts.what}: table ${done} of ${tables} (${m[1]})`, { current: done, total: tables, unit: 'tables' });
      } else if (/creating INDEX|creating CONSTRAINT|creating FK CONSTRAINT/.test(line)) {
        progress(ctx, 'restore.load', `Loading ${opts.what}: building indexes and constraints…`);
      }
    },
  });
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
  const abort = (): void => run.kill();
  ctx.signal?.addEventListener('abort', abort, { once: true });
  let read = 0;
  const total = archive.bytes;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      read += chunk.length;
      progress(ctx, 'restore.load', `Loading ${opts.what}: ${Math.round((read / Math.max(1, total)) * 100)}%`, { current: read, total, unit: 'bytes' });
      cb(null, chunk);
    },
  });
  try {
    const stages: (NodeJS.ReadableStream | NodeJS.ReadWriteStream | NodeJS.WritableStream)[] = [createReadStream(archive.path), counter];
    if (!opts.owners || !opts.privileges || opts.schemaOnly) stages.push(plainFilter({ owners: opts.owners, privileges: opts.privileges, schemaOnly: Boolean(opts.schemaOnly) }));
    stages.push(feedChild(run.child));
    await pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream]);
  } catch (e) {
    run.kill();
    await run.exited;
    throw e;
  } finally {
    ctx.signal?.removeEventListener('abort', abort);
  }
  await waitTool(run, 'psql', target, opts, ctx);
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
