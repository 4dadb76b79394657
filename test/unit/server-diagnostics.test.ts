// Diagnostics from fixture files (test/fixtures/server/cases): every syntax error of a file at
// the token the parser points at (not only the first), psql meta-commands, and the migration
// problems — only in files inside a migration folder.

import { test } from 'node:test';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { computeDiagnostics } from '../../server/diagnostics';
import { casesWith, expectFixture, loadCases, rangeText } from '../fixtures/server/harness';

const SEVERITY: Record<number, string> = {
  [DiagnosticSeverity.Error]: 'error',
  [DiagnosticSeverity.Warning]: 'warning',
  [DiagnosticSeverity.Information]: 'information',
  [DiagnosticSeverity.Hint]: 'hint',
};

test('diagnostics of the fixture cases', async (t) => {
  const cases = casesWith(await loadCases(), 'diagnostics');
  for (const c of cases) {
    await t.test(c.name, () => {
      const actual = computeDiagnostics(c.model, c.document).map((d) => ({
        range: rangeText(d.range),
        severity: SEVERITY[d.severity ?? DiagnosticSeverity.Error],
        code: d.code,
        message: d.message,
      }));
      expectFixture(c, 'diagnostics', actual);
    });
  }
});
