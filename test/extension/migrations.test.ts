// The Migrations view and the migration commands inside the real extension host, against the
// run's `test` database: rows and states (icons, descriptions, context values), Apply Up To
// (asking about earlier pending migrations) and Rollback Last (a modal listing what is lost)
// changing the database and the view, a failing migration reported at its file:line with the
// action that opens it there, and cancellation rolling back a running migration.

import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MigrateResult, RollbackResult } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import { api, connect, migrationRows, migrationStates, migrationsDir, resetTestDatabase, scriptedPrompter, tablesOf, waitFor, withPrompter } from './helpers';

const EXTRA = ['0004_broken.sql', '0004_slow.sql', '0000_early.sql'];

describe('Migrations view and commands', () => {
  before(async () => {
    await resetTestDatabase(EXTRA);
  });
  after(async () => {
    await resetTestDatabase(EXTRA);
  });

  it('lists every migration of the active environment as pending at first', async () => {
    assert.deepEqual(await migrationRows(), [
      { label: '0001 create_users', description: 'pending', icon: 'circle-outline', contextValue: 'migration.pending' },
      { label: '0002 create_posts', description: 'pending', icon: 'circle-outline', contextValue: 'migration.pending' },
      { label: '0003 create_comments', description: 'pending', icon: 'circle-outline', contextValue: 'migration.pending' },
    ]);
    assert.equal((await api()).statusBar().text, '$(database) test');
  });

  it('Apply Up To 0002 asks about the earlier pending one, applies both, and the view follows', async () => {
    const prompter = scriptedPrompter({ ask: (_m, _o, buttons) => buttons[0] });
    const result = await withPrompter(prompter, () => vscode.commands.executeCommand<MigrateResult>(EditorCommands.applyUpTo, '0002'));
    assert.deepEqual(
      prompter.asked.map((q) => [q.kind, q.message, q.modal]),
      [['ask', 'Apply 0001 and 0002?', true]],
    );
    assert.match(prompter.asked[0]?.detail ?? '', /0001 create_users[\s\S]*0002 create_posts/);
    assert.deepEqual(result?.applied.map((m) => m.version), ['0001', '0002']);
    assert.deepEqual(await tablesOf(), ['posts', 'users']);
    assert.deepEqual(await migrationRows(), [
      { label: '0001 create_users', description: 'applied', icon: 'pass-filled', contextValue: 'migration.applied' },
      { label: '0002 create_posts', description: 'applied', icon: 'pass-filled', contextValue: 'migration.applied.last' },
      { label: '0003 create_comments', description: 'pending', icon: 'circle-outline', contextValue: 'migration.pending' },
    ]);
  });

  it('Apply Up To the next pending migration asks nothing', async () => {
    const prompter = scriptedPrompter({});
    const result = await withPrompter(prompter, () => vscode.commands.executeCommand<MigrateResult>(EditorCommands.applyUpTo, '0003'));
    assert.deepEqual(prompter.asked, []);
    assert.deepEqual(result?.applied.map((m) => m.version), ['0003']);
    assert.equal((await migrationStates())['0003 create_comments'], 'applied');
  });

  it('shows modified, missing and out-of-order migrations with their own icons', async () => {
    const a = await api();
    const file = join(migrationsDir(), '0002_create_posts.sql');
    const original = readFileSync(file, 'utf8');
    const c = await connect();
    try {
      writeFileSync(file, original.replace("body      text NOT NULL DEFAULT ''", "body      text NOT NULL DEFAULT '',\n  draft     boolean NOT NULL DEFAULT true"));
      writeFileSync(join(migrationsDir(), '0000_early.sql'), '-- Up\nSELECT 1;\n\n-- Down\nSELECT 1;\n');
      await c.query("INSERT INTO public._pglc_migrations (version, name, checksum, duration_ms) VALUES ('0009', 'gone', 'x', 1)");
      await vscode.commands.executeCommand('pglc.refresh');
      await a.idle();
      const rows = await migrationRows();
      assert.deepEqual(rows, [
        { label: '0000 early', description: 'out of order', icon: 'arrow-swap', contextValue: 'migration.out-of-order' },
        { label: '0001 create_users', description: 'applied', icon: 'pass-filled', contextValue: 'migration.applied' },
        { label: '0002 create_posts', description: 'modified since applied', icon: 'warning', contextValue: 'migration.modified' },
        { label: '0003 create_comments', description: 'applied', icon: 'pass-filled', contextValue: 'migration.applied' },
        { label: '0009 gone', description: 'file missing', icon: 'error', contextValue: 'migration.missing.last' },
      ]);
      const tree = a.trees.migrations;
      // The migration rows (a Drift row may come first).
      const nodes = (((await tree.getChildren()) ?? []) as { kind?: string }[]).filter((n) => n.kind === 'migration');
      const modified = await tree.getTreeItem(nodes[2]!);
      assert.match((modified.tooltip as vscode.MarkdownString).value, /changed since it was applied/);
      assert.equal(modified.command?.command, EditorCommands.openMigration);
      assert.deepEqual(modified.command?.arguments, [file]);
    } finally {
      writeFileSync(file, original);
      await c.query(`DELETE FROM public._pglc_migrations WHERE version = '0009'`);
      await c.end();
      await resetTestDatabase(['0000_early.sql']);
    }
  });

  it('Rollback Last lists what will be lost in a modal, runs the Down section, and the view follows', async () => {
    await vscode.commands.executeCommand(EditorCommands.applyUpTo, '0001');
    await withPrompter(scriptedPrompter({ ask: (_m, _o, b) => b[0] }), () => vscode.commands.executeCommand(EditorCommands.applyUpTo, '0002'));
    assert.deepEqual(await tablesOf(), ['posts', 'users']);
    const prompter = scriptedPrompter({ ask: (_m, _o, buttons) => buttons.find((b) => b === 'Roll Back') });
    const result = await withPrompter(prompter, () => vscode.commands.executeCommand<RollbackResult>(EditorCommands.rollbackLast, '0002'));
    assert.equal(prompter.asked.length, 1);
    assert.equal(prompter.asked[0]?.modal, true);
    assert.match(prompter.asked[0]?.message ?? '', /^Roll back 0002 create_posts on test \(ext_test_[0-9a-f]+\)\?$/);
    assert.match(prompter.asked[0]?.detail ?? '', /lost[\s\S]*0002 create_posts/);
    assert.deepEqual(result?.reverted.map((m) => m.version), ['0002']);
    assert.deepEqual(await tablesOf(), ['users']);
    assert.deepEqual(await migrationStates(), { '0001 create_users': 'applied', '0002 create_posts': 'pending', '0003 create_comments': 'pending' });
  });

  it('Rollback Last changes nothing when the modal is dismissed', async () => {
    const prompter = scriptedPrompter({ ask: () => undefined });
    await withPrompter(prompter, () => vscode.commands.executeCommand(EditorCommands.rollbackLast, '0001'));
    assert.equal(prompter.asked.length, 1);
    assert.deepEqual(await tablesOf(), ['users']);
    assert.equal((await api()).lastFailure()?.error.code, 'cancelled');
  });

  it('Rollback Last refuses a version that is not the newest applied one', async () => {
    await withPrompter(scriptedPrompter({ ask: (_m, _o, b) => b[0] }), () => vscode.commands.executeCommand(EditorCommands.rollbackLast, '0003'));
    const failure = (await api()).lastFailure();
    assert.equal(failure?.error.code, 'migration-conflict');
    assert.deepEqual(await tablesOf(), ['users']);
  });

  it('reports a failing migration at its file:line, with the action that opens it there', async () => {
    writeFileSync(
      join(migrationsDir(), '0004_broken.sql'),
      '-- Up\nCREATE TABLE broken (id int);\nINSERT INTO nowhere VALUES (1);\n\n-- Down\nDROP TABLE broken;\n',
    );
    const a = await api();
    await withPrompter(scriptedPrompter({ ask: (_m, _o, b) => b[0] }), () => vscode.commands.executeCommand(EditorCommands.applyUpTo, '0004'));
    const failure = a.lastFailure();
    assert.equal(failure?.commandId, EditorCommands.applyUpTo);
    assert.equal(failure?.error.code, 'migration-failed');
    assert.equal(failure?.error.details?.file, 'pglc/migrations/0004_broken.sql');
    assert.equal(failure?.error.details?.line, 3);
    assert.match(failure?.message ?? '', /0004_broken\.sql:3:\d+/);
    assert.deepEqual(failure?.actions, ['Open 0004_broken.sql:3', 'Open Output']);
    // Each migration runs in its own transaction: 0002 and 0003 stay applied, 0004 left nothing.
    assert.deepEqual(await tablesOf(), ['comments', 'posts', 'users']);
    const states = await migrationStates();
    assert.equal(states['0003 create_comments'], 'applied');
    assert.equal(states['0004 broken'], 'pending');
    await resetTestDatabase(['0004_broken.sql']);
  });

  it('cancelling a running migration stops the CLI, which rolls it back', async () => {
    writeFileSync(join(migrationsDir(), '0004_slow.sql'), '-- Up\nCREATE TABLE slow (id int);\nSELECT pg_sleep(60);\n\n-- Down\nDROP TABLE slow;\n');
    const a = await api();
    const cts = new vscode.CancellationTokenSource();
    const started = Date.now();
    let sawSlow = false;
    const run = a.runPglc<MigrateResult>(['db', 'migrate'], {
      env: 'test',
      token: cts.token,
      onEvent: (e) => {
        if (e.type === 'progress' && /0004/.test(e.message)) sawSlow = true;
      },
    });
    await waitFor('0004 to start', async () => {
      if (!sawSlow) return false;
      const c = await connect();
      try {
        return (await c.query("SELECT 1 FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()")).rowCount === 1;
      } finally {
        await c.end();
      }
    });
    cts.cancel();
    await assert.rejects(run, (e: { code?: string }) => e.code === 'cancelled');
    assert.ok(Date.now() - started < 15_000, 'the CLI stopped well before pg_sleep(60) ended');
    assert.deepEqual(await tablesOf(), ['comments', 'posts', 'users']);
    await a.idle();
    await vscode.commands.executeCommand('pglc.refresh');
    assert.equal((await migrationStates())['0004 slow'], 'pending');
  });
});
