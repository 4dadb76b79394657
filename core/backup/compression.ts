// Compression of backup streams: zstd through Debian's `zstd` tool (Node 20's zlib has no zstd),
// gzip through node:zlib, or none. Invariant: a compressor or decompressor only counts as done
// when its process exited 0 (or zlib ended cleanly) — a crashed zstd whose output merely stopped
// must never pass for a complete stream.

import { spawn, type ChildProcess } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import type { BackupCompression } from '../../protocol/index';
import { PglcError } from '../errors';
import { candidateExecutable } from './executables';

export interface CompressionSpec {
  algorithm: BackupCompression;
  /** zstd 1–19 (default 3), gzip 1–9 (default 6). */
  level?: number;
}

export const DEFAULT_COMPRESSION: CompressionSpec = { algorithm: 'zstd', level: 3 };
const LEVELS: Record<BackupCompression, [number, number, number | undefined]> = {
  zstd: [1, 19, 3],
  gzip: [1, 9, 6],
  none: [0, 0, undefined],
};

/**
 * `zstd`, `zstd:19`, `gzip`, `gzip:9` or `none` → a spec with its level.
 * @example parseCompression('gzip:9') // { algorithm: 'gzip', level: 9 }
 */
export function parseCompression(text: string): CompressionSpec {
  const m = /^(zstd|gzip|none)(?::(\d+))?$/.exec(text.trim().toLowerCase());
  const bad = (why: string) =>
    new PglcError('usage', {
      what: `--compress ${text} is not a compression`,
      why,
      fix: 'Use zstd (default, level 3), zstd:1…19, gzip, gzip:1…9 or none.',
    });
  if (!m) throw bad('expected zstd, gzip or none, optionally with :level');
  const algorithm = m[1] as BackupCompression;
  const [min, max, dflt] = LEVELS[algorithm];
  if (m[2] === undefined) return dflt === undefined ? { algorithm } : { algorithm, level: dflt };
  if (algorithm === 'none') throw bad('none takes no level');
  const level = Number(m[2]);
  if (level < min || level > max) throw bad(`${algorithm} levels go from ${min} to ${max}`);
  return { algorithm, level };
}

/** The `--compress` / `[backup] compression` spelling of a spec. @example formatCompression({ algorithm: 'zstd', level: 9 }) === 'zstd:9' */
export function formatCompression(spec: CompressionSpec): string {
  return spec.level === undefined ? spec.algorithm : `${spec.algorithm}:${spec.level}`;
}

/** File name suffix of compressed files. @example compressionSuffix('zstd') === '.zst' */
export function compressionSuffix(algorithm: BackupCompression): string {
  return algorithm === 'zstd' ? '.zst' : algorithm === 'gzip' ? '.gz' : '';
}

/** Path of the zstd tool, or `tools-missing` saying how to install it. */
export async function findZstd(vars: Readonly<Record<string, string | undefined>>): Promise<string> {
  const found = candidateExecutable('zstd', vars);
  if (found) return found;
  throw new PglcError('tools-missing', {
    what: 'The `zstd` tool was not found',
    why: 'zstd compression (the default) runs the zstd command, and it is not in PATH',
    fix: 'Install it (Debian/Ubuntu: apt-get install zstd; macOS: brew install zstd), or choose --compress gzip.',
  });
}

/** A running compression step: its stream, a promise that settles when it truly finished, and a kill switch. */
export interface Stage {
  stream: Duplex;
  finished: Promise<void>;
  kill(): void;
}

/** zstd arguments for compressing stdin (or `input`) to stdout. */
export function zstdCompressArgs(level: number, input?: string): string[] {
  return [`-${level}`, '-T0', '-q', '-c', ...(input ? ['--', input] : [])];
}

/**
 * A compressor for `spec`: zstd (a child process), gzip (zlib) or a pass-through.
 * @example const c = compressStage({ algorithm: 'gzip', level: 6 }); await pipeline(src, c.stream, dest); await c.finished;
 */
export function compressStage(spec: CompressionSpec, zstdPath?: string): Stage {
  if (spec.algorithm === 'zstd') return childStage(zstdPath ?? 'zstd', zstdCompressArgs(spec.level ?? 3), 'compress');
  if (spec.algorithm === 'gzip') return zlibStage(createGzip({ level: spec.level ?? 6 }));
  return zlibStage(new PassThrough());
}

/** The matching decompressor. */
export function decompressStage(algorithm: BackupCompression, zstdPath?: string): Stage {
  if (algorithm === 'zstd') return childStage(zstdPath ?? 'zstd', ['-d', '-q', '-c'], 'decompress');
  if (algorithm === 'gzip') return zlibStage(createGunzip());
  return zlibStage(new PassThrough());
}

function zlibStage(t: Duplex): Stage {
  const finished = new Promise<void>((resolve, reject) => {
    t.once('end', resolve);
    t.once('error', reject);
  });
  finished.catch(() => undefined);
  return { stream: t, finished, kill: () => t.destroy() };
}

/** A zstd process as a Duplex (stdin → stdout); `finished` checks its exit status. */
export function childStage(path: string, args: string[], verb: string): Stage {
  const child = spawn(path, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const watched = watchChild(child, verb);
  return { ...watched, stream: Duplex.from({ writable: child.stdin!, readable: child.stdout! }) };
}

/**
 * `finished` and `kill` of a zstd process whose pipes the caller wires itself (e.g. pg_dump
 * writing straight into its stdin, or zstd reading a file).
 */
export function watchChild(child: ChildProcess, verb: string): Omit<Stage, 'stream'> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  child.stdin?.on('error', () => undefined); // EPIPE when zstd stops early: its exit status tells why
  const finished = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(new PglcError('tools-missing', {
      what: `Could not run zstd to ${verb}`,
      why: e.message,
      fix: 'Install zstd (Debian/Ubuntu: apt-get install zstd), or use --compress gzip.',
    })));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve();
      reject(new PglcError(verb === 'decompress' ? 'backup-corrupt' : 'backup-failed', {
        what: `zstd failed to ${verb}`,
        why: stderr.trim().split('\n').slice(-3).join(' ') || (signal ? `it was stopped by ${signal}` : `exit code ${code}`),
        fix: verb === 'decompress' ? 'The stored data is damaged: use another backup or another copy of this one.' : 'Check free disk space and memory, then run the backup again.',
      }));
    });
  });
  finished.catch(() => undefined);
  return { finished, kill: () => void child.kill('SIGKILL') };
}
