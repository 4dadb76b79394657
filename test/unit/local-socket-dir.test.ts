// Where the embedded cluster's unix socket goes: a temp dir the server's OS user can enter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { socketBase } from '../../core/db/local-cluster-state';

test('socketBase: a private TMPDIR is replaced by /tmp when the server runs as another user (root)', (t) => {
  const open = mkdtempSync(join(tmpdir(), 'pglc-open-'));
  const closed = mkdtempSync(join(tmpdir(), 'pglc-private-'));
  t.after(() => { rmSync(open, { recursive: true, force: true }); rmSync(closed, { recursive: true, force: true }); });
  chmodSync(open, 0o711);
  chmodSync(closed, 0o700);
  const cases: [string, boolean, string][] = [
    [open, true, open],
    [closed, true, '/tmp'],
    [join(closed, 'missing'), true, '/tmp'],
    [closed, false, closed], // not root: the server runs as us and can enter our private dir
  ];
  for (const [dir, asRoot, expected] of cases) assert.equal(socketBase(dir, asRoot), expected, `${dir} asRoot=${asRoot}`);
});
