// When a finished dump deserves a warning: no table at all, or far smaller than the tables it
// holds (pg_dump could not read rows). Cases are data: test/fixtures/backup/plausibility.json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plausibilityWarnings } from '../../core/backup/create';
import type { BackupFileEntry, BackupScope } from '../../protocol/index';
import type { TableFact } from '../../core/backup/table-facts';

interface Case {
  name: string;
  scope: BackupScope;
  filtered?: boolean;
  /** Table sizes in MB. */
  tablesMb: number[];
  /** Stored and raw sizes of the dump in MB (raw absent when it went straight into zstd). */
  storedMb: number;
  rawMb?: number;
  rows?: number;
  warn: string | null;
}

const MB = 1024 * 1024;
const cases = JSON.parse(readFileSync(join(__dirname, '../fixtures/backup/plausibility.json'), 'utf8')) as Case[];
for (const c of cases) {
  test(`plausibility: ${c.name}`, () => {
    const tables: TableFact[] = c.tablesMb.map((mb, i) => ({ schema: 'public', name: `t${i}`, kind: 'r', rowEstimate: 1000, bytes: Math.round(mb * MB) }));
    const files: BackupFileEntry[] = [{ name: 'dump', size: Math.round(c.storedMb * MB), sha256: '0'.repeat(64), ...(c.rawMb !== undefined ? { rawSize: Math.round(c.rawMb * MB) } : {}) }];
    const counts = c.rows === undefined ? undefined : new Map([['x', c.rows]]);
    const w = plausibilityWarnings({ scope: c.scope, tables, totalSize: files[0]!.size, files, counts, filtered: Boolean(c.filtered) });
    if (c.warn === null) assert.deepEqual(w, []);
    else {
      assert.equal(w.length, 1, JSON.stringify(w));
      assert.match(w[0]!, new RegExp(c.warn));
    }
  });
}
