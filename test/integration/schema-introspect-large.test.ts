// Introspection at the scale: 1,000 tables and 5,000 columns (with foreign keys, indexes
// and comments) read completely and deterministically. Timing goals live in bench/schema.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../core/db/connect';
import { introspect } from '../../core/schema/introspect';
import { keys } from '../../core/schema/keys';
import { createTestDatabase } from '../harness/database';
import { largeSchemaSql } from '../harness/large-schema';

test('introspects 1,000 tables and 5,000 columns completely and deterministically', async (t) => {
  const db = await createTestDatabase('large');
  t.after(() => db.drop());
  await db.query(largeSchemaSql(1000));
  const client = await connect(db.target);
  try {
    const m = await introspect(client, {});
    assert.equal(m.tables.length, 1000);
    assert.equal(m.tables.reduce((n, x) => n + x.columns.length, 0), 5000);
    assert.equal(m.indexes.length, 500);
    assert.equal(m.tables.filter((x) => x.comment !== undefined).length, 200);
    const fks = m.tables.flatMap((x) => x.constraints.filter((c) => c.kind === 'foreign-key'));
    assert.equal(fks.length, 333);
    const t300 = m.tables.find((x) => x.name === 't0300')!;
    assert.deepEqual(t300.constraints.find((c) => c.kind === 'foreign-key')?.foreignKey?.table, 't0299');
    assert.ok(m.dependencies[keys.constraint('app', 't0300', t300.constraints.find((c) => c.kind === 'foreign-key')!.name)]?.length, 'pg_depend edges are read');
    assert.deepEqual(await introspect(client, {}), m, 'a second read gives an equal model');
  } finally {
    await client.end();
  }
});
