// CodeLens from fixture files and the status the client sent (test/fixtures/server/status):
// Apply on pending migrations (counting earlier pending ones), Rollback on the last applied one,
// applied time and duration, modified / out-of-order warnings, the client's problem.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeCodeLenses, formatAppliedAt } from '../../server/code-lens';
import { casesWith, expectFixture, loadCases } from '../fixtures/server/harness';

test('code lenses of the fixture cases', async (t) => {
  for (const c of casesWith(await loadCases(), 'lenses')) {
    await t.test(c.name, () => {
      const lenses = computeCodeLenses(c.model, c.document, { path: c.path, ...(c.statusParams ? { status: c.statusParams } : {}), timeZone: 'UTC' });
      expectFixture(c, 'lenses', lenses.map((l) => ({
        line: l.range.start.line + 1,
        title: l.command?.title,
        command: l.command?.command,
        ...(l.command?.arguments ? { arguments: l.command.arguments } : {}),
      })));
    });
  }
});

test('applied times are shown in the given zone, minutes precision', () => {
  assert.equal(formatAppliedAt('2026-11-20T14:02:59.900Z', 'UTC'), '2026-11-20 14:02');
  assert.equal(formatAppliedAt('2026-11-20T23:30:00Z', 'Europe/Berlin'), '2026-11-21 00:30');
  assert.equal(formatAppliedAt('not a date', 'UTC'), 'not a date');
});
