// resolveEnvironment's rules (fixture table; the key safety rule: DATABASE_URL never redirects
// the embedded local), listEnvironments, and embedded database names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProjectConfig } from '../../core/config/load-config';
import { embeddedDatabaseName, listEnvironments, passwordVariable, resolveEnvironment } from '../../core/config/resolve-environment';
import { PglcError } from '../../core/errors';

const fixtures = join(__dirname, '../fixtures/config');
const baseToml = readFileSync(join(fixtures, 'resolve.toml'), 'utf8');
const root = '/projects/shop';

interface Case {
  name: string;
  toml?: string;
  env: Record<string, string>;
  resolve: string;
  expected?: Record<string, unknown>;
  error?: { code: string; mentions: string[]; secret?: string };
}
const { cases } = JSON.parse(readFileSync(join(fixtures, 'resolve.json'), 'utf8')) as { cases: Case[] };

function project(toml: string, env: Record<string, string> = {}) {
  return parseProjectConfig(toml, { root, file: `${root}/pglc.toml`, env });
}

for (const c of cases) {
  test(`resolve: ${c.name}`, () => {
    const p = project(c.toml ?? baseToml, c.env);
    if (c.error) {
      const err = c.error;
      assert.throws(() => resolveEnvironment(p, c.resolve, c.env), (e: unknown) => {
        assert.ok(e instanceof PglcError, String(e));
        assert.equal(e.code, err.code);
        const all = `${e.message}\n${e.fix}\n${JSON.stringify(e.toPayload())}`;
        for (const m of err.mentions) assert.ok(all.includes(m), `should mention ${JSON.stringify(m)}:\n${all}`);
        if (err.secret) assert.ok(!all.includes(err.secret), `leaks ${err.secret}:\n${all}`);
        return true;
      });
    } else {
      assert.deepEqual(resolveEnvironment(p, c.resolve, c.env), c.expected);
    }
  });
}

test('listEnvironments never throws, reports problems, and never shows a password', () => {
  const env = { DATABASE_URL: 'postgres://app:Pr0dPassw0rd@prod.example.com/shop', PGPASSWORD: 'GenericPassw0rd' };
  const list = listEnvironments(project(baseToml), env);
  assert.deepEqual(list, [
    { name: 'local', protected: false, kind: 'embedded', target: 'embedded/shop' },
    {
      name: 'staging', protected: false, kind: 'url',
      problem: 'Environment "staging" uses ${STAGING_DATABASE_URL}, which is not set — the variable STAGING_DATABASE_URL is neither in the environment nor in .env',
      color: 'yellow',
    },
    { name: 'prod', protected: true, kind: 'url', target: 'prod.example.com:5432/shop' },
    { name: 'qa', protected: true, kind: 'url', target: 'prod.example.com:5432/shop' },
    { name: 'prod-eu', protected: true, kind: 'url', target: 'eu.db.example.com:5432/shop' },
  ]);
  const text = JSON.stringify(list);
  assert.ok(!text.includes('Pr0dPassw0rd') && !text.includes('GenericPassw0rd'));
});

test('listEnvironments puts local first even when the file lists it later', () => {
  const p = project('[environments.prod]\nurl = "postgres://h/db"\nprotected = true\n[environments.local]\n');
  assert.deepEqual(listEnvironments(p, {}).map((e) => e.name), ['local', 'prod']);
});

test('embedded database names', () => {
  const table: [string, string | undefined, string][] = [
    ['shop', undefined, 'shop'],
    ['My-Shop 2', undefined, 'my_shop_2'],
    ['2fast', undefined, 'db_2fast'],
    ['--!!--', undefined, 'app'],
    ['', undefined, 'app'],
    ['Ünïcode Café', undefined, 'n_code_caf'],
    ['x'.repeat(80), undefined, 'x'.repeat(63)],
    ['shop', 'Explicit-Name', 'Explicit-Name'],
  ];
  for (const [name, configured, expected] of table) assert.equal(embeddedDatabaseName(name, configured), expected, `${name}`);
});

test('password variable names', () => {
  assert.equal(passwordVariable('prod'), 'PGLC_PASSWORD_PROD');
  assert.equal(passwordVariable('prod-eu.2'), 'PGLC_PASSWORD_PROD_EU_2');
});
