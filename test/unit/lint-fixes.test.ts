// Quick fixes of the rules whose fix rewrites SQL text, applied to their fixtures until nothing is
// left to fix: the text must still parse after every fix, and the rule must report nothing at the
// end — a fix that leaves the finding, or breaks the statement, would be a trap in the editor.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { LintFinding } from '../../core/lint/finding';
import { loadSqlParser, parseStatementsSync } from '../../core/sql/parse';
import { lintCase, loadLintCases, type LintCase } from '../fixtures/lint/harness';

before(loadSqlParser);

const RULES = ['non-idempotent-ddl', 'require-statement-timeout', 'require-lock-timeout'];

function apply(text: string, f: LintFinding): string {
  const fix = f.fixes.find((x) => x.preferred) ?? f.fixes.find((x) => !x.generic);
  assert.ok(fix, `${f.rule} offers a fix of its own`);
  let out = text;
  // edits do not overlap: apply from the end so offsets stay valid
  for (const e of [...fix.edits].sort((a, b) => ('start' in b ? b.start : 0) - ('start' in a ? a.start : 0))) {
    assert.ok('start' in e, 'edits in the file itself');
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  }
  return out;
}

test('the preferred fix of each finding leaves SQL that parses, until the rule has nothing left to report', () => {
  for (const rule of RULES) {
    const cases = loadLintCases().filter((c) => c.spec.findings.some((f) => f.rule === rule));
    assert.ok(cases.length > 0, `${rule} has fixtures that fire`);
    for (const c of cases) {
      let text = c.text;
      for (let round = 0; ; round++) {
        const f = lintCase({ ...c, text } as LintCase).findings.find((x) => x.rule === rule);
        if (!f) break;
        assert.ok(round < 20, `${c.rule}/${c.name}: ${rule} still reports after 20 fixes:\n${text}`);
        text = apply(text, f);
        const body = text.replace(/^--.*$/gm, '');
        const parsed = parseStatementsSync(body);
        assert.ok(parsed.ok, `${c.rule}/${c.name}: the fix of ${rule} leaves SQL that parses:\n${text}`);
      }
    }
  }
});
