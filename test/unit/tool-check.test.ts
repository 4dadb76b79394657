// Which client tool pglc runs against a server: data-driven cases over fake bin dirs whose
// tools only print a version (test/fixtures/fake-tools/cases.json), plus the real search.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseClientTool, requireClientTool, type ClientTool } from '../../core/db/tool-check';
import type { ServerVersion } from '../../core/db/server-info';
import { PglcError } from '../../core/errors';
import { findServerBinDir, toolVersion } from '../../core/db/pg-binaries';
import { runProcess } from '../../core/process/run-process';

const fixtures = join(__dirname, '../fixtures/fake-tools');

interface Case {
  name: string;
  tool: ClientTool;
  server: number | ServerVersion;
  dirs: string[];
  preferred?: string;
  expect:
    | { dir: string; major: number; full: string }
    | { error: string; what?: string; details?: Record<string, unknown> };
}

const cases = JSON.parse(readFileSync(join(fixtures, 'cases.json'), 'utf8')) as Case[];

for (const c of cases) {
  test(`tool choice: ${c.name}`, async () => {
    const dirs = c.dirs.map((d) => join(fixtures, d));
    const preferred = c.preferred ? join(fixtures, c.preferred) : undefined;
    const run = chooseClientTool(c.tool, c.server, dirs, preferred);
    if ('error' in c.expect) {
      const expected = c.expect;
      await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof PglcError, `expected a PglcError, got ${String(e)}`);
        assert.equal(e.code, expected.error);
        if (expected.what) assert.equal(e.what, expected.what);
        for (const [k, v] of Object.entries(expected.details ?? {})) assert.deepEqual(e.details?.[k], v, `details.${k}`);
        assert.match(e.fix, /postgresql-client-\d+|PGLC_PG_BINDIR/);
        return true;
      });
    } else {
      const found = await run;
      assert.deepEqual(found, { path: join(fixtures, c.expect.dir, c.tool), major: c.expect.major, full: c.expect.full });
    }
  });
}

test('tools-too-old says why and how to fix, naming the server major', async () => {
  await assert.rejects(chooseClientTool('pg_dump', { num: 160002, major: 16, text: '16.2' }, [join(fixtures, 'v14')]), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.match(e.why, /pg_dump cannot dump a server of a newer major version/);
    assert.match(e.fix, /Install postgresql-client-16 .*or set PGLC_PG_BINDIR/);
    return true;
  });
});

test('requireClientTool finds a real pg_dump able to dump the installed server', async () => {
  const server = await toolVersion(join(await findServerBinDir(process.env), 'postgres'));
  const found = await requireClientTool('pg_dump', server.major, process.env);
  assert.ok(found.major >= server.major, `${found.full} < ${server.full}`);
  const r = await runProcess(found.path, ['--version']);
  assert.match(r.stdout, new RegExp(`^pg_dump \\(PostgreSQL\\) ${found.full.replace(/\./g, '\\.')}`));
});

test('requireClientTool: PGLC_PG_BINDIR with only an older tool is passed over for the real one', async () => {
  const found = await requireClientTool('pg_dump', 10, { ...process.env, PGLC_PG_BINDIR: join(fixtures, 'v9') });
  assert.notEqual(found.path, join(fixtures, 'v9', 'pg_dump'));
  assert.ok(found.major >= 10);
});

test('requireClientTool: a server newer than every installed tool is tools-too-old naming both versions', async () => {
  await assert.rejects(requireClientTool('pg_dump', { num: 990001, major: 99, text: '99.1' }, process.env), (e: unknown) => {
    assert.ok(e instanceof PglcError);
    assert.equal(e.code, 'tools-too-old');
    assert.match(e.what, /^pg_dump \d+\.\d+ is older than the server \(PostgreSQL 99\.1\)$/);
    assert.equal(e.details?.serverVersion, '99.1');
    return true;
  });
});
