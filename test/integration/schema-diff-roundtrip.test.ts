// The diff round trip, data-driven: every folder of test/fixtures/diff holds A.sql and B.sql.
// Each is applied to a fresh database on the test cluster and introspected; the diff A → B is
// generated; its Up is applied to a copy of A and must read back as B, and its Down must then
// read back as A (core/diff/self-check.ts does exactly that, the way users get it on every diff).
// Optional expected files pin what users read: `expected-up.sql` / `expected-down.sql` (the SQL
// verbatim), `expected-migration.sql` (the migration file as written) and
// `expected-destructive.txt` (one line per destructive statement's reason) and
// `expected-column-order.txt` (the tables each direction leaves in another column order than its
// target, which the self-check holds against the order it finds).
// Roles the fixtures grant to are named `pglc_t_*` and created (NOLOGIN) before A and B run.
// A case cannot pass by seeing nothing: A and B must differ structurally and the Up must have
// statements — or, for a case about column order alone, the Up must announce that order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { connect } from '../../core/db/connect';
import type { ConnectionTarget } from '../../core/db/connection-target';
import { diffModels } from '../../core/diff/diff-models';
import { renderMigration } from '../../core/diff/render-migration';
import { selfCheck } from '../../core/diff/self-check';
import { columnOrderDifferences, structuralDifferences } from '../../core/diff/structural-differences';
import { introspect } from '../../core/schema/introspect';
import type { SchemaModel } from '../../core/schema/model';
import { ensureRoles, type ScratchServer } from '../../core/schema/scratch-database';
import { createTestDatabase, testCluster } from '../harness/database';
import { recordingContext } from '../harness/project';

const root = join(__dirname, '../fixtures/diff');
const cases = readdirSync(root).filter((d) => existsSync(join(root, d, 'A.sql'))).sort();

function server(): ScratchServer {
  const c = testCluster();
  return { admin: { host: '127.0.0.1', port: c.port, database: 'postgres', user: c.user, password: c.password, sslmode: 'disable' } };
}

/** Runs a fixture file as one multi-statement simple query (as psql -1 would). */
async function applySql(target: ConnectionTarget, sql: string): Promise<void> {
  const client = new pg.Client({ ...target, ssl: false });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function modelOf(sql: string): Promise<{ model: SchemaModel; drop(): Promise<void> }> {
  const db = await createTestDatabase('diff');
  try {
    await applySql(db.target, sql);
    const client = await connect(db.target, { applicationName: 'pglc test' });
    try {
      return { model: await introspect(client, {}), drop: () => db.drop() };
    } finally {
      await client.end();
    }
  } catch (e) {
    await db.drop();
    throw e;
  }
}

test('there are at least 40 diff round-trip cases', () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases in test/fixtures/diff`);
});

for (const name of cases) {
  test(`diff round trip: ${name}`, async () => {
    const dir = join(root, name);
    const aSql = readFileSync(join(dir, 'A.sql'), 'utf8');
    const bSql = readFileSync(join(dir, 'B.sql'), 'utf8');
    const roles = [...`${aSql}\n${bSql}`.matchAll(/\bpglc_t_\w+/g)].map((m) => m[0]);
    await ensureRoles(server(), roles);

    const a = await modelOf(aSql);
    const b = await modelOf(bSql);
    try {
      const diff = diffModels(a.model, b.model);
      if (columnOrderDifferences(b.model, a.model).length > 0 && structuralDifferences(b.model, a.model).length === 0) {
        assert.notDeepEqual(diff.up.columnOrder, [], 'A and B differ only in column order, and the diff did not say so');
      } else {
        assert.notDeepEqual(structuralDifferences(b.model, a.model), [], 'A and B must differ: the case would prove nothing');
        assert.ok(diff.up.steps.length > 0, 'the Up has no statements although A and B differ');
      }
      const rendered = renderMigration(diff);

      const check = await selfCheck({
        server: server(), from: a.model, to: b.model, diff,
        copyFrom: (t) => applySql(t, aSql), introspect: {},
      }, recordingContext());
      const defects = check.defects.map((d) => `${d.phase}: ${d.message}${d.statement ? `\n  statement: ${d.statement}` : ''}${d.differences ? `\n  ${d.differences.map((x) => `${x.kind} ${x.key} ${x.detail ?? ''}`).join('\n  ')}` : ''}`);
      assert.deepEqual(defects, [], `self-check defects; the generated migration was:\n${rendered}`);
      assert.equal(check.ok, true);

      const expect = (file: string, actual: string) => {
        const p = join(dir, file);
        if (!existsSync(p)) return;
        // PGLC_UPDATE_EXPECTED=1 rewrites the expected files that exist (review the git diff).
        if (process.env.PGLC_UPDATE_EXPECTED === '1') writeFileSync(p, actual);
        assert.equal(actual, readFileSync(p, 'utf8'), `${file} differs`);
      };
      expect('expected-up.sql', diff.up.steps.map((s) => s.sql).join('\n') + '\n');
      expect('expected-down.sql', diff.down.steps.map((s) => s.sql).join('\n') + '\n');
      expect('expected-migration.sql', rendered);
      expect('expected-destructive.txt', diff.up.destructive.map((s) => `${s.destructive}\n`).join(''));
      expect('expected-column-order.txt', [
        ...diff.up.columnOrder.map((c) => `up ${c.table}: ${c.result.join(', ')} (B has ${c.target.join(', ')})${c.created ? ' created' : ''}\n`),
        ...diff.down.columnOrder.map((c) => `down ${c.table}: ${c.result.join(', ')} (A has ${c.target.join(', ')})${c.created ? ' created' : ''}\n`),
        ...check.known.map((k) => `known ${k}\n`),
      ].join(''));
    } finally {
      await a.drop();
      await b.drop();
    }
  });
}
