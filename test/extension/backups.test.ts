// Backups inside the real extension host against the `test` database (the fixture workspace has
// no [backup] table, so backups go to its local `backups/` folder): Create Backup through the
// command (asks a name, progress completes), the Backups view shows it under today as local and
// unverified, Verify turns it verified (and the backup status bar says "Last backup … ✓"), Delete
// asks in a modal naming the id, size and age and removes it (the status bar says "No backup").
// Then, data-driven: rows of a listing with every location / verification state and a leftover,
// and the status bar's text and colour for ages, verification and a failed scheduled run.

import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { BackupCreateResult, BackupDeleteResult, BackupPruneResult, BackupStatusResult, BackupSummary, BackupVerifyResult } from '../../protocol/index';
import { backupStatusView } from '../../client/backup-status-bar';
import { backupNodes, backupTreeItem, type BackupsTreeNode } from '../../client/views/backups-tree';
import { api, resetTestDatabase, scriptedPrompter, waitFor, withPrompter, workspaceRoot } from './helpers';

interface BackupRow {
  node: unknown;
  label: string;
  description: string;
  icon: string;
  contextValue: string;
  children: BackupRow[];
}

/** The Backups view as the user sees it (two levels: days, then backups). */
async function backupRows(): Promise<BackupRow[]> {
  const a = await api();
  await a.backupsIdle();
  const tree = a.trees.backups;
  const rows = async (parent: unknown, depth: number): Promise<BackupRow[]> => {
    const nodes = ((await tree.getChildren(parent)) ?? []) as unknown[];
    return Promise.all(
      nodes.map(async (node) => {
        const item = await tree.getTreeItem(node);
        return {
          node,
          label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
          description: typeof item.description === 'string' ? item.description : '',
          icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
          contextValue: item.contextValue ?? '',
          children: depth === 0 && item.collapsibleState !== vscode.TreeItemCollapsibleState.None ? await rows(node, 1) : [],
        };
      }),
    );
  };
  return rows(undefined, 0);
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const backupsDir = () => join(workspaceRoot(), 'backups');

describe('Backups', () => {
  let id = '';

  before(async () => {
    rmSync(backupsDir(), { recursive: true, force: true });
    await resetTestDatabase();
    await vscode.commands.executeCommand('pglc.backup.refresh');
  });
  after(async () => {
    rmSync(backupsDir(), { recursive: true, force: true });
    await vscode.commands.executeCommand('pglc.backup.refresh');
  });

  it('with no backup the view is empty (welcome content) and the status bar says "No backup"', async () => {
    assert.deepEqual(await backupRows(), []);
    const a = await api();
    await waitFor('the backup status bar', () => a.backupStatusBar().visible);
    assert.equal(a.backupStatusBar().text, '$(archive) No backup');
    assert.equal(a.backupStatusBar().backgroundColor, 'statusBarItem.warningBackground');
    assert.equal(a.backupStatusBar().command, 'pglc.backups.focus');
  });

  it('Create Backup asks for a name, runs to completion, and the view lists it under today as local and unverified', async () => {
    const a = await api();
    const prompter = scriptedPrompter({ input: () => 'ext-check' });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<BackupCreateResult>('pglc.backup.create'));
    assert.equal(a.lastFailure()?.commandId === 'pglc.backup.create' ? a.lastFailure()?.message : undefined, undefined);
    assert.ok(r, 'no result');
    id = r.manifest.id;
    assert.match(id, /-ext-check$/);
    assert.equal(r.manifest.environment, 'test');
    assert.equal(r.location, 'local');
    assert.ok(existsSync(join(backupsDir(), id, 'manifest.json')), 'the manifest is in the workspace backups/ folder');
    assert.deepEqual(prompter.asked.map((q) => q.kind), ['input']);
    assert.equal(a.statusBar().text, '$(database) test', 'the progress is over (no spinner left)');

    const rows = await backupRows();
    assert.deepEqual(rows.map((d) => d.label), [`${today()} (1)`]);
    const row = rows[0]!.children[0]!;
    assert.match(row.label, /^\d\d:\d\d:\d\d ext-check$/);
    assert.match(row.description, /^manual · [\d.]+ (B|kB|MB) · local$/);
    assert.equal(row.icon, 'circle-outline');
    assert.equal(row.contextValue, 'backup.local.unverified');
    await waitFor('the status bar to show the backup', () => a.backupStatusBar().text.startsWith('$(archive) Last backup'));
    assert.doesNotMatch(a.backupStatusBar().text, /✓/);
    assert.equal(a.backupStatusBar().backgroundColor, undefined);
  });

  it('Verify Backup on the row marks it verified, and the status bar shows ✓', async () => {
    const a = await api();
    const row = (await backupRows())[0]!.children[0]!;
    const r = await vscode.commands.executeCommand<BackupVerifyResult>('pglc.backup.verify', row.node);
    assert.equal(r?.id, id);
    assert.equal(r?.ok, true);
    const after = (await backupRows())[0]!.children[0]!;
    assert.equal(after.icon, 'pass-filled');
    assert.equal(after.contextValue, 'backup.local.verified');
    await waitFor('✓ in the backup status bar', () => /^\$\(archive\) Last backup (just now|\d+ min ago) ✓$/.test(a.backupStatusBar().text));
  });

  it('Delete Backup asks in a modal naming id, size and age, then removes it', async () => {
    const a = await api();
    const refused = scriptedPrompter({ ask: () => undefined });
    await withPrompter(refused, () => vscode.commands.executeCommand('pglc.backup.delete', id));
    assert.equal(a.lastFailure()?.error.code, 'cancelled');
    assert.ok(existsSync(join(backupsDir(), id)), 'nothing deleted without the answer');

    const prompter = scriptedPrompter({ ask: (_m, _o, b) => b.find((x) => x === 'Delete') });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<BackupDeleteResult>('pglc.backup.delete', id));
    assert.equal(r?.id, id);
    const q = prompter.asked[0]!;
    assert.equal(q.modal, true);
    assert.match(q.message, new RegExp(`Delete backup ${id} of test`));
    assert.match(q.detail ?? '', new RegExp(`Id: ${id}[\\s\\S]*Size: [\\d.]+ (B|kB|MB)[\\s\\S]*Age: (just now|\\d+ min ago)`));
    assert.ok(!existsSync(join(backupsDir(), id)), 'the folder is gone');
    assert.deepEqual(await backupRows(), []);
    await waitFor('"No backup" in the status bar', () => a.backupStatusBar().text === '$(archive) No backup');
  });

  it('Prune Backups without a retention rule runs the dry run only and asks nothing', async () => {
    const prompter = scriptedPrompter({ ask: (_m, _o, b) => b[0] });
    const r = await withPrompter(prompter, () => vscode.commands.executeCommand<BackupPruneResult>('pglc.backup.prune'));
    assert.equal(r?.dryRun, true);
    assert.equal(r?.deleted, 0);
    assert.deepEqual(prompter.asked, []);
  });
});

const HOUR = 3_600_000;
const NOW = Date.parse('2026-11-21T12:00:00Z');

function summary(over: Partial<BackupSummary> & { id: string; createdAt: string }): BackupSummary {
  return { tags: ['manual'], environment: 'test', database: 'app', totalSize: 2048, encrypted: false, format: 'custom', scope: 'full', location: 'local', complete: true, ...over };
}

function shown(node: BackupsTreeNode): [string, string, string, string] {
  const item = backupTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  return [label.replace(/^\d\d:\d\d:\d\d /, 'T '), String(item.description ?? ''), item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '', item.contextValue ?? ''];
}

describe('Backups view rows and status bar text (data-driven)', () => {
  it('groups by day (newest first), describes each backup, and puts leftovers apart', () => {
    // Local times, so the days do not depend on the machine's time zone.
    const day1 = new Date(2026, 10, 20, 10, 0).toISOString();
    const day2a = new Date(2026, 10, 21, 9, 0).toISOString();
    const day2b = new Date(2026, 10, 21, 11, 0).toISOString();
    const nodes = backupNodes({
      environment: 'test',
      remote: true,
      list: {
        environment: 'test',
        backups: [
          summary({ id: 'a', name: 'old', createdAt: day1, location: 'remote', lastVerifyResult: 'failed', lastVerifiedAt: day2a }),
          summary({ id: 'b', createdAt: day2a, location: 'both', encrypted: true, tags: ['scheduled'], totalSize: 3 * 1024 * 1024, lastVerifyResult: 'ok', lastVerifiedAt: day2b }),
          summary({ id: 'c', name: 'before-v2', createdAt: day2b, tags: ['manual', 'pre-migration'], totalSize: 512 }),
        ],
        leftovers: [{ id: 'test-app-20261121T080000Z', location: 'local', size: 100 }],
      },
    });
    const expected: { day: string; rows: [string, string, string, string][] }[] = [
      { day: '2026-11-21 (2)', rows: [['T before-v2', 'manual, pre-migration · 512 B · local', 'circle-outline', 'backup.local.unverified'], ['T b', 'scheduled · 3.0 MB · 🔒 · local + remote', 'pass-filled', 'backup.both.verified']] },
      { day: '2026-11-20 (1)', rows: [['T old', 'manual · 2.0 kB · remote only', 'error', 'backup.remote.failed']] },
    ];
    const groups = nodes.filter((n) => n.kind === 'backup-day');
    assert.deepEqual(groups.map((g) => ({ day: shown(g)[0], rows: g.kind === 'backup-day' ? g.backups.map(shown) : [] })), expected);
    const leftovers = nodes[nodes.length - 1]!;
    assert.equal(leftovers.kind, 'backup-leftovers');
    assert.deepEqual(shown(leftovers).slice(0, 3), ['Incomplete (1)', '', 'warning']);
    if (leftovers.kind === 'backup-leftovers') assert.equal(shown(leftovers.leftovers[0]!)[3], 'backupLeftover.local');
  });

  it('a list that could not be read is one problem row; no project is no row (welcome content)', () => {
    const error = { code: 'config-invalid' as const, what: 'pglc.toml is invalid', why: 'line 3', fix: 'Fix it.' };
    const rows = backupNodes({ environment: 'test', remote: true, error });
    assert.deepEqual(rows.map((n) => shown(n)), [['pglc.toml is invalid', 'line 3', 'error', 'backupsProblem.config-invalid']]);
    assert.deepEqual(backupNodes({ remote: false, error: { ...error, code: 'config-missing' } }), []);
  });

  const base: BackupStatusResult = {
    environment: 'test',
    local: { store: './backups', count: 1, totalSize: 1, leftovers: 0 },
    storage: 'local',
    encrypt: false,
    retention: { policy: { preRestoreDays: 7, protectedRecentDays: 7 }, active: false, wouldDelete: [] },
  };
  const at = (hoursAgo: number) => new Date(NOW - hoursAgo * HOUR).toISOString();
  const failedRun = { environment: 'test', startedAt: at(1), finishedAt: at(1), result: 'failed' as const, message: 'pg_dump failed', steps: { create: 'failed' as const, upload: 'skipped' as const, prune: 'skipped' as const, notify: 'ok' as const } };
  const cases: { name: string; status: BackupStatusResult; text: string; warning: boolean }[] = [
    { name: 'none', status: base, text: '$(archive) No backup', warning: true },
    { name: '3 h, verified', status: { ...base, latest: summary({ id: 'x', createdAt: at(3), lastVerifyResult: 'ok' }) }, text: '$(archive) Last backup 3 h ago ✓', warning: false },
    { name: '5 min, unverified', status: { ...base, latest: summary({ id: 'x', createdAt: at(5 / 60) }) }, text: '$(archive) Last backup 5 min ago', warning: false },
    { name: 'verify failed', status: { ...base, latest: summary({ id: 'x', createdAt: at(1), lastVerifyResult: 'failed' }) }, text: '$(archive) Last backup 1 h ago', warning: false },
    { name: 'older than 26 h', status: { ...base, latest: summary({ id: 'x', createdAt: at(27), lastVerifyResult: 'ok' }) }, text: '$(archive) Last backup 27 h ago ✓', warning: true },
    { name: '3 days', status: { ...base, latest: summary({ id: 'x', createdAt: at(72) }) }, text: '$(archive) Last backup 3 d ago', warning: true },
    { name: 'last scheduled run failed', status: { ...base, latest: summary({ id: 'x', createdAt: at(2) }), lastRun: failedRun }, text: '$(archive) Last backup 2 h ago', warning: true },
  ];
  for (const c of cases) {
    it(`status bar: ${c.name}`, () => {
      const v = backupStatusView(c.status, 26, NOW);
      assert.deepEqual({ text: v.text, warning: v.warning }, { text: c.text, warning: c.warning });
      if (c.status.lastRun?.result === 'failed') assert.match(v.tooltip, /Last scheduled run failed: pg_dump failed/);
    });
  }
});
