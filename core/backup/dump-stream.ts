// One pg_dump streamed into one durable file: pg_dump → (zstd | gzip | nothing) → (encryption)
// → SHA-256 → writer. Used by `backup create` (custom and plain formats) and `db dump`.
// Invariants: for zstd, pg_dump writes straight into zstd's stdin (an OS pipe: the raw dump never
// passes through this process, which keeps it off the critical path); the file only becomes
// final when the writer finished AND pg_dump exited 0 AND the compressor exited 0 — otherwise it
// is discarded and pg_dump's own error is what gets reported.

import { spawn } from 'node:child_process';
import { pipeline as pipelineCallback, type Readable } from 'node:stream';
import type { PglcError } from '../errors';
import type { BackupKey } from '../crypto/backup-key';
import { compressStage, watchChild, zstdCompressArgs, type CompressionSpec, type Stage } from './compression';
import { spawnTool, type ToolRun } from './pg-dump-process';
import { pipeToWriter, type FileWriter } from './stored-file';
import { createCountStream } from '../storage/file-digest';

export interface DumpStreamOptions {
  pgDumpPath: string;
  args: string[];
  env: Record<string, string>;
  compression: CompressionSpec;
  zstdPath?: string;
  key?: BackupKey;
  chunkSize?: number;
  signal: AbortSignal;
  onLine?(line: string): void;
  /** Stored bytes so far. */
  onBytes?(stored: number): void;
  openWriter(): Promise<FileWriter>;
  /** The error for a pg_dump that exited badly. */
  failure(run: ToolRun, status: { code: number | null; signal: NodeJS.Signals | null }): PglcError;
}

/**
 * Runs pg_dump into a writer; resolves with the stored file's SHA-256 and size (and the raw
 * dump size when it passed through this process).
 * @example const r = await runDumpStream({ pgDumpPath, args, env, compression, signal, openWriter: () => durableFileWriter(out), failure });
 */
export async function runDumpStream(o: DumpStreamOptions): Promise<{ sha256: string; size: number; rawSize?: number }> {
  // The writer is opened first: Node discards a child's unread stdout when the child exits, so
  // zstd's output must have its reader attached before any I/O wait (a tiny dump can finish
  // while a file is being opened).
  const writer = await o.openWriter();
  let run: ToolRun;
  let stage: Omit<Stage, 'stream'>;
  let source: Readable;
  let counter: ReturnType<typeof createCountStream> | undefined;
  if (o.compression.algorithm === 'zstd') {
    const zstd = spawn(o.zstdPath ?? 'zstd', zstdCompressArgs(o.compression.level ?? 3), { stdio: ['pipe', 'pipe', 'pipe'] });
    stage = watchChild(zstd, 'compress');
    run = spawnTool(o.pgDumpPath, o.args, { env: o.env, stdio: ['ignore', zstd.stdin!, 'pipe'], onLine: o.onLine });
    zstd.stdin!.destroy(); // pg_dump holds the write end now; zstd sees EOF when pg_dump exits
    source = zstd.stdout!;
  } else {
    run = spawnTool(o.pgDumpPath, o.args, { env: o.env, onLine: o.onLine });
    const compressor = compressStage(o.compression);
    stage = compressor;
    counter = createCountStream();
    source = chain(run.child.stdout!, [counter, compressor.stream]);
  }
  const kill = (): void => {
    run.kill();
    stage.kill();
  };
  o.signal.addEventListener('abort', kill, { once: true });
  try {
    const stored = pipeToWriter(source, writer, { key: o.key, chunkSize: o.chunkSize, signal: o.signal, onBytes: o.onBytes });
    stored.catch(() => kill());
    const [digest, status] = await Promise.all([stored, run.exited]);
    if (status.code !== 0) {
      await writer.abort();
      throw o.failure(run, status);
    }
    await stage.finished;
    return counter ? { ...digest, rawSize: counter.bytes } : digest;
  } catch (e) {
    kill();
    await writer.abort();
    const status = await run.exited;
    // pg_dump's own failure explains a broken pipe better than the pipe does.
    if (status.code !== 0 && status.code !== null && !o.signal.aborted) throw o.failure(run, status);
    throw e;
  } finally {
    o.signal.removeEventListener('abort', kill);
  }
}

/**
 * source → stages… as one Readable. Any stage failing or closing early destroys all of them
 * (so a child's stdout is never left paused — which would keep the child's 'close' from ever
 * coming), and the error surfaces on the returned stream.
 */
export function chain(source: Readable, stages: NodeJS.ReadWriteStream[]): Readable {
  if (stages.length === 0) return source;
  return pipelineCallback([source, ...stages] as unknown as [Readable, NodeJS.ReadWriteStream], () => undefined) as unknown as Readable;
}
