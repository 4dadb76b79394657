// Turning a stored backup back into what pg_dump wrote — a custom archive stream, a plain SQL
// stream, or a directory of files — and feeding it to pg_restore / psql against a database.
// Used by `verify --deep` (a scratch database) and `backup decrypt` (files on disk).
// Invariants: every byte read is checked against the manifest (size, SHA-256) and, when
// encrypted, authenticated, whatever the consumer does with it; tools connect through PG*
// variables only (no password in argv); a tool's own error lines are what a failure reports.

import { mkdir } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import type { BackupFileEntry, BackupManifest } from '../../protocol/index';
import type { ConnectionTarget } from '../db/connection-target';
import type { BackupKey } from '../crypto/backup-key';
import type { BackupStore } from '../storage/backup-store';
import { PglcError } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { compressionSuffix } from './compression';
import { pgToolEnv } from './pg-tool-env';
import { spawnTool, toolFailure, type ToolRun } from './pg-dump-process';
import { readStoredFile, runReadPipeline } from './stored-file';
import { feedChild } from './tool-sinks';
import { createCountStream } from '../storage/file-digest';
import { formatBytes, throttle } from './progress-format';

export interface ReadContext {
  store: BackupStore;
  manifest: BackupManifest;
  key?: BackupKey;
  zstdPath?: string;
  ctx: OperationContext;
}

/** The name pg_dump gave a stored file: `dump/3012.dat.zst.enc` → `3012.dat`. */
export function originalName(manifest: BackupManifest, file: BackupFileEntry): string {
  let n = file.name;
  if (manifest.encryption.algorithm !== 'none' && n.endsWith('.enc')) n = n.slice(0, -4);
  const suffix = compressionSuffix(manifest.compression.algorithm);
  if (suffix && n.endsWith(suffix)) n = n.slice(0, -suffix.length);
  return manifest.format === 'directory' && n.startsWith('dump/') ? n.slice(5) : n;
}

/** Progress over all files of a backup, in stored bytes. */
export function readProgress(ctx: OperationContext, total: number, verb: string): (delta: number) => void {
  let done = 0;
  const report = throttle(100, () => progress(ctx, 'backup.read', `${verb}: ${formatBytes(done)} of ${formatBytes(total)}`, { current: done, total, unit: 'bytes' }));
  return (delta) => {
    done += delta;
    report();
  };
}

/**
 * Streams one stored file (checked, decrypted, decompressed) into `sink`.
 * @example await streamFile(rc, manifest.files[0], feedChild(child), onDelta);
 */
export async function streamFile(rc: ReadContext, file: BackupFileEntry, sink: NodeJS.WritableStream, onDelta?: (n: number) => void): Promise<void> {
  const r = await readStoredFile(rc.store, rc.manifest, file, { key: rc.key, zstdPath: rc.zstdPath, signal: rc.ctx.signal });
  if (onDelta) {
    let seen = 0;
    r.stages.splice(1, 0, createCountStream((total) => {
      onDelta(total - seen);
      seen = total;
    }));
  }
  await runReadPipeline(r, sink, rc.ctx.signal);
}

/**
 * Writes the files of a directory-format backup into `dir` under pg_dump's names; `only`
 * limits which are kept (the others are still read and checked, then dropped).
 * @example await materializeDirectory(rc, tmp, (name) => name === 'toc.dat');
 */
export async function materializeDirectory(rc: ReadContext, dir: string, only?: (name: string) => boolean, onDelta?: (n: number) => void): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const file of rc.manifest.files) {
    const name = originalName(rc.manifest, file);
    if (only && !only(name)) {
      await streamFile(rc, file, nullSink(), onDelta);
      continue;
    }
    const path = join(dir, ...name.split('/'));
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    await streamFile(rc, file, createWriteStream(path, { mode: 0o600 }), onDelta);
  }
}

export function nullSink(): Writable {
  return new Writable({ write: (_c, _e, cb) => cb() });
}

export interface RestoreTools {
  pgRestorePath: string;
  psqlPath: string;
}

/**
 * Restores the backup into `target` (an empty database): pg_restore --no-owner --no-privileges
 * --exit-on-error for custom (streamed from the store) and directory (materialized in
 * `workDir` first, restored with `jobs` workers) formats, psql for plain dumps.
 * @example await restoreInto(rc, scratchTarget, tools, { workDir, jobs: 2 });
 */
export async function restoreInto(
  rc: ReadContext,
  target: ConnectionTarget,
  tools: RestoreTools,
  opts: { workDir: string; jobs?: number },
): Promise<void> {
  const env = pgToolEnv(target, rc.ctx.env, 'pglc verify');
  const onDelta = readProgress(rc.ctx, rc.manifest.totalSize, `Restoring ${rc.manifest.id}`);
  const restoreArgs = ['--no-password', '--no-owner', '--no-privileges', '--exit-on-error', `--dbname=${conninfoDbname(target.database)}`];
  const failed = (tool: string, run: ToolRun, status: { code: number | null; signal: NodeJS.Signals | null }) =>
    toolFailure(tool, run, status, {
      code: 'backup-failed',
      what: `Restoring backup ${rc.manifest.id} into a scratch database failed`,
      fix: 'Read the message: a missing extension or role on the local server is a setup matter (install it locally); anything else means this backup cannot be restored as is.',
      password: target.password,
      details: { id: rc.manifest.id },
    });

  if (rc.manifest.format === 'directory') {
    await materializeDirectory(rc, opts.workDir, undefined, onDelta);
    const run = spawnTool(tools.pgRestorePath, [...restoreArgs, `--jobs=${Math.max(1, opts.jobs ?? 1)}`, '--format=directory', opts.workDir], { env });
    const status = await run.exited;
    if (status.code !== 0) throw failed('pg_restore', run, status);
    return;
  }
  const file = rc.manifest.files[0]!;
  const run = rc.manifest.format === 'custom'
    ? spawnTool(tools.pgRestorePath, [...restoreArgs, '--format=custom'], { env, stdio: ['pipe', 'ignore', 'pipe'] })
    : spawnTool(tools.psqlPath, ['-X', '-q', '--no-password', '-v', 'ON_ERROR_STOP=0', '-f', '-'], { env, stdio: ['pipe', 'ignore', 'pipe'] });
  const abort = (): void => run.kill();
  rc.ctx.signal?.addEventListener('abort', abort, { once: true });
  try {
    await streamFile(rc, file, feedChild(run.child), onDelta);
  } catch (e) {
    run.kill();
    await run.exited;
    throw e;
  } finally {
    rc.ctx.signal?.removeEventListener('abort', abort);
  }
  const status = await run.exited;
  if (rc.manifest.format === 'custom') {
    if (status.code !== 0) throw failed('pg_restore', run, status);
    return;
  }
  // psql runs on past errors so that statements naming roles this server lacks (OWNER TO, GRANT)
  // do not stop the check; any other error fails it.
  const errors = run.errorLines().filter((l) => /ERROR:/.test(l) && !/role "[^"]*" does not exist/.test(l));
  if (status.code !== 0 || errors.length) {
    throw new PglcError('backup-failed', {
      what: `Restoring backup ${rc.manifest.id} into a scratch database failed`,
      why: errors.length ? errors.slice(0, 3).join(' / ') : `psql exited with code ${status.code}`,
      fix: 'Read the message: a missing extension on the local server is a setup matter (install it locally); anything else means this dump cannot be restored as is.',
      details: { id: rc.manifest.id, messages: errors },
    });
  }
}

/**
 * A --dbname value that names only the database, safely quoted as a conninfo string (a bare
 * name containing `=` would otherwise be parsed as connection parameters).
 * @example conninfoDbname("it's") === "dbname='it\\'s'"
 */
export function conninfoDbname(database: string): string {
  return `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
