// Every supported layout applied end to end from its fixture folder
// (test/fixtures/migrations/formats/<layout>/), then rolled back where it has Down sections.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPglcError } from '../../core/errors';
import { discoverMigrations } from '../../core/migrations/discover';
import { migrate } from '../../core/migrations/migrate';
import { rollback } from '../../core/migrations/rollback';
import { migrationStatus } from '../../core/migrations/status';
import { createTestDatabase } from '../harness/database';
import { recordingContext, testProject } from '../harness/project';

const formatsDir = join(__dirname, '../fixtures/migrations/formats');
const env = { name: 'local', protected: false };

for (const layout of readdirSync(formatsDir).sort()) {
  test(`${layout}: migrate, status, rollback`, async () => {
    const dir = join(formatsDir, layout);
    const fixture = JSON.parse(readFileSync(join(dir, 'fixture.json'), 'utf8')) as { migrations: string[]; tables: string[]; indexes?: string[] };
    const project = testProject(dir, { migrations: fixture.migrations });
    const db = await createTestDatabase(layout.replace(/-/g, '_'));
    try {
      const files = await discoverMigrations(project);
      const r = await migrate(project, env, db.target, {}, recordingContext());
      assert.deepEqual(r.applied.map((m) => m.version), files.map((f) => f.version));
      for (const name of [...fixture.tables, ...(fixture.indexes ?? [])]) {
        const t = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
        assert.equal(t.rows[0]?.ok, true, `${name} exists after migrate`);
      }
      const s = await migrationStatus(project, env, db.target, recordingContext());
      assert.equal(s.counts.applied, files.length);

      const withoutDown = files.filter((f) => !f.down);
      if (withoutDown.length === 0) {
        const rb = await rollback(project, env, db.target, { all: true }, recordingContext());
        assert.deepEqual(rb.reverted.map((m) => m.version), files.map((f) => f.version).reverse());
        for (const name of fixture.tables) {
          const t = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
          assert.equal(t.rows[0]?.ok, false, `${name} is gone after rollback --all`);
        }
      } else {
        await assert.rejects(rollback(project, env, db.target, { all: true }, recordingContext()), (e: unknown) => isPglcError(e) && e.code === 'migration-no-down');
        const after = await migrationStatus(project, env, db.target, recordingContext());
        assert.equal(after.counts.applied, files.length, 'a refused rollback changes nothing');
      }
    } finally {
      await db.drop();
    }
  });
}
