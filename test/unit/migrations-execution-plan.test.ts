// How a section runs (transaction / no-transaction / own-transaction) and what pglc refuses to
// run, data-driven: test/fixtures/migrations/plans/cases.json and invalid.json.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPglcError } from '../../core/errors';
import { nonTransactionalByWords, planSection } from '../../core/migrations/execution-plan';
import { planNotes } from '../../core/migrations/run-section';
import type { MigrationFile, MigrationSection } from '../../core/migrations/migration-file';
import { loadSqlParser } from '../../core/sql/parse';

const dir = join(__dirname, '../fixtures/migrations/plans');

interface PlanCase {
  name: string;
  sql: string;
  mode: string;
  statements: number;
  decidedBy?: string;
  line?: number;
  column?: number;
  declared?: boolean;
  parseError?: boolean;
}

interface InvalidCase {
  name: string;
  sql: string;
  line: number;
  column: number;
  what: string;
}

const section = (sql: string, noTransaction = false): MigrationSection => ({ sql, offset: 0, line: 1, noTransaction });

before(() => loadSqlParser());

for (const c of JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8')) as PlanCase[]) {
  test(`planSection: ${c.name}`, () => {
    const plan = planSection(section(c.sql, c.declared), 'm/0001_x.sql');
    assert.equal(plan.mode, c.mode);
    assert.equal(plan.statements.length, c.statements);
    assert.equal(plan.declared, c.declared ?? false);
    assert.equal(plan.parseError !== undefined, c.parseError ?? false);
    if (c.decidedBy) {
      assert.equal(plan.decidedBy?.noTransaction ?? plan.decidedBy?.text, c.decidedBy);
      assert.deepEqual([plan.decidedBy?.line, plan.decidedBy?.column], [c.line, c.column]);
    } else {
      assert.equal(plan.decidedBy, undefined);
    }
  });
}

for (const c of JSON.parse(readFileSync(join(dir, 'invalid.json'), 'utf8')) as InvalidCase[]) {
  test(`planSection refuses: ${c.name}`, () => {
    assert.throws(() => planSection({ sql: c.sql, offset: 10, line: 3, noTransaction: false }, 'm/0001_x.sql'), (e: unknown) => {
      assert.ok(isPglcError(e));
      assert.equal(e.code, 'migration-invalid');
      assert.match(e.what, new RegExp(c.what.replace(/line (\d+)/, (_m, n: string) => `line ${Number(n) + 2}`)));
      // the section starts at line 3 of its file: positions are file positions
      assert.deepEqual([e.details?.file, e.details?.line, e.details?.column], ['m/0001_x.sql', c.line + 2, c.column]);
      return true;
    });
  });
}

test('the keyword fallback recognises the same statements', () => {
  const cases: [string, string | undefined][] = [
    ['CREATE UNIQUE INDEX CONCURRENTLY I ON T', 'CREATE INDEX CONCURRENTLY'],
    ['CREATE INDEX I ON T', undefined],
    ['REINDEX CONCURRENTLY TABLE T', 'REINDEX CONCURRENTLY'],
    ['VACUUM FULL', 'VACUUM'],
    ['ALTER TABLE M DETACH PARTITION P CONCURRENTLY', 'DETACH PARTITION CONCURRENTLY'],
    ['ALTER TABLE M DETACH PARTITION P', undefined],
    ['SELECT CONCURRENTLY', undefined],
  ];
  for (const [words, expected] of cases) assert.equal(nonTransactionalByWords(words.split(' ')), expected, words);
});

test('planNotes explain the mode with file positions', () => {
  const file: MigrationFile = {
    version: '0007', name: 'idx', format: 'pglc', path: '/p/m/0007_idx.sql', relPath: 'm/0007_idx.sql',
    up: { sql: 'CREATE TABLE t (id int);\n  CREATE INDEX CONCURRENTLY i ON t (id);\n', offset: 6, line: 2, noTransaction: false },
    noTransaction: false, checksum: 'x',
  };
  const plan = planSection(file.up, file.relPath);
  assert.deepEqual(planNotes(file, 'up', plan), [
    '0007_idx runs outside a transaction because of CREATE INDEX CONCURRENTLY at line 3 (m/0007_idx.sql:3:3); its statements run one by one and cannot be rolled back together',
  ]);
  const own = { ...file, up: { ...file.up, sql: 'BEGIN;\nSELECT 1;\nCOMMIT;\n' } };
  assert.deepEqual(planNotes(own, 'up', planSection(own.up, own.relPath)), [
    '0007_idx manages its own transaction (BEGIN at line 2), so it runs as written, not wrapped; pglc records it after its last statement',
  ]);
  assert.deepEqual(planNotes(file, 'up', planSection({ ...file.up, sql: 'SELECT 1;' }, file.relPath)), []);
});
