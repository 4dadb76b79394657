// The ER diagram panel inside the real editor: the command opens the panel, the webview's
// script runs under the panel's CSP and asks for data (`ready`), the host sends the diagram of
// the `test` environment laid out by elkjs — every table and foreign key of the fixture, and the
// migration that creates each table — the webview reports that it drew it, and a second command
// reveals the same panel.

import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, resetTestDatabase, waitFor } from './helpers';

describe('ER diagram', () => {
  before(async () => {
    await resetTestDatabase();
    await (await api()).runPglc(['db', 'migrate'], { env: 'test' });
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetTestDatabase();
  });

  it('shows every table and foreign key of the environment, with the migrations that create them', async () => {
    const a = await api();
    await vscode.commands.executeCommand('pglc.schema.showErDiagram', 'test');
    await waitFor('the webview to ask for its data and get the diagram', () => a.erDiagram().loads > 0, 60_000);
    const s = a.erDiagram();
    assert.equal(s.lastError, undefined);
    assert.equal(s.open, true);
    assert.deepEqual(s.input, { source: 'test', collapsed: false });
    const d = s.diagram!;
    assert.deepEqual(d.tables.map((t) => t.id).sort(), ['public.comments', 'public.posts', 'public.users']);
    assert.deepEqual(d.relations.map((r) => `${r.from}(${r.fromColumns}) → ${r.to}(${r.toColumns})`).sort(), [
      'public.comments(post_id) → public.posts(id)',
      'public.posts(author_id) → public.users(id)',
    ]);
    assert.equal(d.layout?.nodes.length, 3, 'every table has a box');
    assert.equal(d.layout?.edges.length, 2, 'every foreign key has a path');
    assert.deepEqual(d.origins?.['public.posts'], { file: 'pglc/migrations/0002_create_posts.sql', line: 2 });
    const posts = d.tables.find((t) => t.id === 'public.posts')!;
    assert.deepEqual(posts.columns.map((c) => [c.name, c.primaryKey, c.foreignKey, c.nullable]), [
      ['id', true, false, false], ['author_id', false, true, false], ['title', false, false, false], ['body', false, false, false],
    ]);

    // The webview reports its drawing (the figure bench/schema/webview.ts measures at 300 tables).
    await waitFor('the webview to report that it drew the diagram', () => a.erDiagram().rendered !== undefined, 30_000);
    const rendered = a.erDiagram().rendered!;
    assert.equal(rendered.tables, 3);
    assert.ok(rendered.ms > 0 && rendered.ms < 5000, `drawn in ${rendered.ms} ms`);
    // Fitted (3 tables are readable), so the column rows exist: 4 + 3 + 4 columns × 3 texts.
    assert.ok(rendered.elements > 33, `${rendered.elements} SVG elements`);

    const loads = a.erDiagram().loads;
    await vscode.commands.executeCommand('pglc.schema.showErDiagram', 'test');
    assert.equal(a.erDiagram().loads, loads, 'the open panel is revealed, not loaded again');
  });
});
