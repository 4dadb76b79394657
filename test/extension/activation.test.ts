// The extension activates by itself in a workspace with a pglc.toml, registers the commands and
// views its manifest declares, and its language server answers `initialize`.
// Runs inside the real extension host (scripts/run-extension-tests.ts opens the fixture workspace).

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PglcExtensionApi } from '../../client/api';
import { commandTable } from '../../client/commands/command-table';
import { VIEW_CONTAINER_ID, VIEW_IDS } from '../../client/views/view-ids';

const EXTENSION_ID = 'postgres-lifecycle.postgres-lifecycle';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string }[];
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
  };
}

/** Polls `check` until it is true; fails with `what` after `ms`. */
async function waitFor(what: string, check: () => boolean, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function extension(): vscode.Extension<PglcExtensionApi> {
  const ext = vscode.extensions.getExtension<PglcExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
  return ext;
}

describe('activation', () => {
  it('opens a workspace that has a pglc.toml', async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    const stat = await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder.uri, 'pglc.toml'));
    assert.equal(stat.type, vscode.FileType.File);
  });

  it('activates by itself (workspaceContains:pglc.toml), without a command', async () => {
    const ext = extension();
    assert.ok((ext.packageJSON as Manifest).activationEvents.includes('workspaceContains:pglc.toml'));
    await waitFor('the extension to activate', () => ext.isActive);
    await ext.exports.projectScanned;
  });

  it('registers every command of its manifest, and the manifest lists every command of the table', async () => {
    const manifest = extension().packageJSON as Manifest;
    const declared = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(commandTable.map((c) => c.id).sort(), declared);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(declared.filter((id) => !registered.has(id)), [], 'declared commands that are not registered');
  });

  it('declares the Postgres Lifecycle container with the views the client registers', () => {
    const manifest = extension().packageJSON as Manifest;
    assert.deepEqual(manifest.contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]), [
      [VIEW_CONTAINER_ID, 'Postgres Lifecycle'],
    ]);
    assert.deepEqual(
      manifest.contributes.views[VIEW_CONTAINER_ID]?.map((v) => [v.id, v.name]),
      [
        [VIEW_IDS.migrations, 'Migrations'],
        [VIEW_IDS.environments, 'Environments'],
        [VIEW_IDS.backups, 'Backups'],
        [VIEW_IDS.branches, 'Branches'],
      ],
    );
  });

  it('opens the container and focuses each of its views', async () => {
    await vscode.commands.executeCommand(`workbench.view.extension.${VIEW_CONTAINER_ID}`);
    for (const id of Object.values(VIEW_IDS)) await vscode.commands.executeCommand(`${id}.focus`);
  });

  it('starts the language server, which answers initialize', async () => {
    const info = await extension().exports.languageServer;
    assert.equal(info?.name, 'Postgres Lifecycle Language Server');
  });

  it('receives the environment the runner passes (extensionEnvironment)', () => {
    assert.equal(process.env.PGLC_EXTENSION_TEST_RUN, '1');
    assert.match(process.env.PGLC_TEST_DATABASE_URL ?? '', /^postgresql:\/\//);
  });

  it('activates quickly and reads the default environment of pglc.toml', async () => {
    const api = extension().exports;
    assert.ok(api.activationMs > 0 && api.activationMs < 1000, `activate() took ${api.activationMs} ms`);
    await api.idle();
    assert.equal(api.activeEnvironment(), 'test');
    assert.deepEqual(
      { visible: api.statusBar().visible, text: api.statusBar().text, color: api.statusBar().color, background: api.statusBar().backgroundColor },
      { visible: true, text: '$(database) test', color: '#3fb950', background: undefined },
    );
  });
});
