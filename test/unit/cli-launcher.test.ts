// The launcher's V8 code cache (cli/launcher.ts): one file per command, written when the command
// first ends, used by the next run, and never a reason for a run to fail — a damaged cache is
// replaced, and PGLC_NO_CODE_CACHE=1 writes none.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pglcPath } from '../harness/cli';

function run(cache: string, args: string[], env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [pglcPath, ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** The cache files, by name (one folder per installed bundle). */
function cacheFiles(cache: string): Map<string, number> {
  const out = new Map<string, number>();
  const root = join(cache, 'pglc', 'v8');
  for (const dir of readdirSync(root)) for (const f of readdirSync(join(root, dir))) out.set(f, statSync(join(root, dir, f)).size);
  return out;
}

test('the code cache: one file per command, written at its end; a damaged one is replaced; none with PGLC_NO_CODE_CACHE', () => {
  const cache = mkdtempSync(join(tmpdir(), 'pglc-launcher-'));
  try {
    const version = run(cache, ['--version']).trim();
    assert.match(version, /^\d+\.\d+\.\d+/);
    const first = cacheFiles(cache);
    assert.equal(first.size, 1);
    assert.ok([...first.keys()][0]?.endsWith('-none.bin'), [...first.keys()].join(', '));
    run(cache, ['db', 'lint', '--help']);
    const both = cacheFiles(cache);
    assert.equal(both.size, 2, [...both.keys()].join(', '));
    const lint = [...both.keys()].find((f) => f.endsWith('-db-lint.bin'));
    assert.ok(lint, [...both.keys()].join(', '));
    // a damaged cache: V8 rejects it, the run goes on and writes a good one
    const root = join(cache, 'pglc', 'v8');
    const dir = readdirSync(root)[0] as string;
    writeFileSync(join(root, dir, lint), 'not a code cache');
    assert.match(run(cache, ['db', 'lint', '--help']), /lint/);
    assert.ok((cacheFiles(cache).get(lint) ?? 0) > 1000, 'rewritten');
    assert.equal(run(cache, ['--version']).trim(), version);

    const none = mkdtempSync(join(tmpdir(), 'pglc-launcher-'));
    try {
      assert.equal(run(none, ['--version'], { PGLC_NO_CODE_CACHE: '1' }).trim(), version);
      assert.deepEqual(readdirSync(none), []);
    } finally {
      rmSync(none, { recursive: true, force: true });
    }
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
