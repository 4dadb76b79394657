// Data-driven: every test/fixtures/anonymize/rules/*.yaml parses into its .expected.json — the
// rules, or the error (code, line, message). Plus the replacer: deterministic per key, masks keep
// the shape, keyed hashes differ from plain SHA-256, redraws differ; and generator inference.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseRules } from '../../core/anonymize/rules-file';
import { makeReplacer } from '../../core/anonymize/replacer';
import { inferGenerator } from '../../core/anonymize/resolve-rules';
import { PglcError } from '../../core/errors';

const dir = join(__dirname, '../fixtures/anonymize/rules');

function outcome(file: string): unknown {
  try {
    const spec = parseRules(readFileSync(join(dir, file), 'utf8'), file);
    return {
      seed: spec.seed,
      tables: Object.fromEntries([...spec.tables].map(([t, v]) => [t, Object.fromEntries([...v.columns].map(([c, r]) => [c, r]))])),
      skip: spec.skip,
    };
  } catch (e) {
    if (!(e instanceof PglcError)) throw e;
    return { error: e.code, what: e.what };
  }
}

describe('anonymization rules files', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    it(file, () => {
      const expectedFile = join(dir, file.replace(/\.yaml$/, '.expected.json'));
      const got = JSON.parse(JSON.stringify(outcome(file)));
      if (process.env.UPDATE_FIXTURES === '1' || !existsSync(expectedFile)) writeFileSync(expectedFile, JSON.stringify(got, null, 2) + '\n');
      assert.deepEqual(got, JSON.parse(readFileSync(expectedFile, 'utf8')));
      assert.equal(file.startsWith('invalid-'), 'error' in (got as object), 'invalid-* files fail, others parse');
    });
  }
});

describe('replacements', () => {
  const key = Buffer.from('k'.repeat(32));
  it('the same value and key give the same fake; another key another one; a redraw differs', () => {
    const fake = makeReplacer({ strategy: 'fake', generator: 'internet.exampleEmail' }, key);
    const other = makeReplacer({ strategy: 'fake', generator: 'internet.exampleEmail' }, Buffer.from('x'.repeat(32)));
    assert.equal(fake('ann@corp.example', 0), fake('ann@corp.example', 0));
    assert.notEqual(fake('ann@corp.example', 0), other('ann@corp.example', 0));
    assert.notEqual(fake('ann@corp.example', 0), fake('ann@corp.example', 1));
    assert.match(fake('ann@corp.example', 0), /@example\.(com|net|org)$/);
  });
  it('mask keeps separators, letter and digit classes, and keep_last', () => {
    const mask = makeReplacer({ strategy: 'mask', keepLast: 4 }, key);
    const out = mask('+1 (555) 010-4242', 0);
    assert.match(out, /^\+\d \(\d{3}\) \d{3}-4242$/);
    assert.notEqual(out, '+1 (555) 010-4242');
    const star = makeReplacer({ strategy: 'mask', maskChar: '*' }, key);
    assert.equal(star('ab-12', 0), '**-**');
  });
  it('keyed hashes are not the plain SHA-256; unkeyed ones are', () => {
    const plain = makeReplacer({ strategy: 'hash', keyed: false }, key);
    const keyed = makeReplacer({ strategy: 'hash', keyed: true }, key);
    const sha = createHash('sha256').update('123-45-6789').digest('hex');
    assert.equal(plain('123-45-6789', 0), sha);
    assert.notEqual(keyed('123-45-6789', 0), sha);
    assert.match(keyed('123-45-6789', 0), /^[0-9a-f]{64}$/);
  });
  const cases: [string, string, string, string | undefined][] = [
    ['email', 'S', 'text', 'internet.exampleEmail'],
    ['first_name', 'S', 'text', 'person.firstName'],
    ['phone_number', 'S', 'text', 'phone.number'],
    ['last_ip', 'I', 'inet', 'internet.ipv4'],
    ['birth_date', 'D', 'date', 'date.birthdate'],
    ['total', 'N', 'numeric', undefined],
  ];
  for (const [column, category, baseType, generator] of cases) {
    it(`infers ${generator ?? 'nothing'} for ${column} ${baseType}`, () => {
      assert.equal(inferGenerator({ column, category, baseType })?.generator, generator);
    });
  }
});
