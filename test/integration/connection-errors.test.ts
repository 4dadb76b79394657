// What a user sees when a connection fails, against the real harness server: the right code,
// where it tried (host, port, database), and never the password.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../core/db/connect';
import { PglcError } from '../../core/errors';
import { freePort } from '../../core/db/local-cluster-port';
import { createTestDatabase } from '../harness/database';

function everything(e: PglcError): string {
  return JSON.stringify({ message: e.message, what: e.what, why: e.why, fix: e.fix, details: e.details, payload: e.toPayload() });
}

test('a wrong password is auth-failed and the password appears nowhere in the error', async () => {
  const db = await createTestDatabase('connerr');
  try {
    const wrong = 'Wr0ng-s3cret-' + db.name;
    await assert.rejects(connect({ ...db.target, password: wrong }, { envName: 'staging' }), (e: unknown) => {
      assert.ok(e instanceof PglcError, String(e));
      assert.equal(e.code, 'auth-failed');
      assert.match(e.what, new RegExp(`user "${db.target.user}" on 127\\.0\\.0\\.1:${db.target.port}/${db.name} \\(environment "staging"\\)`));
      assert.match(e.fix, /PGLC_PASSWORD_STAGING/);
      assert.ok(!everything(e).includes(wrong), 'the wrong password leaked into the error');
      assert.ok(!everything(e).includes(db.target.password!), 'the real password leaked into the error');
      return true;
    });
    // The right password works: the failure above was the password, not the setup.
    const c = await connect(db.target);
    await c.end();
  } finally {
    await db.drop();
  }
});

test('no password at all (a URL without one, nothing stored) is auth-failed, so the editor offers Set Password', async () => {
  const db = await createTestDatabase('connerr');
  try {
    const { password: _password, ...withoutPassword } = db.target;
    await assert.rejects(connect(withoutPassword, { envName: 'staging' }), (e: unknown) => {
      assert.ok(e instanceof PglcError, String(e));
      assert.equal(e.code, 'auth-failed');
      assert.match(e.why, /none was given/);
      assert.match(e.fix, /PGLC_PASSWORD_STAGING/);
      return true;
    });
  } finally {
    await db.drop();
  }
});

test('a closed port is server-unreachable naming host, port and database', async () => {
  const port = await freePort();
  const target = { host: '127.0.0.1', port, database: 'appdb', user: 'someone', password: 'pw-not-shown', sslmode: 'disable' as const };
  await assert.rejects(connect(target), (e: unknown) => {
    assert.ok(e instanceof PglcError, String(e));
    assert.equal(e.code, 'server-unreachable');
    assert.ok(e.what.includes(`127.0.0.1:${port}/appdb`), e.what);
    assert.match(e.why, /refused|nothing is listening/);
    assert.deepEqual(e.details, { host: '127.0.0.1', port, database: 'appdb' });
    assert.ok(!everything(e).includes('pw-not-shown'));
    return true;
  });
});

test('a unix socket directory with no server is server-unreachable', async () => {
  const port = await freePort();
  const target = { host: '/nonexistent-pglc-socket-dir', port, database: 'appdb', user: 'someone' };
  await assert.rejects(connect(target), (e: unknown) => {
    assert.ok(e instanceof PglcError, String(e));
    assert.equal(e.code, 'server-unreachable');
    assert.ok(e.what.includes(`/nonexistent-pglc-socket-dir:${port}/appdb`), e.what);
    return true;
  });
});

test('a missing database is database-missing naming it', async () => {
  const db = await createTestDatabase('connerr');
  try {
    const missing = `${db.name}_missing`;
    await assert.rejects(connect({ ...db.target, database: missing }), (e: unknown) => {
      assert.ok(e instanceof PglcError, String(e));
      assert.equal(e.code, 'database-missing');
      assert.ok(e.what.includes(`"${missing}"`), e.what);
      assert.ok(e.what.includes(`127.0.0.1:${db.target.port}`), e.what);
      assert.equal(e.details?.database, missing);
      assert.ok(!everything(e).includes(db.target.password!));
      return true;
    });
  } finally {
    await db.drop();
  }
});
