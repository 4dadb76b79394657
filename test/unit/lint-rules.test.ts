// Every lint rule against its fixtures (test/fixtures/lint/<rule>/): positives, and the false
// positives other linters are known for as negatives (a table created in the same migration, a
// DEFAULT on PostgreSQL 11+, a generated column, a migration that runs outside a transaction).
// Also checks that every rule has fixtures that show it firing and staying quiet.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES, DOCUMENT_RULES, STATEMENT_RULES } from '../../core/lint/rules/index';
import { loadSqlParser } from '../../core/sql/parse';
import { describeFindings, expectFindings, lintCase, loadLintCases } from '../fixtures/lint/harness';

before(loadSqlParser);

test('lint fixture cases', async (t) => {
  for (const c of loadLintCases()) {
    await t.test(`${c.rule}/${c.name}`, () => {
      const { findings, text } = lintCase(c);
      expectFindings(c, describeFindings(findings, text));
      for (const f of findings) {
        assert.ok(f.start >= 0 && f.end <= text.length && f.start <= f.end, `${f.rule}: range ${f.start}-${f.end} lies in the file`);
      }
    });
  }
});

test('every rule has a fixture where it fires and one where it stays quiet', () => {
  const cases = loadLintCases();
  for (const rule of [...STATEMENT_RULES, ...DOCUMENT_RULES]) {
    const mine = cases.filter((c) => c.rule === rule.name);
    assert.ok(mine.some((c) => c.spec.findings.some((f) => f.rule === rule.name)), `test/fixtures/lint/${rule.name}/ has a case where ${rule.name} fires`);
    assert.ok(mine.some((c) => !c.spec.findings.some((f) => f.rule === rule.name)), `test/fixtures/lint/${rule.name}/ has a case where ${rule.name} stays quiet`);
  }
});

test('every rule has its section in docs/lint.md (the diagnostics link to it)', () => {
  const doc = readFileSync(join(__dirname, '../../docs/lint.md'), 'utf8');
  for (const rule of ALL_RULES) assert.match(doc, new RegExp(`^### ${rule.name}$`, 'm'), `docs/lint.md has "### ${rule.name}"`);
});
