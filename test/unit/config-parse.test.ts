// pglc.toml parsing: every valid fixture gives its expected ProjectConfig, every invalid one a
// config-invalid error that names the key (and line) — and never echoes a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseProjectConfig } from '../../core/config/load-config';
import { PglcError } from '../../core/errors';

const fixtures = join(__dirname, '../fixtures/config');
const root = '/projects/shop';
const file = `${root}/pglc.toml`;

function cases(dir: string): string[] {
  return readdirSync(join(fixtures, dir)).filter((f) => f.endsWith('.toml')).map((f) => f.slice(0, -'.toml'.length)).sort();
}

function fullText(e: PglcError): string {
  return `${e.message}\n${e.fix}\n${JSON.stringify(e.toPayload())}`;
}

test('the fixture folders are not empty', () => {
  assert.ok(cases('valid').length >= 5);
  assert.ok(cases('invalid').length >= 20);
});

for (const name of cases('valid')) {
  test(`valid: ${name}`, () => {
    const text = readFileSync(join(fixtures, 'valid', `${name}.toml`), 'utf8');
    const config = parseProjectConfig(text, { root, file, env: {} });
    const { root: r, file: f, ...rest } = config;
    assert.equal(r, root);
    assert.equal(f, file);
    const expected = JSON.parse(readFileSync(join(fixtures, 'valid', `${name}.expected.json`), 'utf8'));
    assert.deepEqual(JSON.parse(JSON.stringify(rest)), expected);
  });
}

for (const name of cases('invalid')) {
  test(`invalid: ${name}`, () => {
    const text = readFileSync(join(fixtures, 'invalid', `${name}.toml`), 'utf8');
    const expectedFile = join(fixtures, 'invalid', `${name}.expected.json`);
    assert.ok(existsSync(expectedFile), `missing ${expectedFile}`);
    const expected = JSON.parse(readFileSync(expectedFile, 'utf8')) as { code: string; mentions: string[]; secret?: string };
    assert.throws(
      () => parseProjectConfig(text, { root, file, env: {} }),
      (e: unknown) => {
        assert.ok(e instanceof PglcError, `expected a PglcError, got ${String(e)}`);
        assert.equal(e.code, expected.code);
        const all = fullText(e);
        for (const m of expected.mentions) assert.ok(all.includes(m), `message should mention ${JSON.stringify(m)}:\n${all}`);
        if (expected.secret) assert.ok(!all.includes(expected.secret), `message leaks the secret:\n${all}`);
        return true;
      },
    );
  });
}

test('the file is named in errors, and the key in details', () => {
  try {
    parseProjectConfig('[environments.prod]\nprotectd = true\n', { root, file, env: {} });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof PglcError);
    assert.equal(e.details?.key, 'environments.prod.protectd');
    assert.equal(e.details?.line, 2);
    assert.equal(e.details?.suggestion, 'protected');
    assert.ok(e.fix.includes(file));
  }
});
