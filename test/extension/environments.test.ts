// Environments inside the real extension host: the Environments view (active one marked, a
// connection test showing the server version), switching environment (the status bar follows,
// in the error colour on the protected one), a password that is missing (the Migrations view
// offers Set Password) and then stored in SecretStorage, and the typed-name confirmation of a
// rollback on a protected environment.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RollbackResult } from '../../protocol/index';
import { EditorCommands } from '../../protocol/lsp';
import { api, migrationRows, migrationStates, resetTestDatabase, scriptedPrompter, stagingUrlWithPassword, tablesOf, withPrompter } from './helpers';

async function environmentItems(): Promise<{ node: unknown; item: vscode.TreeItem }[]> {
  const tree = (await api()).trees.environments;
  const nodes = ((await tree.getChildren()) ?? []) as unknown[];
  return Promise.all(nodes.map(async (node) => ({ node, item: await tree.getTreeItem(node) })));
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

describe('Environments', () => {
  before(async () => {
    await resetTestDatabase();
  });
  after(async () => {
    await vscode.commands.executeCommand('pglc.env.clearPassword', 'staging');
    await resetTestDatabase();
  });

  it('lists the environments of pglc.toml (and the implicit embedded local) with the active one marked', async () => {
    const items = await environmentItems();
    assert.deepEqual(
      items.map(({ item }) => [labelOf(item), item.contextValue]),
      [
        ['local', 'environment.inactive'],
        ['test', 'environment.active'],
        ['staging', 'environment.inactive.protected'],
      ],
    );
    assert.equal(items[0]?.item.description, 'embedded local PostgreSQL');
    assert.match(String(items[1]?.item.description), /^✓ active · 127\.0\.0\.1:\d+\/ext_test_/);
    assert.deepEqual((items[1]?.item.label as vscode.TreeItemLabel).highlights, [[0, 4]]);
    assert.match(String(items[2]?.item.description), /^protected · 127\.0\.0\.1:\d+\/ext_staging_/);
  });

  it('expanding an environment tests its connection and shows the server version', async () => {
    const tree = (await api()).trees.environments;
    const [, test] = await environmentItems();
    const children = ((await tree.getChildren(test!.node)) ?? []) as unknown[];
    assert.equal(children.length, 1);
    const child = await tree.getTreeItem(children[0]!);
    assert.equal(labelOf(child), 'reachable');
    assert.match(String(child.description), /^PostgreSQL \d+/);
    const status = await vscode.commands.executeCommand<{ reachable: boolean; serverVersion?: string }>('pglc.env.testConnection', 'test');
    assert.equal(status?.reachable, true);
    assert.ok(String(child.description).startsWith(`PostgreSQL ${status?.serverVersion}`), String(child.description));
  });

  it('an unknown environment fails with "what — why — what to do" and offers Open pglc.toml', async () => {
    await vscode.commands.executeCommand('pglc.env.switch', 'nope');
    const failure = (await api()).lastFailure();
    assert.equal(failure?.error.code, 'env-unknown');
    assert.match(failure?.message ?? '', /^Unknown environment "nope" — pglc\.toml defines local, test, staging\. /);
    assert.deepEqual(failure?.actions, ['Open pglc.toml', 'Open Output']);
    assert.equal((await api()).activeEnvironment(), 'test');
  });

  it('the status bar shows the active environment and switches from its quick pick', async () => {
    const a = await api();
    assert.deepEqual(
      { text: a.statusBar().text, background: a.statusBar().backgroundColor, command: a.statusBar().command },
      { text: '$(database) test', background: undefined, command: 'pglc.env.switch' },
    );
    const prompter = scriptedPrompter({ pick: (labels) => labels.find((l) => l.endsWith('staging')) });
    await withPrompter(prompter, () => vscode.commands.executeCommand(a.statusBar().command));
    assert.deepEqual(prompter.asked[0]?.options, ['local', '$(check) test', 'staging']);
    assert.equal(a.activeEnvironment(), 'staging');
    assert.equal(a.statusBar().text, '$(database) staging');
    assert.equal(a.statusBar().backgroundColor, 'statusBarItem.errorBackground');
    assert.match(a.statusBar().tooltip, /staging\*\* \(protected\)/);
    const items = await environmentItems();
    assert.deepEqual(items.map(({ item }) => item.contextValue), ['environment.inactive', 'environment.inactive', 'environment.active.protected']);
  });

  it('without a password the Migrations view says so and offers Set Password', async () => {
    const rows = await migrationRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.contextValue, 'migrationsProblem.auth-failed');
    const a = await api();
    const nodes = ((await a.trees.migrations.getChildren()) ?? []) as unknown[];
    const item = await a.trees.migrations.getTreeItem(nodes[0]!);
    assert.equal(item.command?.command, 'pglc.env.setPassword');
    assert.deepEqual(item.command?.arguments, ['staging']);
    // The same failure from a command comes with the same action.
    await vscode.commands.executeCommand('pglc.env.testConnection', 'staging');
    const failure = a.lastFailure();
    assert.equal(failure?.error.code, 'auth-failed');
    assert.deepEqual(failure?.actions, ['Set Password for staging', 'Open Output']);
  });

  it('Set Password stores it in SecretStorage and the view reads the status with it', async () => {
    const prompter = scriptedPrompter({ input: (o) => (o.password ? process.env.PGLC_TEST_STAGING_PASSWORD : undefined) });
    await withPrompter(prompter, () => vscode.commands.executeCommand('pglc.env.setPassword', 'staging'));
    assert.equal(prompter.asked.length, 1);
    assert.deepEqual(await migrationStates(), { '0001 create_users': 'pending', '0002 create_posts': 'pending', '0003 create_comments': 'pending' });
    const items = await environmentItems();
    assert.equal(items[2]?.item.contextValue, 'environment.active.protected.password');
  });

  it('a rollback on the protected environment needs the database name typed, which the CLI checks', async () => {
    const stagingUrl = stagingUrlWithPassword();
    const database = new URL(stagingUrl).pathname.slice(1);
    // Migrate is allowed on a protected environment (after a plain modal).
    const migrate = scriptedPrompter({ ask: (_m, _o, b) => b[0] });
    await withPrompter(migrate, () => vscode.commands.executeCommand('pglc.migrate'));
    assert.match(migrate.asked[0]?.message ?? '', /protected environment "staging"/);
    assert.deepEqual(await tablesOf(stagingUrl), ['comments', 'posts', 'users']);

    // A wrong name is refused by the input box; the right one goes to the CLI as --confirm.
    let rejected: string | undefined;
    const rollback = scriptedPrompter({
      ask: (_m, _o, b) => b.find((x) => x === 'Roll Back'),
      input: (o) => {
        rejected = o.validateInput?.('not-the-name') as string | undefined;
        assert.equal(o.validateInput?.(database), undefined);
        return database;
      },
    });
    const result = await withPrompter(rollback, () => vscode.commands.executeCommand<RollbackResult>(EditorCommands.rollbackLast, '0003'));
    assert.deepEqual(rollback.asked.map((q) => q.kind), ['ask', 'input']);
    assert.match(rollback.asked[1]?.message ?? '', new RegExp(`Type the database name \\(${database}\\)`));
    assert.match(rejected ?? '', /Type exactly/);
    assert.deepEqual(result?.reverted.map((m) => m.version), ['0003']);
    assert.deepEqual(await tablesOf(stagingUrl), ['posts', 'users']);

    // Backing out of the typed name changes nothing.
    const backOut = scriptedPrompter({ ask: (_m, _o, b) => b.find((x) => x === 'Roll Back'), input: () => undefined });
    await withPrompter(backOut, () => vscode.commands.executeCommand(EditorCommands.rollbackLast, '0002'));
    assert.equal((await api()).lastFailure()?.error.code, 'cancelled');
    assert.deepEqual(await tablesOf(stagingUrl), ['posts', 'users']);
  });

  it('Migrate Fresh is blocked on the protected environment by the CLI, and its error is shown', async () => {
    const prompter = scriptedPrompter({ ask: (_m, _o, b) => b[0] });
    await withPrompter(prompter, () => vscode.commands.executeCommand('pglc.migrate.fresh'));
    assert.match(prompter.asked[0]?.message ?? '', /^Every schema in database ext_staging_[0-9a-f]+ on staging will be dropped\.$/);
    const failure = (await api()).lastFailure();
    assert.equal(failure?.error.code, 'guard-blocked');
    assert.deepEqual(await tablesOf(stagingUrlWithPassword()), ['posts', 'users']);
  });

  it('switching back updates the status bar and the view', async () => {
    const a = await api();
    await vscode.commands.executeCommand('pglc.env.switch', 'test');
    assert.equal(a.statusBar().text, '$(database) test');
    assert.equal(a.statusBar().backgroundColor, undefined);
    assert.equal((await migrationStates())['0001 create_users'], 'pending');
  });
});
