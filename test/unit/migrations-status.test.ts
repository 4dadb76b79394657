// computeStatus, data-driven: test/fixtures/migrations/status-cases.json lists files
// (version, checksum) × applied records (version, checksum) → expected state per version.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MigrationFile } from '../../core/migrations/migration-file';
import { computeStatus, countStates } from '../../core/migrations/status';
import type { AppliedRecord } from '../../core/migrations/tracking-table';

interface Case {
  name: string;
  files: [string, string][];
  applied: [string, string][];
  expected: [string, string][];
}

const cases = JSON.parse(readFileSync(join(__dirname, '../fixtures/migrations/status-cases.json'), 'utf8')) as Case[];

function file(version: string, checksum: string): MigrationFile {
  return {
    version, name: `m${version}`, format: 'pglc', path: `/p/${version}.sql`, relPath: `m/${version}_m.sql`,
    up: { sql: 'select 1;', offset: 6, line: 2, noTransaction: false }, noTransaction: false, checksum,
  };
}

function record(version: string, checksum: string): AppliedRecord {
  return { version, name: `m${version}`, checksum, appliedAt: '2024-01-01T00:00:00.000Z', durationMs: 5, appliedBy: 'ci' };
}

for (const c of cases) {
  test(`computeStatus: ${c.name}`, () => {
    const rows = computeStatus(c.files.map(([v, s]) => file(v, s)), c.applied.map(([v, s]) => record(v, s)));
    assert.deepEqual(rows.map((r) => [r.version, r.state]), c.expected);
    const counts = countStates(rows);
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), rows.length);
  });
}

test('computeStatus rows carry the file and record facts the editor shows', () => {
  const rows = computeStatus([file('0001', 'x'), file('0002', 'y')], [record('0001', 'old'), record('0003', 'z')]);
  assert.deepEqual(rows[0], {
    version: '0001', name: 'm0001', state: 'modified', file: 'm/0001_m.sql', upLine: 2, format: 'pglc', hasDown: false,
    noTransaction: false, checksum: 'x', appliedChecksum: 'old', appliedAt: '2024-01-01T00:00:00.000Z', appliedBy: 'ci', durationMs: 5,
  });
  assert.deepEqual(rows[2], {
    version: '0003', name: 'm0003', state: 'missing', hasDown: false, noTransaction: false,
    appliedChecksum: 'z', appliedAt: '2024-01-01T00:00:00.000Z', appliedBy: 'ci', durationMs: 5,
  });
});
