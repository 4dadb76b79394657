// Restores inside the real extension host against the `test` database: "Restore Backup…" plans
// the restore and opens the confirmation panel; the host refuses a confirmation the plan does not
// allow (open connections not acknowledged), runs the accepted one, and the panel shows the
// outcome; the Backups view gets a "Replaced by restores" group whose row offers Undo and Drop;
// Undo Last Restore asks in a modal and swaps the old database back; Drop removes it. Then,
// data-driven: the host's confirmation rule for protected targets and open connections.

import * as assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type pg from 'pg';
import { confirmationProblem, type BackupCreateResult, type DropReplacedResult, type RestorePlan, type RestoreResult, type RestoreUndoResult } from '../../protocol/index';
import { api, connect, resetTestDatabase, scriptedPrompter, waitFor, withPrompter, workspaceRoot } from './helpers';

const backupsDir = () => join(workspaceRoot(), 'backups');

async function count(): Promise<number> {
  const c = await connect();
  try {
    return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM restore_probe')).rows[0]!.n;
  } finally {
    await c.end();
  }
}

async function replacedRows(): Promise<{ label: string; contextValue: string; node: unknown }[]> {
  const a = await api();
  await a.backupsIdle();
  const tree = a.trees.backups;
  const top = ((await tree.getChildren(undefined)) ?? []) as unknown[];
  for (const n of top) {
    if ((n as { kind?: string }).kind !== 'replaced-databases') continue;
    const rows = ((await tree.getChildren(n)) ?? []) as unknown[];
    return Promise.all(rows.map(async (node) => {
      const item = await tree.getTreeItem(node);
      return { label: String(item.label), contextValue: item.contextValue ?? '', node };
    }));
  }
  return [];
}

describe('Restore', () => {
  let backupId = '';
  let app: pg.Client | undefined;

  before(async () => {
    rmSync(backupsDir(), { recursive: true, force: true });
    await resetTestDatabase();
    const c = await connect();
    await c.query('CREATE TABLE restore_probe (id int PRIMARY KEY); INSERT INTO restore_probe SELECT generate_series(1, 25)');
    await c.end();
    const prompter = scriptedPrompter({ input: () => 'before-restore-test' });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<BackupCreateResult>('pglc.backup.create'));
    backupId = r!.manifest.id;
    const d = await connect();
    await d.query('DELETE FROM restore_probe WHERE id > 5');
    await d.end();
  });
  after(async () => {
    await app?.end().catch(() => undefined);
    rmSync(backupsDir(), { recursive: true, force: true });
    await resetTestDatabase();
  });

  it('Restore Backup… opens the panel with the plan; the host refuses what the plan does not allow; the accepted one runs', async () => {
    const a = await api();
    // An application connected to the target: the panel must get its acknowledgement.
    app = await connect();
    app.on('error', () => undefined);
    const running = vscode.commands.executeCommand<RestoreResult | undefined>('pglc.restore', backupId);
    await waitFor('the restore panel', () => Boolean(a.restorePanel()?.states.length), 60_000);
    const panel = a.restorePanel()!;
    const first = panel.states[0]!;
    assert.equal(first.phase, 'confirm');
    assert.equal(first.plan.backup.id, backupId);
    assert.equal(first.plan.target.environment, 'test');
    assert.equal(first.plan.confirmation, 'none');
    assert.ok(first.plan.target.connections.length >= 1, 'the plan lists the open connection');
    assert.deepEqual(first.input, { backupId, environment: 'test', args: [] });

    await panel.send({ type: 'confirm', typedName: '', closeConnections: false });
    const rejected = panel.states[panel.states.length - 1]!;
    assert.equal(rejected.phase, 'confirm');
    assert.match(rejected.rejected ?? '', /connected/);
    assert.equal(await count(), 5, 'nothing ran');

    await panel.send({ type: 'confirm', typedName: '', closeConnections: true });
    const result = await running;
    assert.ok(result?.done, JSON.stringify(a.lastFailure()));
    assert.equal(await count(), 25);
    const phases = panel.states.map((s) => s.phase);
    assert.equal(phases[phases.length - 1], 'done');
    assert.ok(phases.includes('running'));
    assert.ok(panel.states.some((s) => s.phase === 'running' && /Restoring|Checking|Swapping|Loading/.test(s.progress ?? '')), 'progress reached the panel');
    app = undefined;

    const rows = await replacedRows();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.label, result!.done!.oldDatabase);
    assert.equal(rows[0]!.contextValue, 'replacedDatabase.undoable');
  });

  it('Cancel in the panel runs nothing', async () => {
    const a = await api();
    const running = vscode.commands.executeCommand<RestoreResult | undefined>('pglc.restoreLatest');
    await waitFor('the restore panel', () => a.restorePanel()?.states[0]?.phase === 'confirm' && a.restorePanel()!.states.length === 1, 60_000);
    assert.equal(a.restorePanel()!.states[0]!.plan.backup.id, backupId, 'latest skips the pre-restore backup');
    await a.restorePanel()!.send({ type: 'cancel' });
    assert.equal(await running, undefined);
    assert.equal((await replacedRows()).length, 1, 'no new restore');
  });

  it('Undo Last Restore asks in a modal, then brings the replaced database back; Drop removes the restored one', async () => {
    const refused = scriptedPrompter({ ask: () => undefined });
    await withPrompter(refused, () => vscode.commands.executeCommand('pglc.restore.undo'));
    assert.equal((await api()).lastFailure()?.error.code, 'cancelled');
    assert.equal(await count(), 25);
    const prompter = scriptedPrompter({ ask: (_m, _o, b) => b.find((x) => x === 'Undo Restore') });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<RestoreUndoResult>('pglc.restore.undo'));
    assert.ok(r?.keptAs);
    assert.equal(prompter.asked[0]!.modal, true);
    assert.match(prompter.asked[0]!.detail ?? '', /becomes .* again/);
    assert.equal(await count(), 5);

    const rows = await replacedRows();
    const kept = rows.find((x) => x.label === r!.keptAs)!;
    const drop = scriptedPrompter({ ask: (_m, _o, b) => b.find((x) => x === 'Drop') });
    for (const row of rows) {
      const done = await withPrompter(drop, () => vscode.commands.executeCommand<DropReplacedResult>('pglc.restore.dropOld', row.node));
      assert.equal(done?.dropped.length, 1, JSON.stringify((await api()).lastFailure()));
    }
    assert.ok(kept);
    await waitFor('the group to disappear', async () => (await replacedRows()).length === 0);
  });
});

describe('Restore confirmation rule (data-driven)', () => {
  const plan = (over: { protected?: boolean; connections?: number; swap?: boolean }): RestorePlan => ({
    mode: 'full',
    backup: {} as RestorePlan['backup'],
    target: {
      environment: 'prod', protected: Boolean(over.protected), database: 'shop', server: 'h:5432', serverVersion: '16', exists: true, tables: 1,
      connections: Array.from({ length: over.connections ?? 0 }, (_x, i) => ({ pid: i, user: 'app', application: 'web' })),
    },
    tables: [], preRestoreBackup: { taken: true, reason: '' },
    ...(over.swap === false ? {} : { swap: { newDatabase: 'n', oldDatabase: 'o', terminatesConnections: over.connections ?? 0 } }),
    owners: true, privileges: true, missingRoles: [], jobs: 1, steps: [], nonAtomic: [], warnings: [], estimatedMs: 1,
    confirmation: over.protected ? 'typed-name' : 'none', command: [],
  });
  const cases: [string, Parameters<typeof plan>[0], string, boolean, boolean][] = [
    ['not protected, no sessions', {}, '', false, true],
    ['protected, right name', { protected: true }, 'shop', false, true],
    ['protected, wrong case', { protected: true }, 'Shop', false, false],
    ['protected, empty', { protected: true }, '', false, false],
    ['sessions not acknowledged', { connections: 2 }, '', false, false],
    ['sessions acknowledged', { connections: 2 }, '', true, true],
    ['sessions of a partial restore (no swap)', { connections: 2, swap: false }, '', false, true],
  ];
  for (const [name, over, typed, ack, ok] of cases) {
    it(name, () => assert.equal(confirmationProblem(plan(over), { type: 'confirm', typedName: typed, closeConnections: ack }) === undefined, ok));
  }
});
