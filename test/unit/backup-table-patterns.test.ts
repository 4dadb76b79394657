// --tables takes pg_dump -t patterns; the tables counted for verification must be exactly the
// ones pg_dump dumps. Cases: test/fixtures/backup/table-patterns.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { selectTables, type TableFact } from '../../core/backup/table-facts';
import { PglcError } from '../../core/errors';

const fx = JSON.parse(readFileSync(join(__dirname, '../fixtures/backup/table-patterns.json'), 'utf8')) as {
  tables: { schema: string; name: string }[];
  cases: { patterns: string[]; expect?: string[]; error?: string }[];
};
const tables: TableFact[] = fx.tables.map((t) => ({ ...t, kind: 'r', rowEstimate: 0 }));

for (const c of fx.cases) {
  test(`--tables ${c.patterns.join(',')}`, () => {
    if (c.expect) {
      assert.deepEqual(selectTables(tables, c.patterns).map((t) => `${t.schema}.${t.name}`).sort(), c.expect);
      return;
    }
    assert.throws(() => selectTables(tables, c.patterns), (e: unknown) =>
      e instanceof PglcError && e.code === 'usage' && e.what === `No table matches --tables ${c.error}`);
  });
}
