// What pg_dump / pg_restore / psql are given: arguments without any secret (where to connect
// and the password go through PG* variables), pglc compressing instead of pg_dump, and a
// --dbname value that cannot be read as connection parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pgDumpArgs } from '../../core/backup/create';
import { pgToolEnv, offlineToolEnv } from '../../core/backup/pg-tool-env';
import { conninfoDbname, originalName } from '../../core/backup/restore-into';
import { isErrorLine } from '../../core/backup/pg-dump-process';
import type { BackupManifest } from '../../protocol/index';

for (const [name, input, expected] of [
  ['custom, full', { format: 'custom', scope: 'full', snapshot: '00000003-0000001B-1' }, ['--verbose', '--no-password', '--format=custom', '--compress=0', '--snapshot=00000003-0000001B-1']],
  ['plain, schema only', { format: 'plain', scope: 'schema-only' }, ['--verbose', '--no-password', '--format=plain', '--compress=0', '--schema-only']],
  ['directory, data only, tables, jobs', { format: 'directory', scope: 'data-only', tables: ['public.users', 'app.*'], jobs: 4 },
    ['--verbose', '--no-password', '--format=directory', '--compress=0', '--data-only', '--table=public.users', '--table=app.*', '--jobs=4']],
  ['jobs 1 adds nothing', { format: 'directory', scope: 'full', jobs: 1 }, ['--verbose', '--no-password', '--format=directory', '--compress=0']],
] as const) {
  test(`pg_dump arguments: ${name}`, () => assert.deepEqual(pgDumpArgs({ ...input, tables: 'tables' in input ? [...input.tables] : undefined }), expected));
}

test('the connection and the password travel in PG* variables; the user\'s PG* cannot redirect the tool', () => {
  const env = pgToolEnv(
    { host: 'db.example.com', port: 6543, database: 'shop', user: 'app', password: 's3cret', sslmode: 'require' },
    { PATH: '/usr/bin', PGHOST: 'evil.example.com', PGDATABASE: 'other', PGSERVICE: 'x', PGSSLROOTCERT: '/ca.pem', DATABASE_URL: 'postgres://u:p@h/d' },
  );
  assert.deepEqual(env, {
    PATH: '/usr/bin', PGSSLROOTCERT: '/ca.pem', PGHOST: 'db.example.com', PGPORT: '6543', PGUSER: 'app', PGDATABASE: 'shop', PGPASSWORD: 's3cret',
    PGSSLMODE: 'require', PGAPPNAME: 'pglc backup', PGCONNECT_TIMEOUT: '15', LC_MESSAGES: 'C', LC_ALL: 'C', LANG: 'C',
  });
  assert.equal(pgToolEnv({ host: '/tmp/sock', port: 5432, database: 'd', user: 'u' }, {}).PGSSLMODE, 'disable');
  assert.deepEqual(Object.keys(offlineToolEnv({ PATH: '/bin', PGPASSWORD: 'x', PGHOST: 'h' })).sort(), ['LANG', 'LC_ALL', 'LC_MESSAGES', 'PATH']);
});

test('--dbname names only a database, even one that looks like connection parameters', () => {
  assert.equal(conninfoDbname('shop'), "dbname='shop'");
  assert.equal(conninfoDbname("host=evil it's"), "dbname='host=evil it\\'s'");
  assert.equal(conninfoDbname('back\\slash'), "dbname='back\\\\slash'");
});

test("stored names map back to pg_dump's names", () => {
  const m = (format: string, algorithm: string, enc: boolean) =>
    ({ format, compression: { algorithm }, encryption: enc ? { algorithm: 'aes-256-gcm-chunked', keyId: '0'.repeat(16), chunkSize: 1 } : { algorithm: 'none' } }) as unknown as BackupManifest;
  const f = (name: string) => ({ name, size: 1, sha256: '0'.repeat(64) });
  assert.equal(originalName(m('directory', 'zstd', true), f('dump/3012.dat.zst.enc')), '3012.dat');
  assert.equal(originalName(m('directory', 'gzip', false), f('dump/toc.dat.gz')), 'toc.dat');
  assert.equal(originalName(m('directory', 'none', false), f('dump/blobs.toc')), 'blobs.toc');
  assert.equal(originalName(m('custom', 'zstd', true), f('dump.pgcustom.zst.enc')), 'dump.pgcustom');
});

test("pg_dump's, pg_restore's and psql's error lines are told apart from their verbose output", () => {
  for (const l of ['pg_dump: error: query failed: ERROR:  permission denied for table secret', 'pg_dump: detail: Query was: LOCK TABLE public.secret',
    'pg_restore: error: could not execute query: ERROR:  relation "t" already exists', 'psql:<stdin>:12: ERROR:  relation "items" already exists',
    'pg_dump: [archiver (db)] query failed: ERROR:  x', 'pg_restore: warning: errors ignored on restore: 3']) {
    assert.ok(isErrorLine(l), l);
  }
  for (const l of ['pg_dump: dumping contents of table "public.users"', 'pg_dump: finished item 3012 TABLE DATA users', 'pg_restore: creating TABLE "public.users"']) {
    assert.ok(!isErrorLine(l), l);
  }
});
