// Hovers at the cursor markers `/*|*/` of fixture files: the statement's label and kind, and
// whether it runs inside the migration's transaction (and why not).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MarkupContent } from 'vscode-languageserver';
import { computeHover } from '../../server/hover';
import { casesWith, expectFixture, loadCases, rangeText } from '../fixtures/server/harness';

test('hovers of the fixture cases', async (t) => {
  for (const c of casesWith(await loadCases(), 'hovers')) {
    await t.test(c.name, () => {
      assert.ok(c.cursors.length > 0, `${c.name}.sql has no cursor marker /*|*/`);
      const hovers = c.cursors.map((offset) => {
        const h = computeHover(c.model, c.document, c.document.positionAt(offset));
        return h ? { range: h.range ? rangeText(h.range) : undefined, value: (h.contents as MarkupContent).value } : null;
      });
      expectFixture(c, 'hovers', hovers);
    });
  }
});
