// Check Schema Drift inside the real editor: a table made by hand on the `test` environment is
// found (the shadow database of its applied migrations runs on the workspace's embedded local
// PostgreSQL), and "Absorb Drift…" writes it as the next migration, opens it and records it as
// applied — the Migrations view shows it applied.

import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaDriftResult } from '../../protocol/index';
import { api, connect, migrationStates, migrationsDir, resetTestDatabase, scriptedPrompter, withPrompter } from './helpers';

describe('Check Schema Drift', () => {
  const FILE = '0004_test_hotfix.sql';
  before(async () => {
    await resetTestDatabase([FILE]);
    await (await api()).runPglc(['db', 'migrate'], { env: 'test' });
  });
  after(async () => {
    await resetTestDatabase([FILE]);
    await (await api()).runPglc(['db', 'stop'], {});
  });

  it('finds a table made by hand on the environment and absorbs it as an applied migration', async () => {
    const c = await connect();
    try {
      await c.query('CREATE TABLE audit (id int PRIMARY KEY, at timestamptz)');
    } finally {
      await c.end();
    }
    const prompter = scriptedPrompter({ ask: () => 'Absorb Drift…', input: () => 'test hotfix' });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<SchemaDriftResult>('pglc.schema.drift', 'test'));
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['ask', 'input']);
    // The suites recreate `public` (DROP SCHEMA … CREATE SCHEMA), so its grants differ from a fresh database's: real drift too.
    assert.match(prompter.asked[0]!.message, /^test has 1 object that no migration creates/);
    assert.equal(prompter.asked[1]!.message, 'Name of the catch-up migration (it is recorded as applied on test; its schema is not changed)');
    assert.deepEqual(r?.unmanaged, ['table public.audit']);
    assert.deepEqual(r?.different.map((d) => d.split(':')[0]), ['schema public'], JSON.stringify(r?.different));
    assert.equal(r?.absorbed?.file, `pglc/migrations/${FILE}`);
    assert.match(readFileSync(join(migrationsDir(), FILE), 'utf8'), /CREATE TABLE public\.audit/);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(migrationsDir(), FILE), 'the new migration is opened');
    assert.equal((await migrationStates())['0004 test_hotfix'], 'applied');
  });
});
