// The data router against the real tools: pg_dump --compress=0 writes a custom archive of a
// database with many types (text with tabs, newlines and backslashes, bytea, partitions, an empty
// table, large objects, sequences); its layout is read and must agree with pg_restore --list; the
// archive's bytes go through a DataRouter that splits EVERY table between two real pg_restore
// streams in ranges of 1 kB (so rows of one table alternate between the streams many times, and
// the empty table is split too); the database they restore holds exactly the source's data.
// An archive cut inside a data block is an error, never a short load.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTestDatabase, testCluster } from '../harness/database';
import { q } from '../harness/restore-helpers';
import { fingerprint, manyTypesSql } from '../fixtures/backup/fingerprint';
import { readArchiveLayout } from '../../core/restore/archive-layout';
import { parseToc } from '../../core/restore/archive';
import { DataRouter, type RouterSink } from '../../core/restore/data-router';
import type { BlockRoute } from '../../core/restore/data-streams';

function tool(name: string, args: string[], database: string): string {
  const c = testCluster();
  const r = spawnSync(join(c.binDir, name), [...args, '-h', c.socketDir, '-p', String(c.port), '-U', c.user, ...(database ? ['-d', database] : [])], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  return r.stdout;
}

function sinkOf(children: ChildProcess[], written: number[]): RouterSink {
  return {
    write: (i, bytes) => {
      written[i] = (written[i] ?? 0) + bytes.length;
      return children[i]!.stdin!.write(bytes);
    },
    drained: (i) => new Promise((resolve) => children[i]!.stdin!.once('drain', resolve)),
    end: (i) => children[i]!.stdin!.end(),
  };
}

describe('DataRouter with pg_dump and pg_restore', () => {
  it('every table split between two pg_restore streams restores exactly the source', async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'pglc-router-'));
    const source = await createTestDatabase('routersrc');
    const copy = await createTestDatabase('routercopy');
    t.after(async () => {
      rmSync(work, { recursive: true, force: true });
      await source.drop();
      await copy.drop();
    });
    await source.query(manyTypesSql);
    await source.query(String.raw`CREATE TABLE awkward (id int, t text, b bytea);
      INSERT INTO awkward SELECT g, E'tab\there\nnew line \\ back' || g, decode(md5(g::text), 'hex') FROM generate_series(1, 3000) g`);
    await source.close();
    await copy.close();
    const archive = join(work, 'archive.dump');
    tool('pg_dump', ['--format=custom', '--compress=0', '-f', archive], source.name);

    const bytes = readFileSync(archive);
    const layout = readArchiveLayout(bytes);
    assert.ok(layout, 'the layout of pg_dump\'s archive is read');
    assert.equal(layout.uncompressed, true);
    const toc = parseToc(tool('pg_restore', ['--list', archive], ''));
    const listed = new Set(toc.map((e) => e.id));
    assert.ok(toc.every((e) => layout.entries.some((x) => x.id === e.id && x.type === e.type)), 'every entry pg_restore --list shows, with its type');
    // pg_restore --list leaves out the entries it applies itself (and DATABASE without --create).
    assert.deepEqual([...new Set(layout.entries.filter((e) => !listed.has(e.id)).map((e) => e.type))].sort(), ['DATABASE', 'ENCODING', 'SEARCHPATH', 'STDSTRINGS']);
    assert.equal(bytes[layout.dataStart], 1, 'a data block starts where the table of contents ends');
    assert.ok(layout.entries.some((e) => e.type === 'BLOBS' && e.hadData), 'the fixture has large objects');

    const routes = new Map<number, BlockRoute>();
    for (const e of layout.entries) if (e.hadData) routes.set(e.id, e.type === 'TABLE DATA' ? { split: [0, 1] } : { whole: 0 });
    const lists = [toc.map((e) => e.line), toc.filter((e) => e.type === 'TABLE DATA').map((e) => e.line)];
    lists.forEach((l, i) => writeFileSync(join(work, `data-${i}.list`), l.join('\n') + '\n'));

    const c = testCluster();
    const args = ['--exit-on-error', '-h', c.socketDir, '-p', String(c.port), '-U', c.user, '-d', copy.name];
    tool('pg_restore', ['--exit-on-error', '--section=pre-data', archive], copy.name);
    const streams = lists.map((_, i) => spawn(join(c.binDir, 'pg_restore'), [...args, '--section=data', `--use-list=${join(work, `data-${i}.list`)}`], { stdio: ['pipe', 'ignore', 'pipe'] }));
    const errors = streams.map((s) => {
      let e = '';
      s.stderr!.on('data', (d) => (e += d));
      return new Promise<string>((resolve) => s.once('close', (code) => resolve(code === 0 ? '' : e || `exit ${code}`)));
    });
    const written = [0, 0];
    await pipeline(createReadStream(archive, { highWaterMark: 4096 }), new DataRouter(layout, routes, 2, sinkOf(streams, written), 1000));
    assert.deepEqual(await Promise.all(errors), ['', '']);
    const data = bytes.length - layout.dataStart;
    assert.ok(written.every((w) => w - layout.dataStart > data / 4), `both streams carry a good part of the rows: ${written.map((w) => w - layout.dataStart).join(' and ')} of ${data} bytes`);
    tool('pg_restore', ['--exit-on-error', '--section=post-data', archive], copy.name);

    assert.deepEqual(await fingerprint((s) => q(copy.name, s)), await fingerprint((s) => q(source.name, s)));
  });

  it('an archive cut inside a data block fails the routing', async (t) => {
    const work = mkdtempSync(join(tmpdir(), 'pglc-router-'));
    const source = await createTestDatabase('routercut');
    t.after(async () => {
      rmSync(work, { recursive: true, force: true });
      await source.drop();
    });
    await source.query('CREATE TABLE t (x text); INSERT INTO t SELECT repeat(g::text, 20) FROM generate_series(1, 2000) g');
    await source.close();
    const archive = join(work, 'archive.dump');
    tool('pg_dump', ['--format=custom', '--compress=0', '-f', archive], source.name);
    const bytes = readFileSync(archive);
    const layout = readArchiveLayout(bytes)!;
    const id = layout.entries.find((e) => e.hadData)!.id;
    const discard: RouterSink = { write: () => true, drained: async () => undefined, end: () => undefined };
    const cut = bytes.subarray(0, layout.dataStart + Math.floor((bytes.length - layout.dataStart) / 2));
    await assert.rejects(pipeline(Readable.from([cut]), new DataRouter(layout, new Map([[id, { split: [0, 1] }]]), 2, discard)), /ends inside a data block/);
    const unknown = Buffer.concat([bytes.subarray(0, layout.dataStart), Buffer.from([9])]);
    await assert.rejects(pipeline(Readable.from([unknown]), new DataRouter(layout, new Map(), 1, discard)), /unknown kind 9/);
    await pipeline(Readable.from([bytes]), new DataRouter(layout, new Map([[id, { whole: 0 }]]), 1, discard));
  });
});
