// The ER diagram as a person sees it in the installed VSIX: with the `project` fixture's
// migrations applied to `test`, "Postgres Lifecycle: Show ER Diagram" from the command palette
// draws every table and foreign key (DOM assertions on the webview's SVG), hovering a relation
// shows its FK definition, and clicking a table opens the migration that creates it.
// The run's `test` database is migrated here with the built CLI and emptied again afterwards, so
// the other UI files find it as the fixture has it (pending migrations).

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { openBrowser, openWorkbench, screenshot, uiSession } from './workbench';

const session = uiSession();
const TIMEOUT = 60_000;

function pglc(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [join(__dirname, '../../dist/pglc.js'), ...args], { cwd, env: process.env, encoding: 'utf8' });
  assert.equal(r.status, 0, `pglc ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

async function emptyTestDatabase(): Promise<void> {
  const c = new pg.Client({ connectionString: process.env.PGLC_TEST_DATABASE_URL });
  await c.connect();
  try {
    await c.query('DROP SCHEMA public CASCADE');
    await c.query('CREATE SCHEMA public');
  } finally {
    await c.end();
  }
}

/** The panel's document: the webview iframe, then its active frame. */
function diagramFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('ER diagram', () => {
  let browser: BrowserContext;
  let page: Page;
  const workspace = session.workspaces.project!;
  before(async () => {
    pglc(['db', 'migrate', '--env', 'test'], workspace);
    browser = await openBrowser(session, 'er-diagram');
    page = await openWorkbench(browser, session, workspace);
  });
  after(async () => {
    await browser?.close();
    await emptyTestDatabase();
  });

  it('draws every table and foreign key of the example project; clicking a table opens its migration', async () => {
    try {
      // The palette lists the command once the extension has found the project (its `when` clause).
      await page.locator('.statusbar-item[id$="pglc.environment"]', { hasText: 'test' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: TIMEOUT });
      await input.fill('>Postgres Lifecycle: Show ER Diagram');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show ER Diagram' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.keyboard.press('Enter');

      const frame = diagramFrame(page);
      const tables = frame.locator('svg#erd-svg g.erd-table');
      await frame.locator('svg#erd-svg g.erd-table[data-id="public.comments"]').waitFor({ state: 'attached', timeout: TIMEOUT });
      const ids = await tables.evaluateAll((gs) => gs.map((g) => g.getAttribute('data-id')).sort());
      assert.deepEqual(ids, ['public.comments', 'public.posts', 'public.users']);
      const edges = await frame.locator('svg#erd-svg polyline.erd-edge').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-id')).sort());
      assert.deepEqual(edges, ['public.comments.comments_post_id_fkey', 'public.posts.posts_author_id_fkey']);
      const postsColumns = await frame.locator('g.erd-table[data-id="public.posts"] text.erd-column').allTextContents();
      assert.deepEqual(postsColumns, ['id', 'author_id', 'title', 'body']);
      assert.match(await frame.locator('#erd-status').innerText(), /test: 3 tables, 2 relations/);
      await screenshot(page, session, 'er-diagram');

      // Hover a relation: its FK definition.
      await frame.locator('polyline.erd-edge-hit[data-id="public.posts.posts_author_id_fkey"]').hover({ force: true });
      await frame.locator('#erd-tooltip', { hasText: 'REFERENCES public.users(id)' }).waitFor({ state: 'visible', timeout: TIMEOUT });

      // Click a table: the migration that creates it.
      await frame.locator('g.erd-table[data-id="public.posts"] .erd-table-head').click();
      await page.locator('.tabs-container .tab.active', { hasText: '0002_create_posts.sql' }).waitFor({ state: 'visible', timeout: TIMEOUT });
    } finally {
      await screenshot(page, session, 'er-diagram-open-migration');
    }
  });
});
