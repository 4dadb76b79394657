// The local store's crash-safety: files appear under their names only when whole, the
// manifest makes a backup complete, anything else is a leftover; and the git-ignore warning.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createLocalStore, durableFileWriter, warnIfNotGitIgnored } from '../../core/storage/local-store';
import type { BackupManifest, CliEvent } from '../../protocol/index';

const valid = JSON.parse(readFileSync(join(__dirname, '../fixtures/backup/manifest-valid.json'), 'utf8')) as BackupManifest;

function tempRoot(t: { after(fn: () => void): void }): string {
  const root = mkdtempSync(join(tmpdir(), 'pglc-store-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

function manifestFor(id: string, files: { name: string; data: Buffer }[]): BackupManifest {
  return {
    ...structuredClone(valid),
    id,
    files: files.map((f) => ({ name: f.name, size: f.data.length, sha256: createHash('sha256').update(f.data).digest('hex') })),
    totalSize: files.reduce((s, f) => s + f.data.length, 0),
  };
}

test('a file is written as .partial and appears under its name only when done', async (t) => {
  const store = createLocalStore(tempRoot(t), 'backups');
  const id = 'prod-shop-20260115T143000Z';
  const w = await store.createFileWriter(id, 'dump/1.dat.zst');
  w.stream.write(Buffer.from('hello '));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(readdirSync(join(store.folderOf(id), 'dump')), ['1.dat.zst.partial']);
  w.stream.end(Buffer.from('world'));
  await w.done;
  assert.deepEqual(readdirSync(join(store.folderOf(id), 'dump')), ['1.dat.zst']);
  assert.equal(readFileSync(store.pathOf(id, 'dump/1.dat.zst'), 'utf8'), 'hello world');
  assert.equal(statSync(store.pathOf(id, 'dump/1.dat.zst')).mode & 0o777, 0o600);
  assert.equal(statSync(store.folderOf(id)).mode & 0o777, 0o700);
});

test('abort, an error, or a cancelled signal leave nothing behind', async (t) => {
  const store = createLocalStore(tempRoot(t), 'backups');
  const id = 'prod-shop-20260115T143000Z';
  const a = await store.createFileWriter(id, 'a');
  a.stream.write(Buffer.alloc(1000));
  await a.abort();
  await assert.rejects(a.done);

  const b = await store.createFileWriter(id, 'b');
  await assert.rejects(pipeline(Readable.from((async function* () { yield Buffer.alloc(10); throw new Error('source broke'); })()), b.stream), /source broke/);
  await assert.rejects(b.done);

  const controller = new AbortController();
  const c = await store.createFileWriter(id, 'c', controller.signal);
  c.stream.write(Buffer.alloc(10));
  controller.abort();
  await assert.rejects(c.done);
  assert.deepEqual(readdirSync(store.folderOf(id)), []);
});

test('list: complete only with a valid manifest whose files are all there at their sizes; the rest are leftovers', async (t) => {
  const store = createLocalStore(tempRoot(t), 'backups');
  const put = async (id: string, files: { name: string; data: Buffer }[], manifest?: BackupManifest | string) => {
    for (const f of files) {
      const w = await store.createFileWriter(id, f.name);
      w.stream.end(f.data);
      await w.done;
    }
    if (typeof manifest === 'string') writeFileSync(join(store.folderOf(id), 'manifest.json'), manifest);
    else if (manifest) await store.writeManifest(id, manifest);
  };
  const data = [{ name: 'dump.pgcustom.zst', data: Buffer.from('x'.repeat(100)) }];
  await put('env-db-20260101T000000Z', data, manifestFor('env-db-20260101T000000Z', data));
  await put('env-db-20260102T000000Z', data); // crashed before the manifest
  await put('env-db-20260103T000000Z', data, '{"manifestVersion": 1, "id": "env-db-2026'); // torn manifest
  await put('env-db-20260104T000000Z', data, manifestFor('env-db-20260104T000000Z', [{ name: 'dump.pgcustom.zst', data: Buffer.from('x'.repeat(101)) }])); // file shorter than recorded
  await put('env-db-20260105T000000Z', data, manifestFor('env-db-20260101T000000Z', data)); // another folder's manifest
  await put('env-db-20260106T000000Z', [], manifestFor('env-db-20260106T000000Z', data)); // file missing
  mkdirSync(join(store.root, '.DS_Store'), { recursive: true });
  writeFileSync(join(store.root, 'notes.txt'), 'not a backup');

  const entries = await store.list();
  assert.deepEqual(entries.map((e) => [e.id, Boolean(e.manifest)]), [
    ['env-db-20260101T000000Z', true],
    ['env-db-20260102T000000Z', false],
    ['env-db-20260103T000000Z', false],
    ['env-db-20260104T000000Z', false],
    ['env-db-20260105T000000Z', false],
    ['env-db-20260106T000000Z', false],
  ]);
  const leftover = entries[1]!;
  assert.equal(leftover.size, 100);
  assert.ok(leftover.modifiedAt instanceof Date && Date.now() - leftover.modifiedAt.getTime() < 60_000);
  assert.equal((await store.readManifest('env-db-20260101T000000Z'))?.id, 'env-db-20260101T000000Z');
  assert.equal(await store.readManifest('env-db-20260104T000000Z'), undefined);
  assert.equal((await store.readManifestFile('env-db-20260104T000000Z'))?.id, 'env-db-20260104T000000Z', 'a damaged backup still has its manifest for verify');
  assert.ok(!readdirSync(store.folderOf('env-db-20260101T000000Z')).some((f) => f.endsWith('.partial')));

  await store.writeVerifyRecord('env-db-20260101T000000Z', { at: '2026-01-02T00:00:00Z', result: 'ok', deep: true });
  assert.deepEqual(await store.readVerifyRecord('env-db-20260101T000000Z'), { at: '2026-01-02T00:00:00Z', result: 'ok', deep: true });
  assert.equal(await store.readVerifyRecord('env-db-20260102T000000Z'), undefined);

  await store.remove('env-db-20260102T000000Z');
  assert.equal(existsSync(store.folderOf('env-db-20260102T000000Z')), false);
  assert.throws(() => store.folderOf('../escape'), /not a backup id/);
});

test('a missing store folder lists as empty; describe() is relative inside the project', async (t) => {
  const root = tempRoot(t);
  assert.deepEqual(await createLocalStore(root, 'backups').list(), []);
  assert.equal(createLocalStore(root, 'backups').describe(), './backups');
  assert.equal(createLocalStore(root, '/var/backups/x').describe(), '/var/backups/x');
});

test('durableFileWriter (db dump -o, decrypt -o) replaces a file only when the new one is whole', async (t) => {
  const root = tempRoot(t);
  const file = join(root, 'out.dump');
  writeFileSync(file, 'old');
  const w = await durableFileWriter(file);
  w.stream.write(Buffer.from('new, partial'));
  await w.abort();
  assert.equal(readFileSync(file, 'utf8'), 'old');
  const w2 = await durableFileWriter(file);
  w2.stream.end(Buffer.from('new'));
  await w2.done;
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.deepEqual(readdirSync(root), ['out.dump']);
});

const hasGit = (() => {
  try {
    execFileSync('git', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

for (const c of [
  { name: 'git repo, backups/ ignored', git: true, ignore: 'backups/\n', path: 'backups', warn: false },
  { name: 'git repo, not ignored', git: true, ignore: 'node_modules/\n', path: 'backups', warn: true },
  { name: 'git repo, no .gitignore', git: true, path: 'backups', warn: true },
  { name: 'git repo, nested path ignored by its parent', git: true, ignore: 'data/\n', path: 'data/backups', warn: false },
  { name: 'no repository, .gitignore lists it', git: false, ignore: '/backups\n', path: 'backups', warn: false },
  { name: 'no repository, .gitignore does not list it', git: false, ignore: 'dist\n', path: 'backups', warn: true },
  { name: 'no repository and no .gitignore: nothing can be committed', git: false, path: 'backups', warn: false },
  { name: 'store outside the project', git: true, path: '../elsewhere', warn: false },
]) {
  test(`git-ignore warning: ${c.name}`, async (t) => {
    const base = tempRoot(t);
    const root = join(base, 'project');
    mkdirSync(root);
    if (c.git) {
      assert.ok(hasGit, 'git is needed for this test (apt-get install git)');
      execFileSync('git', ['init', '-q', root]);
    }
    if (c.ignore !== undefined) writeFileSync(join(root, '.gitignore'), c.ignore);
    const store = createLocalStore(root, c.path);
    mkdirSync(store.root, { recursive: true });
    const events: CliEvent[] = [];
    await warnIfNotGitIgnored(root, store, { env: process.env, cwd: root, report: (e) => events.push(e) });
    const warnings = events.filter((e) => e.type === 'log' && e.level === 'warn');
    assert.equal(warnings.length, c.warn ? 1 : 0, JSON.stringify(events));
    if (c.warn) assert.match(warnings[0]!.message, /not git-ignored: add "backups\/" to \.gitignore/);
  });
}
