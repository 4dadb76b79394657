// Check Schema Drift inside the real editor: a table made by hand on the `test` environment is
// found (the shadow database of its applied migrations runs on the workspace's embedded local
// PostgreSQL), and "Absorb Drift…" writes it as the next migration, opens it and records it as
// applied — the Migrations view shows it applied. The Migrations view shows drift by itself
// (a Drift row above the migrations, the objects under it) and Absorb Drift… on that row clears
// it; on the protected environment absorbing needs the database name typed.

import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SchemaDriftResult } from '../../protocol/index';
import { api, connect, driftRows, migrationStates, migrationsDir, resetTestDatabase, scriptedPrompter, stagingUrlWithPassword, waitFor, withPrompter } from './helpers';

describe('Check Schema Drift', () => {
  const FILE = '0004_test_hotfix.sql';
  const FILES = [FILE, '0004_ledger.sql', '0005_ledger.sql', '0004_staging_fix.sql', '0005_staging_fix.sql', '0006_staging_fix.sql'];
  before(async () => {
    await resetTestDatabase(FILES);
    await (await api()).runPglc(['db', 'migrate'], { env: 'test' });
  });
  after(async () => {
    const c = await connect(stagingUrlWithPassword());
    try {
      await c.query('DROP SCHEMA public CASCADE');
      await c.query('CREATE SCHEMA public');
    } finally {
      await c.end();
    }
    await vscode.commands.executeCommand('pglc.env.clearPassword', 'staging');
    await resetTestDatabase(FILES);
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

  it('the Migrations view shows the drift with its objects under it, and Absorb Drift… on it clears it', async () => {
    const a = await api();
    await a.runPglc(['db', 'start'], {});
    const c = await connect();
    try {
      await c.query('CREATE TABLE ledger (id bigint PRIMARY KEY, amount numeric NOT NULL)');
      await c.query("COMMENT ON TABLE comments IS 'made by hand'");
    } finally {
      await c.end();
    }
    await vscode.commands.executeCommand('pglc.refresh');
    await a.idle();
    const drift = await driftRows();
    assert.ok(drift, 'a Drift row');
    // Run alone (without the test above absorbing it), the recreated `public` schema's grants are drift too.
    const publicToo = drift.children.some((r) => r.label === 'schema public') ? 1 : 0;
    assert.deepEqual(drift.row, { label: 'Drift', description: `1 object no migration creates · ${1 + publicToo} shaped differently`, icon: 'warning', contextValue: 'drift.absorbable' });
    assert.deepEqual(drift.children.filter((r) => r.label !== 'schema public').map((r) => [r.label, r.description, r.icon]), [
      ['table public.ledger', 'no migration creates it', 'diff-added'],
      ['table public.comments', 'comment: (none) → expected made by hand', 'diff-modified'],
    ]);
    assert.equal((await migrationStates())['0001 create_users'], 'applied', 'the migrations are still listed under it');

    const prompter = scriptedPrompter({ input: () => 'ledger' });
    await withPrompter(prompter, () => vscode.commands.executeCommand('pglc.schema.absorbDrift', drift.node));
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['input']);
    const ledger = readdirSync(migrationsDir()).find((f) => f.endsWith('_ledger.sql'));
    assert.ok(ledger, 'the catch-up migration was written');
    assert.match(readFileSync(join(migrationsDir(), ledger), 'utf8'), /CREATE TABLE public\.ledger/);
    await a.idle();
    assert.equal(await driftRows(), undefined, 'no drift left');
    assert.equal((await migrationStates())[`${ledger.slice(0, 4)} ledger`], 'applied');
  });

  it('absorbing drift on the protected environment needs the database name typed', async () => {
    const a = await api();
    const stagingUrl = stagingUrlWithPassword();
    const database = new URL(stagingUrl).pathname.slice(1);
    const password = scriptedPrompter({ input: (o) => (o.password ? process.env.PGLC_TEST_STAGING_PASSWORD : undefined) });
    await withPrompter(password, () => vscode.commands.executeCommand('pglc.env.setPassword', 'staging'));
    await a.runPglc(['db', 'migrate'], { env: 'staging' });
    const c = await connect(stagingUrl);
    try {
      await c.query('CREATE TABLE staging_only (id int PRIMARY KEY)');
    } finally {
      await c.end();
    }
    await vscode.commands.executeCommand('pglc.env.switch', 'staging');
    await a.idle();
    await waitFor('the staging drift row', async () => (await driftRows())?.children.some((r) => r.label === 'table public.staging_only') === true);

    const prompter = scriptedPrompter({ input: (o) => (o.prompt?.startsWith('Name of the catch-up migration') ? 'staging fix' : database) });
    const node = (await driftRows())!.node;
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<SchemaDriftResult>('pglc.schema.absorbDrift', node));
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['input', 'input']);
    assert.match(prompter.asked[1]!.message, new RegExp(`"staging" is protected\\. Type the database name \\(${database}\\)`));
    assert.match(r?.absorbed?.file ?? '', /^pglc\/migrations\/000\d_staging_fix\.sql$/);
    await a.idle();
    assert.equal(await driftRows(), undefined, 'no drift left on staging');
    await vscode.commands.executeCommand('pglc.env.switch', 'test');
  });
});
