// The installed VSIX in code-server, seen as a person sees it: the Postgres Lifecycle item in the
// activity bar opens its four views; in a project they show their welcome text, and in a folder
// without pglc.toml they offer to initialize.

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { BrowserContext } from 'playwright-core';
import { activityBarItem, openBrowser, openWorkbench, screenshot, uiSession, viewHeader, WORKBENCH_TIMEOUT_MS } from './workbench';

const session = uiSession();
const VIEWS = ['Migrations', 'Environments', 'Backups', 'Branches'];

describe('the Postgres Lifecycle container', () => {
  let browser: BrowserContext;
  before(async () => {
    browser = await openBrowser(session, 'smoke');
  });
  after(async () => {
    await browser?.close();
  });

  it('opens from the activity bar and shows its four views in a pglc project', async () => {
    const workspace = session.workspaces.project;
    assert.ok(workspace);
    const page = await openWorkbench(browser, session, workspace);
    try {
      await activityBarItem(page, 'Postgres Lifecycle').click({ timeout: WORKBENCH_TIMEOUT_MS });
      for (const name of VIEWS) await viewHeader(page, name).waitFor({ state: 'visible' });
      const titles = await page.locator('.sidebar .pane-header .title').allTextContents();
      assert.deepEqual(titles.map((t) => t.trim().toLowerCase()), VIEWS.map((v) => v.toLowerCase()));
      await page.locator('.sidebar .welcome-view-content', { hasText: 'No backups of the active environment yet' }).waitFor({ state: 'visible' });
      assert.equal(await page.locator('.sidebar', { hasText: 'Initialize Postgres Lifecycle' }).count(), 0);
    } finally {
      await screenshot(page, session, 'smoke-project-views');
      await page.close();
    }
  });

  it('offers "Initialize Postgres Lifecycle" in a folder without pglc.toml', async () => {
    const workspace = session.workspaces.empty;
    assert.ok(workspace);
    const page = await openWorkbench(browser, session, workspace);
    try {
      await activityBarItem(page, 'Postgres Lifecycle').click({ timeout: WORKBENCH_TIMEOUT_MS });
      const button = page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'Initialize Postgres Lifecycle' }).first();
      await button.waitFor({ state: 'visible' });
      assert.ok(await page.locator('.sidebar .welcome-view-content a', { hasText: 'README' }).first().isVisible());
    } finally {
      await screenshot(page, session, 'smoke-no-project');
      await page.close();
    }
  });
});
