// The local BackupStore: `[backup] path` (default ./backups, relative to the project root), one
// folder per backup id holding its files, manifest.json and verify.json.
// Invariants: a file appears under its final name only when all its bytes are on disk — it is
// written as `<name>.partial`, fsynced, renamed, and the folder fsynced; manifest.json is
// written the same way and last, so a crash at any point leaves either a complete backup or a
// leftover (a folder without a valid manifest, or whose files do not match it), never a backup
// that looks complete and is not. Files are 0600 and folders 0700: backups hold a database's data.

import { createReadStream, existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Writable, type Readable } from 'node:stream';
import type { BackupManifest } from '../../protocol/index';
import { validateManifest, isSafeFileName } from '../backup/manifest';
import { isSafeBackupId } from '../backup/backup-id';
import { PglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import { runProcess } from '../process/run-process';
import type { BackupStore, StoredEntry, VerifyRecord } from './backup-store';

export const MANIFEST_FILE = 'manifest.json';
export const VERIFY_FILE = 'verify.json';
const PARTIAL = '.partial';

export interface LocalStore extends BackupStore {
  readonly kind: 'local';
  /** Absolute folder holding the backup folders. */
  readonly root: string;
  /** Absolute folder of one backup (for staging areas and "reveal in file manager"). */
  folderOf(id: string): string;
  /** Absolute path of one stored file. */
  pathOf(id: string, name: string): string;
  /**
   * The manifest when it is valid, even if the files no longer match it (a damaged backup: `list`
   * shows it as a leftover; verify reads it to say which file is damaged and how).
   */
  readManifestFile(id: string): Promise<BackupManifest | undefined>;
}

/**
 * The local store of a project.
 * @example const store = createLocalStore(project.root, project.backup.path); await store.list();
 */
export function createLocalStore(projectRoot: string, path: string): LocalStore {
  const root = resolve(projectRoot, path);
  const folderOf = (id: string): string => {
    if (!isSafeBackupId(id)) throw badId(id);
    return join(root, id);
  };
  const pathOf = (id: string, name: string): string => {
    if (!isSafeFileName(name)) throw new Error(`unsafe file name in a backup: ${JSON.stringify(name)}`);
    return join(folderOf(id), ...name.split('/'));
  };
  const shown = (): string => {
    const rel = relative(projectRoot, root);
    return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? root : `.${sep}${rel}`;
  };

  return {
    kind: 'local',
    root,
    folderOf,
    pathOf,
    describe: shown,

    async list() {
      let names: string[];
      try {
        names = await readdir(root);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      const out: StoredEntry[] = [];
      for (const id of names.sort()) {
        if (!isSafeBackupId(id)) continue;
        const folder = join(root, id);
        const st = await stat(folder).catch(() => undefined);
        if (!st?.isDirectory()) continue;
        const files = await walk(folder);
        const size = files.reduce((s, f) => s + f.size, 0);
        const newest = files.reduce((t, f) => Math.max(t, f.mtimeMs), st.mtimeMs);
        const manifest = await readValidManifest(folder, id, files);
        out.push({ id, ...(manifest ? { manifest } : {}), size, modifiedAt: new Date(newest) });
      }
      return out;
    },

    async readManifest(id) {
      const folder = folderOf(id);
      if (!existsSync(folder)) return undefined;
      return readValidManifest(folder, id, await walk(folder));
    },

    async readManifestFile(id) {
      try {
        return validateManifest(JSON.parse(await readFile(join(folderOf(id), MANIFEST_FILE), 'utf8')), id);
      } catch {
        return undefined;
      }
    },

    async writeManifest(id, manifest) {
      await writeSmallFile(join(folderOf(id), MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    },

    async createFileWriter(id, name, signal) {
      const final = pathOf(id, name);
      if (name === MANIFEST_FILE || name === VERIFY_FILE || name.endsWith(PARTIAL)) {
        throw new Error(`reserved file name in a backup: ${name}`);
      }
      await mkdir(dirname(final), { recursive: true, mode: 0o700 });
      return durableFileWriter(final, signal);
    },

    async openFile(id, name) {
      const p = pathOf(id, name);
      const st = await stat(p).catch(() => undefined);
      if (!st?.isFile()) {
        throw new PglcError('backup-corrupt', {
          what: `Backup ${id} is missing its file ${name}`,
          why: `${p} does not exist`,
          fix: 'The backup is incomplete: use another one, or download this one again from remote storage.',
          details: { id, file: name },
        });
      }
      return createReadStream(p, { highWaterMark: 1 << 20 }) as Readable;
    },

    async remove(id) {
      await rm(folderOf(id), { recursive: true, force: true });
    },

    async readVerifyRecord(id) {
      try {
        const v = JSON.parse(await readFile(join(folderOf(id), VERIFY_FILE), 'utf8')) as VerifyRecord;
        return typeof v?.at === 'string' && (v.result === 'ok' || v.result === 'failed') ? v : undefined;
      } catch {
        return undefined;
      }
    },

    async writeVerifyRecord(id, record) {
      await writeSmallFile(join(folderOf(id), VERIFY_FILE), JSON.stringify(record, null, 2) + '\n');
    },
  };
}

/**
 * Warns (a log event) when the store is inside the project and git does not ignore it, so a
 * database's data does not end up in a commit. Uses `git check-ignore` when git and a work tree
 * are there, else the project's .gitignore; outside a repository there is nothing to warn about.
 */
export async function warnIfNotGitIgnored(projectRoot: string, store: LocalStore, ctx: OperationContext): Promise<void> {
  const rel = relative(projectRoot, store.root);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return;
  const warn = (): void =>
    note(ctx, `The backup folder ${store.describe()} is inside the project but not git-ignored: add "${rel.split(sep).join('/')}/" to .gitignore so backups (your data) never get committed.`, 'warn');
  try {
    const r = await runProcess('git', ['-C', projectRoot, 'check-ignore', '-q', '--', rel], { env: { PATH: ctx.env.PATH, HOME: ctx.env.HOME } });
    if (r.code === 0) return;
    if (r.code === 1) return warn();
    // 128: not a work tree (or git failed) — fall through to .gitignore
  } catch {
    // git is not installed
  }
  const ignoreFile = join(projectRoot, '.gitignore');
  if (!existsSync(ignoreFile)) return;
  const first = rel.split(sep)[0]!;
  const lines = (await readFile(ignoreFile, 'utf8')).split(/\r?\n/).map((l) => l.trim().replace(/^\//, '').replace(/\/$/, ''));
  if (!lines.includes(first) && !lines.includes(rel.split(sep).join('/'))) warn();
}

// ---------------------------------------------------------------------------------------------

interface FileInfo { rel: string; size: number; mtimeMs: number }

async function walk(folder: string, prefix = ''): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  let entries;
  try {
    entries = await readdir(join(folder, prefix), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(folder, rel)));
    else if (e.isFile()) {
      const st = await stat(join(folder, rel)).catch(() => undefined);
      if (st) out.push({ rel, size: st.size, mtimeMs: st.mtimeMs });
    }
  }
  return out;
}

/** The manifest when valid and every file it names is present with its size; else undefined. */
async function readValidManifest(folder: string, id: string, files: FileInfo[]): Promise<BackupManifest | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const manifest = validateManifest(parsed, id);
  if (!manifest) return undefined;
  const sizes = new Map(files.map((f) => [f.rel, f.size]));
  return manifest.files.every((f) => sizes.get(f.name) === f.size) ? manifest : undefined;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function writeSmallFile(final: string, text: string): Promise<void> {
  await mkdir(dirname(final), { recursive: true, mode: 0o700 });
  const partial = final + PARTIAL;
  const fh = await open(partial, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(partial, final);
  await fsyncDir(dirname(final));
}

async function writeAll(fh: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length) {
    const total = rest.reduce((s, b) => s + b.length, 0);
    const { bytesWritten } = await fh.writev(rest);
    if (bytesWritten === total) return;
    // A short write (rare on regular files): continue after what was written.
    let skip = bytesWritten;
    const next: Buffer[] = [];
    for (const b of rest) {
      if (skip >= b.length) skip -= b.length;
      else {
        next.push(skip ? b.subarray(skip) : b);
        skip = 0;
      }
    }
    rest = next;
  }
}

/**
 * A Writable into `<final>.partial` that becomes `final` (fsync, rename, fsync dir) when ended;
 * `abort()` (or an error, or `signal`) removes the partial file. Also used for single files
 * outside a store (`pglc db dump -o`, `pglc backup decrypt -o`).
 * @example const w = await durableFileWriter('/tmp/x.dump'); await pipeline(src, w.stream); await w.done;
 */
export async function durableFileWriter(final: string, signal?: AbortSignal): Promise<{ stream: Writable; done: Promise<void>; abort(): Promise<void> }> {
  const partial = final + PARTIAL;
  const fh = await open(partial, 'w', 0o600);
  let closed = false;
  let settled = false;
  let resolveDone!: () => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<void>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  done.catch(() => undefined); // observed by the caller; never an unhandled rejection
  const closeOnce = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await fh.close().catch(() => undefined);
  };
  const discard = async (e: Error): Promise<void> => {
    await closeOnce();
    await rm(partial, { force: true }).catch(() => undefined);
    if (!settled) {
      settled = true;
      rejectDone(e);
    }
  };
  const stream = new Writable({
    highWaterMark: 1 << 20,
    writev(chunks, cb) {
      writeAll(fh, chunks.map((c) => c.chunk as Buffer)).then(() => cb(), (e: Error) => cb(e));
    },
    final(cb) {
      (async () => {
        await fh.sync();
        await closeOnce();
        await rename(partial, final);
        await fsyncDir(dirname(final));
      })().then(
        () => {
          settled = true;
          resolveDone();
          cb();
        },
        (e: Error) => {
          void discard(e);
          cb(e);
        },
      );
    },
    destroy(err, cb) {
      if (settled) return cb(err);
      void discard(err ?? new Error('the write was aborted')).then(() => cb(err));
    },
  });
  // Failures are reported through `done` (and to a pipeline's own listeners); an aborted writer
  // nobody pipes into must not crash the process with an unhandled 'error'.
  stream.on('error', () => undefined);
  const onAbort = (): void => void stream.destroy(new Error('cancelled'));
  signal?.addEventListener('abort', onAbort, { once: true });
  void done.finally(() => signal?.removeEventListener('abort', onAbort)).catch(() => undefined);
  return {
    stream,
    done,
    async abort() {
      if (settled) return;
      stream.destroy(new Error('the write was aborted'));
      await done.catch(() => undefined);
    },
  };
}

function badId(id: string): PglcError {
  return new PglcError('backup-not-found', {
    what: `"${id}" is not a backup id`,
    why: 'backup ids contain only a-z, 0-9, _ and - (e.g. prod-shop-20260115T143000Z)',
    fix: 'Run `pglc backup list` to see the ids.',
  });
}
