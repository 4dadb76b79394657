// `pglc backup decrypt <id> -o <file>`: a backup back into what pg_dump wrote — a custom archive
// or SQL file (or, for the directory format, a folder) that pg_restore / psql read directly,
// without pglc or the editor.
// Invariants: every byte is checked (size, SHA-256, GCM authentication) on the way out and the
// output appears under its name only when whole (written as .partial, then renamed); an existing
// output is never overwritten without --force.

import { existsSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import type { BackupDecryptResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { type OperationContext } from '../operation-context';
import { requireBackupKey } from '../crypto/backup-key';
import { durableFileWriter } from '../storage/local-store';
import { findZstd } from './compression';
import { openLocalBackup } from './open-backup';
import { materializeDirectory, readProgress, streamFile, type ReadContext } from './restore-into';

/**
 * Decrypts and decompresses backup `ref` into `output` (relative to ctx.cwd).
 * @example const r = await decryptBackup(project, vars, 'latest', 'shop.dump', {}, ctx); r.restoreHint // 'pg_restore -d DBNAME shop.dump'
 */
export async function decryptBackup(
  project: ProjectConfig,
  vars: Readonly<Record<string, string | undefined>>,
  ref: string,
  output: string,
  opts: { force?: boolean; environment?: string },
  ctx: OperationContext,
): Promise<BackupDecryptResult> {
  const { store, manifest } = await openLocalBackup(project, ref, { environment: opts.environment, signal: ctx.signal });
  const out = resolve(ctx.cwd, output);
  if (existsSync(out) && !opts.force) {
    throw new PglcError('file-exists', {
      what: `${output} already exists`,
      why: 'decrypt never overwrites a file without being told to',
      fix: 'Choose another -o path, or pass --force to replace it.',
      details: { file: out },
    });
  }
  const key = manifest.encryption.algorithm === 'none' ? undefined : requireBackupKey(vars, manifest.encryption.keyId, `Decrypting backup ${manifest.id}`);
  const zstdPath = manifest.compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;
  const rc: ReadContext = { store, manifest, key, zstdPath, ctx: { ...ctx, env: vars } };
  const onDelta = readProgress(ctx, manifest.totalSize, `Decrypting ${manifest.id}`);

  let bytes: number;
  if (manifest.format === 'directory') {
    const partial = `${out}.partial-${randomBytes(4).toString('hex')}`;
    try {
      await materializeDirectory(rc, partial, undefined, onDelta);
      if (opts.force) await rm(out, { recursive: true, force: true });
      await rename(partial, out);
    } catch (e) {
      await rm(partial, { recursive: true, force: true });
      throw e;
    }
    bytes = manifest.files.reduce((s, f) => s + (f.rawSize ?? 0), 0);
  } else {
    if (opts.force && existsSync(out) && (await stat(out)).isDirectory()) {
      throw new PglcError('file-exists', { what: `${output} is a folder`, why: 'this backup decrypts to a single file', fix: 'Choose a file name for -o.' });
    }
    const writer = await durableFileWriter(out, ctx.signal);
    try {
      await streamFile(rc, manifest.files[0]!, writer.stream, onDelta);
      await writer.done;
    } catch (e) {
      await writer.abort();
      throw e;
    }
    bytes = (await stat(out)).size;
  }
  const shown = output;
  const restoreHint = manifest.format === 'plain'
    ? `psql -d DBNAME -f ${shown}`
    : manifest.format === 'directory'
      ? `pg_restore -j 4 -d DBNAME ${shown}`
      : `pg_restore -d DBNAME ${shown}`;
  return { id: manifest.id, output: out, format: manifest.format, bytes, restoreHint };
}
