// Shared set-up and assertions of the migration integration tests: a fresh database and a
// temp project per test, both always removed; the recorded history; PglcError expectations.

import assert from 'node:assert/strict';
import { isPglcError, type PglcError } from '../../core/errors';
import { createTestDatabase, type TestDatabase } from './database';
import { tempProject, type TempProject } from './project';

export async function withSetup(
  prefix: string,
  files: Record<string, string>,
  fn: (p: TempProject, db: TestDatabase) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase(prefix);
  const p = tempProject(files);
  try {
    await fn(p, db);
  } finally {
    p.cleanup();
    await db.drop();
  }
}

/** The operation must fail with a PglcError; returns it for assertions. */
export async function rejects(p: Promise<unknown>): Promise<PglcError> {
  try {
    await p;
  } catch (e) {
    if (isPglcError(e)) return e;
    throw e;
  }
  assert.fail('expected a PglcError');
}

export async function tableExists(db: TestDatabase, name: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [name]);
  return r.rows[0]?.ok === true;
}

/** Versions in the default history table, in order. */
export async function recorded(db: TestDatabase): Promise<string[]> {
  const r = await db.query<{ version: string }>('SELECT version FROM public._pglc_migrations ORDER BY version');
  return r.rows.map((x) => x.version);
}
