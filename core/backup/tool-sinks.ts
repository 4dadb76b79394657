// Where restored bytes go: into pg_restore or psql (which may stop reading early), or nowhere
// but a check of the end of a plain dump. Invariant: a consumer that stops reading never stops
// the stream — the rest is still read, so decryption and checksums always cover every byte and
// a damaged file is reported as damaged, not as a broken pipe.

import type { ChildProcess } from 'node:child_process';
import { Writable } from 'node:stream';

/**
 * A Writable feeding `child`'s stdin with backpressure; once the child closed its stdin (it read
 * what it needed, or it failed — its exit status tells which), further bytes are discarded.
 * @example await pipeline(...stages, feedChild(pgRestore.child)); const status = await pgRestore.exited;
 */
export function feedChild(child: ChildProcess): Writable {
  const stdin = child.stdin!;
  let open = true;
  const closed = (): void => {
    open = false;
  };
  stdin.on('error', closed);
  stdin.on('close', closed);
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      if (!open) return cb();
      if (stdin.write(chunk)) return cb();
      void writable(stdin).then(() => cb());
    },
    final(cb) {
      if (open) stdin.end();
      cb();
    },
    destroy(err, cb) {
      if (open) stdin.destroy();
      cb(err);
    },
  });
}

/**
 * Resolves when `stdin` can take more bytes: it drained, or it closed (its reader is gone).
 * @example if (!child.stdin.write(bytes)) await writable(child.stdin);
 */
export function writable(stdin: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stdin.off('drain', done);
      stdin.off('close', done);
      stdin.off('error', done);
      resolve();
    };
    stdin.once('drain', done);
    stdin.once('close', done);
    stdin.once('error', done);
  });
}

/** A Writable that keeps only the last `keep` bytes (to check how a plain dump ends). */
export function tailSink(keep = 512): Writable & { tail(): Buffer } {
  let tail = Buffer.alloc(0);
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      tail = Buffer.concat([tail, chunk.length > keep ? chunk.subarray(chunk.length - keep) : chunk]);
      if (tail.length > keep) tail = tail.subarray(tail.length - keep);
      cb();
    },
  }) as Writable & { tail(): Buffer };
  w.tail = () => tail;
  return w;
}

/** The trailer pg_dump writes at the very end of a plain-format dump. */
export const PLAIN_DUMP_TRAILER = '-- PostgreSQL database dump complete';
