// A restore into the protected `staging` environment of the `project` fixture, as a person does
// it: Create Backup from the palette, "Restore Latest Backup…" opens the confirmation panel
// (a webview) with the plan; its Restore button stays disabled while the typed database name is
// missing or wrong and enables only when it matches; pressing it runs the restore and the panel
// shows the outcome. Screenshots of the panel before and after.

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { BrowserContext, FrameLocator, Page } from 'playwright-core';
import { activityBarItem, openBrowser, openWorkbench, screenshot, uiSession, WORKBENCH_TIMEOUT_MS } from './workbench';

const session = uiSession();
const TIMEOUT = 60_000;
const stagingDatabase = new URL(process.env.PGLC_TEST_STAGING_URL ?? 'postgresql://x/none').pathname.slice(1);

async function runCommand(page: Page, title: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('Control+Shift+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.keyboard.press('Enter');
}

/** The content of the active webview panel (two nested iframes in the workbench). */
function panelFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

describe('restore in the editor', () => {
  let browser: BrowserContext;
  let page: Page;
  before(async () => {
    assert.ok(stagingDatabase, 'PGLC_TEST_STAGING_URL names the staging database');
    browser = await openBrowser(session, 'restore');
    const workspace = session.workspaces.project;
    assert.ok(workspace);
    page = await openWorkbench(browser, session, workspace);
    await activityBarItem(page, 'Postgres Lifecycle').click({ timeout: WORKBENCH_TIMEOUT_MS });
    const env = page.locator('.statusbar-item[id$="pglc.environment"]').first();
    await env.waitFor({ state: 'visible', timeout: TIMEOUT });
    if (!(await env.innerText()).includes('staging')) {
      await env.click();
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'staging' }).first().click({ timeout: TIMEOUT });
      await env.filter({ hasText: 'staging' }).waitFor({ state: 'visible', timeout: TIMEOUT });
    }
  });
  after(async () => {
    await browser?.close();
  });

  it('the Restore button of a protected target stays disabled until the database name is typed', async () => {
    try {
      await runCommand(page, 'Postgres Lifecycle: Create Backup');
      const name = page.locator('.quick-input-widget input');
      await name.waitFor({ state: 'visible', timeout: TIMEOUT });
      await name.fill('ui-restore');
      await page.keyboard.press('Enter');
      await page.locator('.sidebar .pane .monaco-list-row', { hasText: 'ui-restore' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });

      await runCommand(page, 'Postgres Lifecycle: Restore Latest Backup');
      const panel = panelFrame(page);
      await panel.locator('h1', { hasText: 'Restore' }).waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.match(await panel.locator('header').innerText(), new RegExp(`staging · protected[\\s\\S]*${stagingDatabase}`));
      const button = panel.locator('vscode-button#restore');
      await button.waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.equal(await button.getAttribute('disabled'), '', 'disabled before anything is typed');
      const field = panel.locator('vscode-textfield#typed-name input');
      await field.fill('production');
      await panel.locator('#hint', { hasText: /Type the database name exactly/ }).waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.equal(await button.getAttribute('disabled'), '', 'still disabled with a wrong name');
      await field.fill(stagingDatabase.toUpperCase());
      assert.equal(await button.getAttribute('disabled'), '', 'the name is case-sensitive');
      await screenshot(page, session, 'restore-confirm-disabled');
      const ack = panel.locator('vscode-checkbox#close-connections');
      if (await ack.count()) await ack.click();
      await field.fill(stagingDatabase);
      await panel.locator('#hint', { hasText: /Ready/ }).waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.equal(await button.getAttribute('disabled'), null, 'enabled once the name matches');
      await screenshot(page, session, 'restore-confirm-enabled');
    } finally {
      await screenshot(page, session, 'restore-confirm');
    }
  });

  it('pressing Restore runs it and the panel shows the outcome', async () => {
    const panel = panelFrame(page);
    try {
      await panel.locator('vscode-button#restore').click();
      await panel.locator('.done h2', { hasText: /^Restored in/ }).waitFor({ state: 'visible', timeout: 120_000 });
      const done = await panel.locator('.done').innerText();
      assert.match(done, /Pre-restore backup/);
      assert.match(done, new RegExp(`${stagingDatabase}__pglc_old_\\d{14}`));
    } finally {
      await screenshot(page, session, 'restore-done');
    }
  });
});
