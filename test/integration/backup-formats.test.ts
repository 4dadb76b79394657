// Every format × compression × encryption combination makes a backup that verify accepts and
// pg_restore (or psql) reads; one backup per format restores into identical data; the scopes
// and --tables produce what they say.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../harness/database';
import { createBackup } from '../../core/backup/create';
import { verifyBackup } from '../../core/backup/verify';
import { decryptBackup } from '../../core/backup/decrypt';
import { listBackups } from '../../core/backup/list';
import { parseCompression } from '../../core/backup/compression';
import { generateKey } from '../../core/crypto/backup-key';
import { runProcess } from '../../core/process/run-process';
import type { BackupFormat } from '../../protocol/index';
import { fingerprint, manyTypesSql } from '../fixtures/backup/fingerprint';
import { ctxFor, openedFor, tempRoot } from '../fixtures/backup/opened';

const key = generateKey();

function pgEnv(db: TestDatabase): Record<string, string | undefined> {
  return { PATH: process.env.PATH, PGHOST: db.target.host, PGPORT: String(db.target.port), PGUSER: db.target.user, PGPASSWORD: db.target.password };
}

describe('backup formats, compressions and encryption', () => {
  let source: TestDatabase;
  before(async () => {
    source = await createTestDatabase('bkfmt');
    await source.query(manyTypesSql);
  });
  after(async () => source.drop());

  for (const format of ['custom', 'directory', 'plain'] as BackupFormat[]) {
    for (const compress of ['zstd', 'gzip:9', 'none']) {
      for (const encrypt of [true, false]) {
        it(`${format}, ${compress}, ${encrypt ? 'encrypted' : 'not encrypted'}: verify accepts it, pg_restore reads it`, async (t) => {
          const root = tempRoot(t);
          const opened = openedFor(source, root, { BACKUP_ENCRYPTION_KEY: key.key });
          const ctx = ctxFor(opened);
          const m = await createBackup(opened, { format, compression: parseCompression(compress), encrypt, jobs: format === 'directory' ? 2 : undefined, chunkSize: 64 * 1024 }, ctx);
          assert.equal(m.encryption.algorithm, encrypt ? 'aes-256-gcm-chunked' : 'none');
          assert.equal(m.compression.algorithm, compress.split(':')[0]);
          for (const f of m.files) {
            assert.equal(f.name.endsWith('.enc'), encrypt, f.name);
            if (format === 'directory') assert.match(f.name, /^dump\/(toc\.dat|\d+\.dat|blob_\d+\.dat|blobs\.toc)(\.zst|\.gz)?(\.enc)?$/);
          }
          if (format === 'directory') assert.ok(m.files.some((f) => f.name.startsWith('dump/toc.dat')));
          assert.deepEqual(readdirSync(join(root, 'backups', m.id)).filter((n) => n !== 'dump').sort(), ['manifest.json', ...(format === 'directory' ? [] : [m.files[0]!.name])].sort(), 'no staging or partial files left');

          const v = await verifyBackup(opened.project, opened.vars, m.id, {}, ctx);
          assert.equal(v.ok, true);
          const out = join(root, format === 'plain' ? 'out.sql' : 'out.dump');
          const d = await decryptBackup(opened.project, opened.vars, m.id, out, {}, ctx);
          if (format === 'plain') {
            const sql = readFileSync(out, 'utf8');
            assert.match(sql, /COPY billing\."Invoices" /);
            assert.match(sql, /-- PostgreSQL database dump complete\n/);
          } else {
            const list = await runProcess('pg_restore', ['--list', out]);
            assert.equal(list.code, 0, list.stderr);
            assert.match(list.stdout, /TABLE DATA public users/);
            assert.match(list.stdout, /BLOBS|BLOB/);
          }
          assert.ok(d.bytes > 0);
        });
      }
    }
  }

  for (const format of ['custom', 'directory', 'plain'] as BackupFormat[]) {
    it(`${format}: decrypted and restored, the data is identical`, async (t) => {
      const root = tempRoot(t);
      const target = await createTestDatabase('bkfmtcopy');
      t.after(() => target.drop());
      const opened = openedFor(source, root, { BACKUP_ENCRYPTION_KEY: key.key });
      const ctx = ctxFor(opened);
      const m = await createBackup(opened, { format, encrypt: true, jobs: format === 'directory' ? 2 : undefined }, ctx);
      const out = join(root, 'restored');
      await decryptBackup(opened.project, opened.vars, m.id, out, {}, ctx);
      const r = format === 'plain'
        ? await runProcess('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', target.name, '-f', out], { env: pgEnv(target) })
        : await runProcess('pg_restore', ['--exit-on-error', '-j', '2', '-d', target.name, out], { env: pgEnv(target) });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(await fingerprint((s) => target.query(s)), await fingerprint((s) => source.query(s)));
    });
  }

  it('schema-only, data-only and --tables back up what they say, and verify accepts them', async (t) => {
    const root = tempRoot(t);
    const opened = openedFor(source, root);
    const ctx = ctxFor(opened);
    const schema = await createBackup(opened, { scope: 'schema-only' }, ctx);
    const data = await createBackup(opened, { scope: 'data-only', format: 'plain' }, ctx);
    const some = await createBackup(opened, { tables: ['billing.*', 'users'], name: 'some' }, ctx);
    assert.equal(schema.scope, 'schema-only');
    assert.ok(schema.tables.every((x) => x.rows === undefined), 'no row counts without data');
    assert.equal(schema.largeObjects, undefined);
    assert.equal(data.tables.find((x) => x.name === 'users')?.rows, 500);
    assert.deepEqual(some.tables.map((x) => `${x.schema}.${x.name}:${x.rows}`), ['billing.Invoices:1200', 'public.users:500']);
    assert.deepEqual(some.tablesFilter, ['billing.*', 'users']);
    for (const m of [schema, data, some]) assert.equal((await verifyBackup(opened.project, opened.vars, m.id, {}, ctx)).ok, true);
    const listed = await listBackups(opened.project, { environment: 'test' }, ctx);
    assert.deepEqual(listed.backups.map((b) => b.scope).sort(), ['data-only', 'full', 'schema-only']);
    assert.ok(listed.backups.every((b) => b.lastVerifyResult === 'ok'));
    const sql = await decryptBackup(opened.project, opened.vars, data.id, join(root, 'data.sql'), {}, ctx);
    assert.doesNotMatch(readFileSync(sql.output, 'utf8'), /CREATE TABLE/);
    await assert.rejects(verifyBackup(opened.project, opened.vars, data.id, { deep: true }, ctx), (e: { code?: string }) => e.code === 'backup-unsupported');
  });
});
