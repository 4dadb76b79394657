// A backup made ready for pg_restore: every stored file read once — size and SHA-256 against the
// manifest, every AES-256-GCM chunk authenticated, decompressed — into a private work folder as
// what pg_dump wrote (a custom archive file, a directory archive, or a plain SQL file), then its
// table of contents listed by pg_restore. That single read is the restore's verification: a
// damaged or wrongly keyed backup fails here, before the target is looked at.
// A custom archive restored whole is not written out: the read keeps only its head (header and
// table of contents, what pg_restore needs for the schema) and the data is streamed from the
// store again, checked again, when it is loaded (stream-load.ts) — no disk copy of the data, and
// no pg_restore workers scanning an archive that, written through a pipe, has no data offsets.
// Invariants: the work folder is private (0700) and always removed by cleanup(); a materialized
// archive is complete and checked or it does not exist; there must be room for it first.

import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BackupFileEntry, BackupManifest } from '../../protocol/index';
import { PglcError, throwIfAborted } from '../errors';
import type { FoundTool } from '../db/tool-check';
import { materializeDirectory, readProgress, streamFile, type ReadContext } from '../backup/restore-into';
import { offlineToolEnv } from '../backup/pg-tool-env';
import { spawnTool } from '../backup/pg-dump-process';
import { feedChild, PLAIN_DUMP_TRAILER } from '../backup/tool-sinks';
import { formatBytes } from '../backup/progress-format';
import { claimWorkDir } from './work-dir';
import { zstdFromStore } from './zstd-from-store';
import { open, readdir, stat } from 'node:fs/promises';

export interface TocEntry {
  /** pg_dump's dump id (first column). */
  id: number;
  /** e.g. `TABLE`, `TABLE DATA`, `FK CONSTRAINT`, `SEQUENCE SET`. */
  type: string;
  /** Schema, or `-` for objects outside schemas. */
  schema: string;
  /** The rest of the line after the schema: the tag (name) and the owner. */
  rest: string;
  /** The line as pg_restore --list printed it (a use-list takes these lines). */
  line: string;
}

export interface MaterializedArchive {
  format: BackupManifest['format'];
  /** The custom archive file, the directory archive, or the plain SQL file. */
  path: string;
  /** Entries of the table of contents (empty for plain dumps). */
  toc: TocEntry[];
  /** Bytes written (what pg_dump produced). */
  bytes: number;
  workDir: string;
  checks: string[];
  cleanup(): Promise<void>;
  /**
   * Set when `path` holds only the archive's head (header and table of contents): the data is
   * read from the store again by whoever loads it.
   */
  streamed?: { rc: ReadContext; file: BackupFileEntry };
}

/** A table of contents larger than this is not kept in memory: the archive is written out instead. */
const HEAD_LIMIT = 64 * 1024 * 1024;

/** TOC entry types, longest first so `TABLE DATA` is not read as `TABLE`. */
const TOC_TYPES = [
  'MATERIALIZED VIEW DATA', 'SEQUENCE OWNED BY', 'MATERIALIZED VIEW', 'DEFAULT ACL', 'FK CONSTRAINT', 'SEQUENCE SET', 'TABLE ATTACH',
  'INDEX ATTACH', 'EVENT TRIGGER', 'LARGE OBJECT', 'TEXT SEARCH CONFIGURATION', 'TEXT SEARCH DICTIONARY', 'TEXT SEARCH PARSER',
  'TEXT SEARCH TEMPLATE', 'FOREIGN DATA WRAPPER', 'FOREIGN SERVER', 'FOREIGN TABLE', 'USER MAPPING', 'PUBLICATION TABLE',
  'PUBLICATION TABLES IN SCHEMA', 'OPERATOR CLASS', 'OPERATOR FAMILY', 'TABLE DATA', 'BLOB METADATA', 'ACCESS METHOD',
  'SHELL TYPE', 'ROW SECURITY', 'PROCEDURAL LANGUAGE', 'STATISTICS DATA', 'CONSTRAINT', 'EXTENSION', 'SEQUENCE', 'FUNCTION',
  'PROCEDURE', 'AGGREGATE', 'OPERATOR', 'TRIGGER', 'POLICY', 'SCHEMA', 'COMMENT', 'DEFAULT', 'DOMAIN', 'INDEX', 'TABLE', 'TYPE',
  'VIEW', 'RULE', 'CAST', 'COLLATION', 'CONVERSION', 'PUBLICATION', 'SUBSCRIPTION', 'TRANSFORM', 'STATISTICS', 'BLOBS', 'BLOB',
  'ACL', 'DATABASE', 'ENCODING', 'STDSTRINGS', 'SEARCHPATH',
];

/**
 * Entries of `pg_restore --list` output (comment lines skipped).
 * @example parseToc('218; 1259 16427 TABLE public users app\n')[0] // { id: 218, type: 'TABLE', schema: 'public', rest: 'users app', … }
 */
export function parseToc(listing: string): TocEntry[] {
  const out: TocEntry[] = [];
  for (const line of listing.split('\n')) {
    const m = /^(\d+);\s+\d+\s+\d+\s+(.*)$/.exec(line);
    if (!m) continue;
    const body = m[2]!;
    const type = TOC_TYPES.find((t) => body === t || body.startsWith(`${t} `));
    if (!type) continue;
    const after = body.slice(type.length + 1);
    const sp = after.indexOf(' ');
    out.push({ id: Number(m[1]), type, schema: sp < 0 ? after : after.slice(0, sp), rest: sp < 0 ? '' : after.slice(sp + 1), line });
  }
  return out;
}

/** Whether a TOC entry is the one of table `schema.name` (its tag starts with the name). */
export function tocNames(entry: TocEntry, schema: string, name: string): boolean {
  return entry.schema === schema && (entry.rest === name || entry.rest.startsWith(`${name} `));
}

/**
 * Reads the backup once into `workRoot` (checked, decrypted, decompressed) and lists it. With
 * `data: 'stream'`, a custom archive keeps only its head on disk (see `streamed`).
 * @example const archive = await materializeBackup(rc, '/project/.pglc/tmp', pgRestore); try { … } finally { await archive.cleanup(); }
 */
export async function materializeBackup(rc: ReadContext, workRoot: string, pgRestore: FoundTool, opts: { data?: 'file' | 'stream' } = {}): Promise<MaterializedArchive> {
  const { manifest, ctx } = rc;
  await mkdir(workRoot, { recursive: true, mode: 0o700 });
  if (opts.data === 'stream' && manifest.format === 'custom') {
    const head = await readArchiveHead(rc, workRoot, pgRestore);
    if (head) return head;
  }
  await requireSpace(workRoot, neededBytes(manifest));
  const workDir = await mkdtemp(join(workRoot, 'restore-'));
  const cleanup = () => rm(workDir, { recursive: true, force: true });
  try {
    await claimWorkDir(workDir);
    const onDelta = readProgress(ctx, manifest.totalSize, `Reading and checking ${manifest.id}`);
    const checks = readChecks(manifest);
    let path: string;
    if (manifest.format === 'directory') {
      path = join(workDir, 'archive');
      await materializeDirectory(rc, path, undefined, onDelta);
    } else {
      path = join(workDir, manifest.format === 'custom' ? 'archive.dump' : 'dump.sql');
      await streamFile(rc, manifest.files[0]!, createWriteStream(path, { mode: 0o600 }), onDelta);
    }
    throwIfAborted(ctx.signal, 'The restore');
    const bytes = await sizeOf(path);
    let toc: TocEntry[] = [];
    if (manifest.format === 'plain') {
      if (!(await endsWith(path, PLAIN_DUMP_TRAILER))) {
        throw new PglcError('backup-corrupt', {
          what: `Backup ${manifest.id}: the SQL dump is incomplete`,
          why: `it does not end with pg_dump's "${PLAIN_DUMP_TRAILER}" line`,
          fix: 'Use another backup; nothing was changed.',
          details: { id: manifest.id },
        });
      }
      checks.push('the SQL dump ends with pg_dump\'s completion line');
    } else {
      toc = await listArchive(path, manifest, pgRestore, ctx.env);
      checks.push(`pg_restore --list reads the archive (${toc.length} entries)`);
    }
    return { format: manifest.format, path, toc, bytes, workDir, checks, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

/**
 * The verification read of a custom archive that keeps only its head: every byte checked,
 * decrypted and decompressed, the first ones fed to `pg_restore --list` until it has read the
 * table of contents, and those kept as `archive-head.dump`. Undefined when the table of contents
 * is larger than HEAD_LIMIT (the caller writes the archive out instead).
 */
async function readArchiveHead(rc: ReadContext, workRoot: string, pgRestore: FoundTool): Promise<MaterializedArchive | undefined> {
  const { manifest, ctx } = rc;
  const workDir = await mkdtemp(join(workRoot, 'restore-'));
  const cleanup = () => rm(workDir, { recursive: true, force: true });
  try {
    await claimWorkDir(workDir);
    const onDelta = readProgress(ctx, manifest.totalSize, `Reading and checking ${manifest.id}`);
    const lister = spawnTool(pgRestore.path, ['--list', '--format=custom'], { env: offlineToolEnv(ctx.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let list = '';
    lister.child.stdout!.setEncoding('utf8').on('data', (d: string) => (list += d));
    const head: Buffer[] = [];
    let headBytes = 0;
    let bytes = 0;
    let tooLarge = false;
    const toLister = feedChild(lister.child);
    let listerOpen = true;
    lister.child.stdin!.once('close', () => (listerOpen = false));
    const sink = new Writable({
      highWaterMark: 1 << 20,
      write(chunk: Buffer, _e, cb) {
        bytes += chunk.length;
        if (!listerOpen || tooLarge) return cb();
        headBytes += chunk.length;
        if (headBytes > HEAD_LIMIT) {
          tooLarge = true;
          head.length = 0;
          lister.child.stdin!.destroy();
          return cb();
        }
        head.push(chunk);
        toLister.write(chunk, cb);
      },
      final(cb) {
        toLister.end(cb);
      },
      destroy(err, cb) {
        toLister.destroy();
        cb(err);
      },
    });
    const file = manifest.files[0]!;
    try {
      if (manifest.compression.algorithm === 'zstd') {
        // Only the head is decompressed: once pg_restore has the table of contents, zstd is
        // stopped and the rest of the stored bytes are only checked and decrypted.
        const z = await zstdFromStore(rc, file, onDelta);
        lister.child.stdin!.once('close', () => z.stop());
        const drained = pipeline(z.child.stdout!, sink).catch(() => undefined);
        await z.read;
        const damage = await z.exited;
        if (damage) throw damage;
        await drained;
      } else {
        await streamFile(rc, file, sink, onDelta);
      }
    } catch (e) {
      // A damaged backup: pg_restore --list must not outlive the read (it would keep pglc alive).
      lister.kill();
      await lister.exited;
      throw e;
    }
    const status = await lister.exited;
    throwIfAborted(ctx.signal, 'The restore');
    if (tooLarge) {
      await cleanup();
      return undefined;
    }
    const toc = checkedToc(list, status.code, lister.errorLines(), manifest);
    const path = join(workDir, 'archive-head.dump');
    await writeFile(path, Buffer.concat(head), { mode: 0o600 });
    const checks = readChecks(manifest, { decompressed: manifest.compression.algorithm !== 'zstd' });
    checks.push(`pg_restore --list reads the archive (${toc.length} entries)`);
    return { format: 'custom', path, toc, bytes: file.rawSize ?? bytes, workDir, checks, cleanup, streamed: { rc, file } };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function readChecks(manifest: BackupManifest, opts: { decompressed: boolean } = { decompressed: true }): string[] {
  const checks = [`size and SHA-256 of ${manifest.files.length} file${manifest.files.length === 1 ? '' : 's'} match the manifest`];
  if (manifest.encryption.algorithm !== 'none') checks.push(`every AES-256-GCM chunk authenticated (key id ${manifest.encryption.keyId})`);
  if (manifest.compression.algorithm !== 'none') {
    checks.push(opts.decompressed ? `${manifest.compression.algorithm} streams decompress to their end` : `the ${manifest.compression.algorithm} stream decompresses (the head now, the rest as it loads)`);
  }
  return checks;
}

/** `pg_restore --list` of a materialized archive, parsed. */
export async function listArchive(path: string, manifest: BackupManifest, pgRestore: FoundTool, vars: Readonly<Record<string, string | undefined>>): Promise<TocEntry[]> {
  const run = spawnTool(pgRestore.path, ['--list', `--format=${manifest.format}`, path], { env: offlineToolEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] });
  let list = '';
  run.child.stdout!.setEncoding('utf8').on('data', (d: string) => (list += d));
  const status = await run.exited;
  return checkedToc(list, status.code, run.errorLines(), manifest);
}

/** The parsed listing of `pg_restore --list`, or `backup-corrupt` when pg_restore could not read the archive. */
function checkedToc(list: string, code: number | null, errorLines: string[], manifest: BackupManifest): TocEntry[] {
  const toc = parseToc(list);
  // An empty database dumps to an archive with no entries; only then is an empty listing right.
  if (code !== 0 || (toc.length === 0 && manifest.tables.length > 0)) {
    throw new PglcError('backup-corrupt', {
      what: `Backup ${manifest.id}: pg_restore cannot read the archive`,
      why: errorLines.join(' / ') || `pg_restore --list exited with code ${code} and listed ${toc.length} entries`,
      fix: 'Use another backup; nothing was changed.',
      details: { id: manifest.id },
    });
  }
  return toc;
}

/** What the materialized archive needs: pg_dump's bytes when recorded, else a generous guess. */
function neededBytes(m: BackupManifest): number {
  const raw = m.files.reduce((s, f) => s + (f.rawSize ?? 0), 0);
  return raw > 0 ? raw : m.totalSize * (m.compression.algorithm === 'none' ? 1 : 5);
}

async function requireSpace(dir: string, bytes: number): Promise<void> {
  const s = await statfs(dir).catch(() => undefined);
  if (!s) return;
  const free = Number(s.bavail) * Number(s.bsize);
  if (free < bytes * 1.05 + 64 * 1024 * 1024) {
    throw new PglcError('restore-not-possible', {
      what: 'Not enough free disk space to prepare the restore',
      why: `the backup unpacks to about ${formatBytes(bytes)} in ${dir}, which has ${formatBytes(free)} free`,
      fix: 'Free some space there (or point PGLC_RESTORE_TMPDIR at a larger disk) and run it again; nothing was changed.',
      details: { needed: bytes, free },
    });
  }
}

async function sizeOf(path: string): Promise<number> {
  const st = await stat(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const e of await readdir(path)) total += await sizeOf(join(path, e));
  return total;
}

async function endsWith(path: string, text: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const n = Math.min(size, 512);
    const buf = Buffer.alloc(n);
    await fh.read(buf, 0, n, size - n);
    return buf.toString('utf8').includes(text);
  } finally {
    await fh.close();
  }
}
