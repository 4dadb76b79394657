// The palette commands around migrations, inside the real extension host against the `test`
// database: Create Migration (asks a name, opens the file, the view picks it up), the view
// refreshing by itself when a migration file appears, Apply Up To… from its quick pick, Migrate
// with the status bar's spinner while it runs, Rollback… by steps, and Repair….

import * as assert from 'node:assert/strict';
import { basename, join } from 'node:path';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { CreateMigrationResult, MigrateResult, RepairResult, RollbackResult } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import { api, migrationStates, migrationsDir, resetTestDatabase, scriptedPrompter, tablesOf, waitFor, withPrompter, workspaceRoot } from './helpers';

const created: string[] = ['0005_nap.sql'];

describe('migration commands from the palette', () => {
  before(async () => {
    await resetTestDatabase();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetTestDatabase(created);
  });

  it('Create Migration asks for a name, creates the next file, opens it, and the view lists it', async () => {
    const prompter = scriptedPrompter({ input: (o) => (o.validateInput?.('bad/name') ? 'add tags' : undefined) });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<CreateMigrationResult>('pglc.migrate.create'));
    assert.ok(r, 'no result');
    created.push(basename(r.file));
    assert.equal(r.version, '0004');
    assert.equal(r.name, 'add_tags');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, join(workspaceRoot(), r.file));
    assert.equal((await migrationStates())['0004 add_tags'], 'pending');
    // The user writes it (the template's sections are empty).
    writeFileSync(join(workspaceRoot(), r.file), '-- Up\nCREATE TABLE tags (id int);\n\n-- Down\nDROP TABLE tags;\n');
  });

  it('a migration file written on disk shows up without a manual refresh (file watcher)', async () => {
    writeFileSync(join(migrationsDir(), '0005_nap.sql'), '-- Up\nSELECT pg_sleep(1.5);\n\n-- Down\nSELECT 1;\n');
    await waitFor('0005 nap in the Migrations view', async () => (await migrationStates())['0005 nap'] === 'pending');
  });

  it('Apply Up To… offers the pending migrations in a quick pick', async () => {
    const prompter = scriptedPrompter({ pick: (labels) => labels.find((l) => l.startsWith('0002')), ask: (_m, _o, b) => b[0] });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<MigrateResult>(EditorCommands.applyUpTo));
    assert.deepEqual(prompter.asked[0]?.options, ['0001 create_users', '0002 create_posts', '0003 create_comments', '0004 add_tags', '0005 nap']);
    assert.deepEqual(r?.applied.map((m) => m.version), ['0001', '0002']);
  });

  it('Migrate applies every pending migration, with a spinner in the status bar while it runs', async () => {
    const a = await api();
    const running = vscode.commands.executeCommand<MigrateResult>('pglc.migrate');
    await waitFor('the spinner', () => a.statusBar().text === '$(sync~spin) migrating test…');
    const r = await running;
    assert.deepEqual(r?.applied.map((m) => m.version), ['0003', '0004', '0005']);
    assert.equal(a.statusBar().text, '$(database) test');
    assert.deepEqual(Object.values(await migrationStates()), ['applied', 'applied', 'applied', 'applied', 'applied']);
  });

  it('Rollback… by steps lists the migrations whose Down runs, then rolls them back', async () => {
    const prompter = scriptedPrompter({
      pick: (labels) => labels.find((l) => l.startsWith('Last migrations')),
      input: () => '3',
      ask: (_m, _o, b) => b.find((x) => x === 'Roll Back'),
    });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<RollbackResult>('pglc.migrate.rollback'));
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['pick', 'input', 'ask']);
    assert.match(prompter.asked[2]?.message ?? '', /^Roll back 3 migrations on test/);
    assert.match(prompter.asked[2]?.detail ?? '', /0005 nap[\s\S]*0004 add_tags[\s\S]*0003 create_comments/);
    assert.deepEqual(r?.reverted.map((m) => m.version), ['0005', '0004', '0003']);
    assert.deepEqual(await tablesOf(), ['posts', 'users']);
  });

  it('Repair… records a migration as applied without running it', async () => {
    const prompter = scriptedPrompter({ pick: (labels) => labels.find((l) => l === 'Mark as applied'), ask: (_m, _o, b) => b[0] });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<RepairResult>('pglc.migrate.repair', '0003'));
    assert.deepEqual({ version: r?.version, action: r?.action, changed: r?.changed }, { version: '0003', action: 'applied', changed: true });
    assert.match(prompter.asked[1]?.message ?? '', /without running its SQL/);
    assert.equal((await migrationStates())['0003 create_comments'], 'applied');
    assert.deepEqual(await tablesOf(), ['posts', 'users'], 'its SQL did not run');
  });
});
