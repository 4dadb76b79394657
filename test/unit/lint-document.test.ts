// `pglc db lint` cuts a file into sections and statements with core's buildLintDocument; the
// editor lints its own DocumentModel. Both must see the same sections and statements, or the
// CLI and the Problems panel would disagree: this compares them on every lint fixture and its
// fuzzed variants, in pglc, dbmate and plain-file form. buildLintDocument parses a section in one
// call where it can: each span must get the statement and tree parsing it alone gives, and the
// findings must not depend on which way it was parsed.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildLintDocument, parseTogether, type LintDocument, type LintDocumentInfo } from '../../core/lint/document';
import { lintFile } from '../../core/lint/engine/lint-file';
import { clearStatementCache } from '../../core/lint/engine/statement-analysis';
import { createSchemaState, OBJECT_MAPS } from '../../core/lint/schema-state/model';
import { lintSettings } from '../../core/lint/settings';
import { scanSql } from '../../core/sql/lexer';
import { loadSqlParser, parseStatementsSync, type ParsedStatement } from '../../core/sql/parse';
import { splitStatements } from '../../core/sql/split-statements';
import { buildDocumentModel } from '../../server/document-model';
import { fuzzCorpus, fuzzInput } from '../fixtures/lint/fuzz';

before(loadSqlParser);

function shape(d: LintDocument): unknown {
  return {
    sections: d.sections.map((s) => ({ kind: s.kind, start: s.start, end: s.end, mode: s.mode, declared: s.declared, statements: s.statements, hasCode: s.hasCode, marker: s.marker && { start: s.marker.start, end: s.marker.end, line: s.marker.line } })),
    statements: d.statements.map((s) => ({ start: s.start, end: s.end, section: s.section, kind: s.kind, meta: s.meta, error: s.error, noTransaction: s.noTransaction, transactionControl: s.transactionControl })),
  };
}

test('buildLintDocument and the server\'s buildDocumentModel cut files the same way', () => {
  const corpus = fuzzCorpus();
  const texts = [...corpus, ...Array.from({ length: 400 }, (_, i) => fuzzInput(corpus, 11, i))];
  const infos: (LintDocumentInfo | undefined)[] = [
    { format: 'pglc', version: '0002', role: 'sections' },
    { format: 'dbmate', version: '0002', role: 'sections' },
    { format: 'split-files', version: '0002', role: 'down' },
    undefined,
  ];
  let compared = 0;
  for (const [i, text] of texts.entries()) {
    for (const info of infos) {
      const dbmate = info?.format === 'dbmate' ? text.replace(/^-- Up$/m, '-- migrate:up').replace(/^-- Down$/m, '-- migrate:down') : text;
      const core = buildLintDocument(dbmate, info);
      const server = buildDocumentModel(dbmate, 1, info) as unknown as LintDocument;
      assert.deepEqual(shape(server), shape(core), `text ${i} as ${info ? `${info.format}/${info.role}` : 'plain file'}`);
      compared++;
    }
  }
  assert.ok(compared > 1000);
});

/** Equal parse trees, a location of `a` counted `base` bytes further than `b`'s (-1, no location, stays). */
function sameTree(a: unknown, b: unknown, base: number, path: string): void {
  if (typeof a !== 'object' || a === null) return assert.equal(a, b, path);
  assert.equal(Array.isArray(a), Array.isArray(b), path);
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  assert.deepEqual(Object.keys(x), Object.keys(y), path);
  for (const k of Object.keys(x)) {
    if (k === 'location' && typeof x[k] === 'number' && (x[k] as number) >= 0) assert.equal((x[k] as number) - base, y[k], `${path}.location`);
    else sameTree(x[k], y[k], base, `${path}.${k}`);
  }
}

test('a section parsed in one call gives each span the statement and tree of the span parsed alone', () => {
  const corpus = fuzzCorpus();
  const texts = [...corpus, ...Array.from({ length: 400 }, (_, i) => fuzzInput(corpus, 12, i))];
  let together = 0;
  for (const [i, text] of texts.entries()) {
    const tokens = scanSql(text);
    for (const section of buildLintDocument(text, { format: 'pglc', version: '0002', role: 'sections' }).sections) {
      const sectionTokens = tokens.filter((t) => t.start >= section.start && t.start < section.end);
      const spans = splitStatements(text, sectionTokens);
      const parsed = parseTogether(text, spans, sectionTokens);
      if (!parsed) continue;
      together++;
      parsed.forEach(({ statement, byteBase }, n) => {
        const span = spans[n] as (typeof spans)[number];
        const alone = parseStatementsSync(span.text);
        assert.ok(alone.ok && alone.statements.length === 1, `text ${i}: span ${n} parses alone as one statement`);
        const p = alone.statements[0] as ParsedStatement;
        assert.deepEqual({ kind: statement.kind, start: statement.start, end: statement.end, text: statement.text }, { kind: p.kind, start: p.start, end: p.end, text: p.text }, `text ${i}, span ${n}`);
        sameTree(statement.node, p.node, byteBase, `text ${i}, span ${n}`);
      });
    }
  }
  assert.ok(together > 100, `sections parsed in one call: ${together}`);
});

test('findings are the same whether a document\'s statements were parsed in one call or one by one', () => {
  const corpus = fuzzCorpus();
  const texts = [...corpus, ...Array.from({ length: 200 }, (_, i) => fuzzInput(corpus, 13, i))];
  const options = { path: '/p/pglc/migrations/0002_x.sql', migration: { version: '0002', label: '0002_x' }, settings: lintSettings(undefined), before: createSchemaState(), strict: true };
  const json = (r: ReturnType<typeof lintFile>): string => JSON.stringify({ findings: r.findings, after: OBJECT_MAPS.map((m) => [...(r.afterUp[m] as Map<string, unknown>)]) });
  for (const [i, text] of texts.entries()) {
    clearStatementCache();
    const doc = buildLintDocument(text, { format: 'pglc', version: '0002', role: 'sections' }, true);
    // the trees buildLintDocument parsed (and handed over) are used by this lint…
    const withTrees = json(lintFile(doc, options));
    // …and gone for this one: each statement is parsed alone
    clearStatementCache();
    assert.equal(json(lintFile(doc, options)), withTrees, `text ${i}`);
  }
});
