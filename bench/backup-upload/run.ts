// Benchmark: `pglc backup upload` of a large backup to the loopback S3 server (s3rver), at two
// sizes, measuring throughput (MB/s) and the pglc process's peak RSS (VmHWM from /proc) — the
// goal is flat memory below 200 MB whatever the size (streaming, 16 MiB parts, 4 in flight),
// then the download of the same backup back into an empty store (SHA-256 checked as it arrives).
// Run: `node scripts/build.mjs && node --import tsx bench/backup-upload/run.ts [sizeMB …]`
// (default 256 and 1024). s3rver runs in its own process, so its memory is not counted.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { startS3Server } from '../../test/harness/s3-server';
import { tempProject } from '../../test/harness/cli';
import { fakeManifest } from '../../test/harness/s3-fixtures';
import { openStores } from '../../core/storage/open-stores';
import { loadProject } from '../../core/config/load-config';

const pglc = resolve(__dirname, '../../dist/pglc.js');
const MB = 1024 * 1024;

interface Run { seconds: number; peakRssMB: number; ok: boolean; output: string }

/** Runs pglc, sampling VmHWM (peak resident set) of the process until it exits. */
function runMeasured(args: string[], cwd: string, env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [pglc, ...args], { cwd, env: { ...process.env, ...env, NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', () => undefined);
    let peakKB = 0;
    const sample = () => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakKB = Math.max(peakKB, Number(m[1]));
      } catch {
        // the process has exited
      }
    };
    const timer = setInterval(sample, 20);
    child.on('exit', (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      done({ seconds, peakRssMB: peakKB / 1024, ok: code === 0, output });
    });
  });
}

async function benchSize(sizeMB: number): Promise<{ sizeMB: number; up: Run; down: Run }> {
  const s3 = await startS3Server();
  const toml = `[backup]\nstorage = "s3"\n\n[backup.s3]\nendpoint = "${s3.endpoint}"\nbucket = "${s3.bucket}"\nforce_path_style = true\n`;
  const a = tempProject({ 'pglc.toml': toml, '.gitignore': 'backups/\n' });
  const b = tempProject({ 'pglc.toml': toml, '.gitignore': 'backups/\n' });
  try {
    const project = await loadProject({ env: {}, cwd: a.dir });
    const stores = openStores(project, s3.env);
    // Random bytes (incompressible), written in 1 MiB pieces of a 16 MiB random block.
    const block = randomBytes(16 * MB);
    const id = 'bench-db-20261114T020000Z';
    const w = await stores.local.createFileWriter(id, 'dump.pgcustom.zst');
    const hash = createHash('sha256');
    for (let i = 0; i < sizeMB; i++) {
      const piece = block.subarray((i % 16) * MB, ((i % 16) + 1) * MB);
      hash.update(piece);
      if (!w.stream.write(piece)) await new Promise((r) => w.stream.once('drain', r));
    }
    w.stream.end();
    await w.done;
    await stores.local.writeManifest(id, fakeManifest({ id }, [{ name: 'dump.pgcustom.zst', size: sizeMB * MB, sha256: hash.digest('hex') }]));
    stores.close();

    const up = await runMeasured(['backup', 'upload', id, '--json'], a.dir, s3.env);
    const down = await runMeasured(['backup', 'download', id, '--json'], b.dir, s3.env);
    return { sizeMB, up, down };
  } finally {
    a.cleanup();
    b.cleanup();
    await s3.stop();
  }
}

async function main(): Promise<void> {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const list = sizes.length ? sizes : [256, 1024];
  const rows: string[][] = [['size', 'upload s', 'upload MB/s', 'upload peak RSS', 'download s', 'download MB/s', 'download peak RSS']];
  const peaks: number[] = [];
  for (const sizeMB of list) {
    const r = await benchSize(sizeMB);
    if (!r.up.ok || !r.down.ok) throw new Error(`pglc failed: ${r.up.output} ${r.down.output}`);
    peaks.push(r.up.peakRssMB, r.down.peakRssMB);
    rows.push([
      `${sizeMB} MB`,
      r.up.seconds.toFixed(1), (sizeMB / r.up.seconds).toFixed(0), `${r.up.peakRssMB.toFixed(0)} MB`,
      r.down.seconds.toFixed(1), (sizeMB / r.down.seconds).toFixed(0), `${r.down.peakRssMB.toFixed(0)} MB`,
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) process.stdout.write(r.map((c, i) => c.padStart(widths[i]!)).join('  ') + '\n');
  const max = Math.max(...peaks);
  const min = Math.min(...peaks);
  process.stdout.write(`\npeak RSS: ${min.toFixed(0)}–${max.toFixed(0)} MB (goal: < 200 MB, flat across sizes) → ${max < 200 ? 'OK' : 'OVER'}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
