import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../harness/database';

test('the harness gives each test its own database on the throwaway cluster', async () => {
  const db = await createTestDatabase('harness');
  try {
    const r = await db.query<{ d: string; v: string }>('select current_database() as d, current_setting(\'fsync\') as v');
    assert.equal(r.rows[0]?.d, db.name);
    assert.equal(r.rows[0]?.v, 'off');
  } finally {
    await db.drop();
  }
});
