// "Initialize Postgres Lifecycle" in a folder without pglc.toml, clicked in the installed VSIX:
// it runs `pglc init`, opens the new pglc.toml, and the views turn from the welcome that offers
// to initialize to the project's (no migrations yet, the embedded local environment active).
// The local database the first status read starts is stopped afterwards.

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { ROOT } from '../../scripts/vscode-server';
import { activityBarItem, openBrowser, openWorkbench, screenshot, uiSession, WORKBENCH_TIMEOUT_MS } from './workbench';

const session = uiSession();
const TIMEOUT = 90_000;

describe('Initialize', () => {
  let browser: BrowserContext;
  let page: Page;
  const workspace = session.workspaces.fresh;
  before(async () => {
    assert.ok(workspace);
    browser = await openBrowser(session, 'initialize');
    page = await openWorkbench(browser, session, workspace);
    await activityBarItem(page, 'Postgres Lifecycle').click({ timeout: WORKBENCH_TIMEOUT_MS });
  });
  after(async () => {
    await browser?.close();
    // The first status read of `local` started the embedded PostgreSQL in the folder: stop it.
    if (workspace && existsSync(join(workspace, 'pglc.toml'))) {
      spawnSync(process.execPath, [join(ROOT, 'dist/pglc.js'), 'db', 'stop'], { cwd: workspace, stdio: 'ignore' });
    }
  });

  it('runs pglc init from the welcome view and shows the new project', async () => {
    try {
      const button = page.locator('.sidebar .welcome-view-content .monaco-button', { hasText: 'Initialize Postgres Lifecycle' }).first();
      await button.waitFor({ state: 'visible', timeout: TIMEOUT });
      await button.click();
      await page.locator('.tabs-container .tab.active', { hasText: 'pglc.toml' }).waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.match(readFileSync(join(workspace!, 'pglc.toml'), 'utf8'), /\[environments\.local\]/);
      await page.locator('.sidebar .welcome-view-content', { hasText: 'No migrations yet' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.equal(await page.locator('.sidebar .welcome-view-content', { hasText: 'Initialize Postgres Lifecycle' }).count(), 0);
      await page.locator('.statusbar-item[id$="pglc.environment"]', { hasText: 'local' }).waitFor({ state: 'visible', timeout: TIMEOUT });
    } finally {
      await screenshot(page, session, 'initialize');
    }
  });
});
