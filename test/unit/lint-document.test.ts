// `pglc db lint` cuts a file into sections and statements with core's buildLintDocument; the
// editor lints its own DocumentModel. Both must see the same sections and statements, or the
// CLI and the Problems panel would disagree: this compares them on every lint fixture and its
// fuzzed variants, in pglc, dbmate and plain-file form.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { buildLintDocument, type LintDocument, type LintDocumentInfo } from '../../core/lint/document';
import { loadSqlParser } from '../../core/sql/parse';
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
