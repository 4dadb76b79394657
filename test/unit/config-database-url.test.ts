// PostgreSQL URL parsing: the fixture table of valid URLs, and invalid ones whose errors name
// the environment but never contain the URL or its password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDatabaseUrl, parseDatabaseUrl } from '../../core/config/database-url';
import { PglcError } from '../../core/errors';

const table = JSON.parse(readFileSync(join(__dirname, '../fixtures/config/urls.json'), 'utf8')) as {
  valid: { url: string; target: Record<string, unknown> }[];
  invalid: { url: string; mentions: string[]; secret?: string }[];
};

for (const c of table.valid) {
  test(`url: ${c.url}`, () => {
    assert.deepEqual(parseDatabaseUrl(c.url, { envName: 'prod' }), c.target);
  });
}

for (const c of table.invalid) {
  test(`bad url: ${c.url || '(empty)'}`, () => {
    assert.throws(() => parseDatabaseUrl(c.url, { envName: 'prod', source: 'DATABASE_URL' }), (e: unknown) => {
      assert.ok(e instanceof PglcError);
      assert.equal(e.code, 'config-invalid');
      const all = `${e.message}\n${e.fix}\n${JSON.stringify(e.toPayload())}`;
      assert.ok(all.includes('environment "prod"'), `names the environment:\n${all}`);
      assert.ok(all.includes('DATABASE_URL'), `names the source:\n${all}`);
      for (const m of c.mentions) assert.ok(all.includes(m), `should mention ${JSON.stringify(m)}:\n${all}`);
      if (c.url.length > 12) assert.ok(!all.includes(c.url.trim()), `echoes the URL:\n${all}`);
      if (c.secret) assert.ok(!all.includes(c.secret), `leaks the password:\n${all}`);
      return true;
    });
  });
}

test('isDatabaseUrl recognises both schemes', () => {
  assert.equal(isDatabaseUrl('postgres://h/db'), true);
  assert.equal(isDatabaseUrl('PostgreSQL://h/db'), true);
  assert.equal(isDatabaseUrl('mysql://h/db'), false);
  assert.equal(isDatabaseUrl('${DATABASE_URL}'), false);
});
