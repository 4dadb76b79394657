// The exclusive lock file that serializes starting, creating and stopping the embedded
// local cluster across processes (the editor, a terminal and cron may all run `pglc` at once).
// Invariants: the lock is a file created with O_EXCL holding {pid, at}; a lock whose process
// is gone (or a zombie) is stale and is taken over atomically (rename, then verify), never by
// a blind unlink that could delete a lock somebody else just took; the holder releases only
// its own lock.

import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PglcError, throwIfAborted } from '../errors';
import { note, type OperationContext } from '../operation-context';

interface LockContent {
  pid: number;
  at: string;
  token: string;
}

/** A lock older than this is stale whatever its pid says (pids are reused; nothing we do holds it that long). */
const MAX_LOCK_AGE_MS = 15 * 60_000;
const POLL_MS = 100;
const UNREADABLE_STALE_MS = 10_000;

/**
 * Runs fn while holding the lock file `lockFile`; waits (polling, with a deadline) while
 * another live process holds it, then fails with `local-cluster-busy`.
 * @example await withLockFile(paths.lockFile, ctx, { timeoutMs: 120_000 }, () => startIt());
 */
export async function withLockFile<T>(
  lockFile: string,
  ctx: OperationContext,
  opts: { timeoutMs: number; waitMessage: string },
  fn: () => Promise<T>,
): Promise<T> {
  const token = await acquire(lockFile, ctx, opts);
  try {
    return await fn();
  } finally {
    release(lockFile, token);
  }
}

async function acquire(lockFile: string, ctx: OperationContext, opts: { timeoutMs: number; waitMessage: string }): Promise<string> {
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + opts.timeoutMs;
  let told = false;
  for (;;) {
    throwIfAborted(ctx.signal, 'Waiting for the local database lock');
    if (tryCreate(lockFile, token)) return token;
    const holder = readLock(lockFile);
    if (holder === 'gone') continue;
    if (holder === 'unreadable' ? unreadableIsStale(lockFile) : isStale(holder)) {
      takeOverStale(lockFile, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder === 'unreadable' ? 'another process' : `process ${holder.pid} (since ${holder.at})`;
      throw new PglcError('local-cluster-busy', {
        what: 'The local PostgreSQL is busy',
        why: `${who} has held its lock for more than ${Math.round(opts.timeoutMs / 1000)} s`,
        fix: `Wait for the other pglc to finish and run the command again; if no pglc is running, delete ${lockFile}.`,
        details: { lockFile, pid: holder === 'unreadable' ? undefined : holder.pid },
      });
    }
    if (!told) {
      note(ctx, opts.waitMessage, 'info');
      told = true;
    }
    await pause(POLL_MS, ctx.signal);
  }
}

function tryCreate(lockFile: string, token: string): boolean {
  let fd: number;
  try {
    fd = openSync(lockFile, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    const content: LockContent = { pid: process.pid, at: new Date().toISOString(), token };
    writeSync(fd, JSON.stringify(content));
  } finally {
    closeSync(fd);
  }
  return true;
}

function readLock(lockFile: string): LockContent | 'gone' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(lockFile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockContent>;
    if (typeof parsed.pid === 'number' && typeof parsed.at === 'string') {
      return { pid: parsed.pid, at: parsed.at, token: String(parsed.token ?? '') };
    }
  } catch {
    // Empty or half-written: the creator is between open and write; treat it as held.
  }
  return 'unreadable';
}

/** An empty lock file older than a few seconds: its creator died between open and write. */
function unreadableIsStale(lockFile: string): boolean {
  try {
    return Date.now() - statSync(lockFile).mtimeMs > UNREADABLE_STALE_MS;
  } catch {
    return false;
  }
}

function isStale(lock: LockContent): boolean {
  const age = Date.now() - Date.parse(lock.at);
  if (Number.isFinite(age) && age > MAX_LOCK_AGE_MS) return true;
  return !processAlive(lock.pid);
}

/**
 * Moves the stale lock aside and checks that what was moved is the lock judged stale; if a
 * live process took the lock in between, its lock is put back (link fails if yet another took it).
 */
function takeOverStale(lockFile: string, stale: LockContent | 'unreadable'): void {
  const aside = `${lockFile}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockFile, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readLock(aside);
  const same = stale === 'unreadable'
    ? moved === 'unreadable'
    : moved !== 'gone' && moved !== 'unreadable' && moved.token === stale.token && moved.pid === stale.pid;
  if (same) {
    unlinkSync(aside);
    return;
  }
  try {
    linkSync(aside, lockFile);
  } catch {
    // Someone created a new lock meanwhile; theirs stands.
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function release(lockFile: string, token: string): void {
  const current = readLock(lockFile);
  if (current !== 'gone' && current !== 'unreadable' && current.token === token) {
    try {
      unlinkSync(lockFile);
    } catch {
      // already removed
    }
  }
}

/**
 * True when the process exists and is not a zombie. A killed process whose parent does not
 * reap it (containers whose PID 1 is not an init) stays a zombie: it holds nothing any more.
 */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = `/proc/${pid}/stat`;
  if (existsSync(stat)) {
    try {
      const text = readFileSync(stat, 'utf8');
      // "pid (comm) S …": the state follows the last ')' (comm may contain parentheses).
      const state = text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return false;
    } catch {
      // vanished between the checks: dead
      return false;
    }
  }
  return true;
}

/** Waits ms, or less when the signal fires (the caller's next throwIfAborted reports it). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
