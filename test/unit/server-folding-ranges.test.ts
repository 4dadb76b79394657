// Folding ranges from fixture files: sections (region) and multi-line statements, written
// `first-last[ kind]` with 1-based lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeFoldingRanges } from '../../server/folding-ranges';
import { casesWith, expectFixture, loadCases } from '../fixtures/server/harness';

test('folding ranges of the fixture cases', async (t) => {
  for (const c of casesWith(await loadCases(), 'folding')) {
    await t.test(c.name, () => {
      const ranges = computeFoldingRanges(c.model, c.document);
      for (const r of ranges) assert.ok(r.endLine > r.startLine, 'a folding range covers at least two lines');
      expectFixture(c, 'folding', ranges.map((r) => `${r.startLine + 1}-${r.endLine + 1}${r.kind ? ` ${r.kind}` : ''}`));
    });
  }
});
