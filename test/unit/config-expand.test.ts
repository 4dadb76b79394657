// ${VAR} expansion (fixture table) and the .env / process environment precedence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandVars, referencedVars } from '../../core/config/expand-vars';
import { effectiveEnv, mergeEnv, readDotenv } from '../../core/config/dotenv';
import { PglcError } from '../../core/errors';

interface Case {
  name: string;
  text: string;
  env: Record<string, string>;
  expected?: string;
  error?: { code: string; mentions: string[]; secret?: string };
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../fixtures/config/expand.json'), 'utf8')) as { cases: Case[] };

for (const c of cases) {
  test(`expand: ${c.name}`, () => {
    const run = () => expandVars(c.text, c.env, { where: 'Environment "staging"', envFile: '/projects/shop/.env' });
    if (c.error) {
      const err = c.error;
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof PglcError);
        assert.equal(e.code, err.code);
        const all = `${e.message}\n${e.fix}\n${JSON.stringify(e.toPayload())}`;
        for (const m of err.mentions) assert.ok(all.includes(m), `should mention ${JSON.stringify(m)}:\n${all}`);
        if (err.secret) assert.ok(!all.includes(err.secret), `leaks ${err.secret}:\n${all}`);
        return true;
      });
    } else {
      assert.equal(run(), c.expected);
    }
  });
}

test('the unset-variable fix names the .env file and the variable is in details', () => {
  try {
    expandVars('${STAGING_DATABASE_URL}', {}, { where: 'Environment "staging"', envFile: '/projects/shop/.env' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof PglcError);
    assert.equal(e.what, 'Environment "staging" uses ${STAGING_DATABASE_URL}, which is not set');
    assert.match(e.fix, /^Set it in your shell or in \.env \(\/projects\/shop\/\.env\)/);
    assert.equal(e.details?.variable, 'STAGING_DATABASE_URL');
  }
});

test('referencedVars lists each referenced name once', () => {
  assert.deepEqual(referencedVars('postgres://${U}:${P:-x}@${H}/${U}'), ['U', 'P', 'H']);
  assert.deepEqual(referencedVars('postgres://h/db'), []);
});

test('.env is read with node\'s parser and the process environment wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-dotenv-'));
  try {
    writeFileSync(
      join(dir, '.env'),
      [
        '# comment',
        'DATABASE_URL=postgres://app:fromfile@db/shop',
        'STAGING_DATABASE_URL="postgres://app@staging/shop"',
        "QUOTED='a b # not a comment'",
        'export EXPORTED=yes',
        'SHARED=file',
        '',
      ].join('\n'),
    );
    const fromFile = readDotenv(dir);
    assert.equal(fromFile.DATABASE_URL, 'postgres://app:fromfile@db/shop');
    assert.equal(fromFile.STAGING_DATABASE_URL, 'postgres://app@staging/shop');
    assert.equal(fromFile.QUOTED, 'a b # not a comment');
    assert.equal(fromFile.EXPORTED, 'yes');

    const vars = effectiveEnv(dir, { SHARED: 'shell', ONLY_SHELL: '1', UNDEFINED_IN_SHELL: undefined });
    assert.equal(vars.SHARED, 'shell', 'the process environment wins over .env');
    assert.equal(vars.DATABASE_URL, 'postgres://app:fromfile@db/shop', '.env fills what the shell lacks');
    assert.equal(vars.ONLY_SHELL, '1');
    assert.ok(!('UNDEFINED_IN_SHELL' in vars));
    // An undefined process entry does not hide a .env value.
    assert.equal(mergeEnv({ A: 'file' }, { A: undefined }).A, 'file');
    // An empty exported value still wins (the user set it on purpose).
    assert.equal(mergeEnv({ A: 'file' }, { A: '' }).A, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing .env is an empty set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pglc-dotenv-'));
  try {
    assert.deepEqual(readDotenv(dir), {});
    assert.deepEqual(effectiveEnv(dir, { A: '1' }), { A: '1' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
