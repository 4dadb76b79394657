// The row counts a restore reads from the server's statistics instead of scanning: exact for
// tables that were only inserted into once the loading sessions have gone; tables with
// rolled-back inserts, updates or deletes are left to the scan; and nothing is claimed while a loader is still connected.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { createTestDatabase } from '../harness/database';
import { loadedRowCounts } from '../../core/restore/loaded-row-counts';

describe('loadedRowCounts', () => {
  it('counts inserted rows per table once the loaders are gone; leaves changed tables to the scan', async (t) => {
    const db = await createTestDatabase('loadedrows');
    await db.query('CREATE SCHEMA "Odd"; CREATE TABLE a (x int); CREATE TABLE "Odd"."B c" (x int); CREATE TABLE changed (x int); CREATE TABLE empty (x int)');
    await db.close();
    // A loader: its own session, as pg_restore's; its counts are written when it ends.
    const loader = new pg.Client({ connectionString: db.url });
    await loader.connect();
    await loader.query('INSERT INTO a SELECT generate_series(1, 1234)');
    await loader.query('INSERT INTO "Odd"."B c" SELECT generate_series(1, 7)');
    await loader.query('INSERT INTO changed SELECT generate_series(1, 5); DELETE FROM changed WHERE x = 1');
    await loader.query('CREATE TABLE rolled_back (x int); INSERT INTO rolled_back SELECT generate_series(1, 3)');
    await loader.query('BEGIN');
    await loader.query('INSERT INTO rolled_back SELECT generate_series(1, 10)');
    await loader.query('ROLLBACK');

    const checker = new pg.Client({ connectionString: db.url });
    await checker.connect();
    t.after(() => checker.end().catch(() => undefined));
    const stillConnected = await loadedRowCounts(checker, { signal: AbortSignal.timeout(200) });
    assert.equal(stillConnected, undefined, 'nothing is claimed while a loader is connected');
    await loader.end();

    const counts = await loadedRowCounts(checker);
    assert.ok(counts, 'PostgreSQL 15 or later with track_counts on');
    assert.equal(counts.get('"public"."a"'), 1234);
    assert.equal(counts.get('"Odd"."B c"'), 7);
    assert.equal(counts.get('"public"."empty"'), 0);
    assert.equal(counts.has('"public"."changed"'), false, 'deleted from: left to the scan');
    assert.equal(counts.has('"public"."rolled_back"'), false, 'an insert rolled back: left to the scan');
    await checker.end();
    await db.drop();
  });
});
