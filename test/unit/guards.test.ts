// The guard table: every operation × protected/unprotected × confirmation missing/wrong/right.
// The expected rules are written out here (not read from guards.ts), so a change to the
// production safety table has to change this test too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGuard, guardRule, type GuardedOperation, type GuardRule } from '../../core/guards';
import { PglcError } from '../../core/errors';

// Typed as a Record so that a new GuardedOperation fails to compile until it is listed here.
const onProtected: Record<GuardedOperation, GuardRule> = {
  migrate: 'allowed',
  'migrate:rollback': 'confirm',
  'migrate:repair': 'confirm',
  restore: 'confirm',
  'backup:delete-recent': 'confirm',
  'migrate:fresh': 'blocked',
  'data:reset': 'blocked',
  'mock:generate': 'blocked',
  'seed:fresh': 'blocked',
  'data:anonymize-in-place': 'blocked',
};

const database = 'shop';
const confirmations: { label: string; value: string | undefined }[] = [
  { label: 'missing', value: undefined },
  { label: 'wrong', value: 'shop_staging' },
  { label: 'wrong case', value: 'Shop' },
  { label: 'with spaces', value: ' shop ' },
  { label: 'empty', value: '' },
  { label: 'right', value: database },
];

type Outcome = 'ok' | 'guard-blocked' | 'confirmation-required' | 'confirmation-mismatch';

function expectedOutcome(rule: GuardRule, isProtected: boolean, confirm: string | undefined): Outcome {
  if (!isProtected || rule === 'allowed') return 'ok';
  if (rule === 'blocked') return 'guard-blocked'; // no confirmation unblocks it
  if (confirm === undefined) return 'confirmation-required';
  return confirm === database ? 'ok' : 'confirmation-mismatch';
}

function outcome(op: GuardedOperation, env: { name: string; protected: boolean }, confirm: string | undefined): { code: Outcome; error?: PglcError } {
  try {
    checkGuard(op, env, database, confirm);
    return { code: 'ok' };
  } catch (e) {
    assert.ok(e instanceof PglcError, `checkGuard threw a non-PglcError: ${String(e)}`);
    return { code: e.code as Outcome, error: e };
  }
}

for (const [op, rule] of Object.entries(onProtected) as [GuardedOperation, GuardRule][]) {
  for (const isProtected of [false, true]) {
    const env = { name: isProtected ? 'prod' : 'staging', protected: isProtected };
    test(`guard: ${op} on ${isProtected ? 'protected' : 'unprotected'} environment`, () => {
      assert.equal(guardRule(op, env), isProtected ? rule : 'allowed');
      for (const c of confirmations) {
        const got = outcome(op, env, c.value);
        assert.equal(got.code, expectedOutcome(rule, isProtected, c.value), `confirmation ${c.label}`);
        if (got.error) {
          const e = got.error;
          assert.ok(e.what.length > 0 && e.why.length > 0 && e.fix.length > 0, 'what / why / fix are all present');
          assert.ok(`${e.what} ${e.why}`.includes(`"${env.name}"`), 'the environment is named');
          assert.deepEqual(e.details, { environment: env.name, database, operation: op });
          if (e.code === 'confirmation-required') assert.ok(e.fix.includes(`--confirm ${database}`));
          if (e.code === 'confirmation-mismatch') {
            assert.ok(e.why.includes(`"${c.value}"`) && e.why.includes(`"${database}"`));
            assert.ok(e.fix.includes('nothing was changed'));
          }
          if (e.code === 'guard-blocked') assert.ok(e.why.includes('protected'));
        }
      }
    });
  }
}

test('the guard table covers every operation once', () => {
  assert.equal(Object.keys(onProtected).length, 10);
  assert.deepEqual(
    Object.values(onProtected).reduce<Record<string, number>>((acc, r) => ({ ...acc, [r]: (acc[r] ?? 0) + 1 }), {}),
    { allowed: 1, confirm: 4, blocked: 5 },
  );
});
