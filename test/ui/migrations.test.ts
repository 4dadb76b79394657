// The installed VSIX in code-server, used as a person uses it on the `project` fixture (its
// databases come from scripts/run-ui-tests.ts): the Migrations view lists the migrations with
// their states, clicking the "▶ Apply" CodeLens of a pending migration (and confirming the
// earlier one in the dialog) turns its row to applied, a syntax error typed into a .sql file shows
// up in the Problems panel, and the status bar switches environment.

import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { activityBarItem, openBrowser, openWorkbench, screenshot, uiSession, WORKBENCH_TIMEOUT_MS } from './workbench';

const session = uiSession();
const TIMEOUT = 30_000;

/** The side bar pane of a view, by its name. */
function pane(page: Page, name: string): Locator {
  return page.locator('.sidebar .pane', { has: page.locator('.pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }) }).first();
}

/** A row of the Migrations view, by its label. */
function migrationRow(page: Page, label: string): Locator {
  return pane(page, 'Migrations').locator('.monaco-list-row', { hasText: label }).first();
}

async function waitForRowState(page: Page, label: string, state: string): Promise<void> {
  await migrationRow(page, label).locator('.label-description', { hasText: new RegExp(`^${state}$`) }).waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** Ctrl+P, the file name, Enter; resolves once its editor tab is active. */
async function openFile(page: Page, name: string): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 5 } }).catch(() => undefined);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: TIMEOUT });
  await input.fill(name);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: TIMEOUT });
}

/** The status bar item of the active environment. */
function environmentItem(page: Page): Locator {
  return page.locator('.statusbar-item[id$="pglc.environment"]').first();
}

describe('migrations in the editor', () => {
  let browser: BrowserContext;
  let page: Page;
  before(async () => {
    browser = await openBrowser(session, 'migrations');
    const workspace = session.workspaces.project;
    assert.ok(workspace);
    page = await openWorkbench(browser, session, workspace);
    await activityBarItem(page, 'Postgres Lifecycle').click({ timeout: WORKBENCH_TIMEOUT_MS });
  });
  after(async () => {
    await browser?.close();
  });

  it('shows every migration with its state and the active environment in the status bar', async () => {
    try {
      for (const label of ['0001 create_users', '0002 create_posts', '0003 create_comments']) await waitForRowState(page, label, 'pending');
      await environmentItem(page).filter({ hasText: 'test' }).waitFor({ state: 'visible', timeout: TIMEOUT });
    } finally {
      await screenshot(page, session, 'migrations-pending');
    }
  });

  it('the "▶ Apply" CodeLens applies a pending migration (after confirming the earlier one) and its row turns applied', async () => {
    try {
      await openFile(page, '0002_create_posts.sql');
      const lens = page.locator('.codelens-decoration a', { hasText: '▶ Apply' }).first();
      await lens.waitFor({ state: 'visible', timeout: TIMEOUT });
      await lens.click();
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.match(await dialog.innerText(), /Apply 0001 and 0002\?/);
      await screenshot(page, session, 'migrations-apply-dialog');
      await dialog.locator('.monaco-button', { hasText: /^Apply$/ }).click();
      await waitForRowState(page, '0001 create_users', 'applied');
      await waitForRowState(page, '0002 create_posts', 'applied');
      await waitForRowState(page, '0003 create_comments', 'pending');
      // The lens follows the status: the applied migration now offers its rollback.
      await page.locator('.codelens-decoration a', { hasText: '↶ Rollback' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
    } finally {
      await screenshot(page, session, 'migrations-applied');
    }
  });

  it('a syntax error typed into a .sql file appears in the Problems panel', async () => {
    try {
      await openFile(page, 'report.sql');
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
      await page.keyboard.press('Control+End');
      await page.keyboard.press('Enter');
      await page.keyboard.type('SELEC email FROM users;');
      await page.keyboard.press('Control+Shift+M');
      // Diagnostics follow the typing: an error for a prefix ("S", "SEL", …) can show first, so wait
      // for the one about the whole text rather than reading the first row that appears.
      const problem = page.locator('.markers-panel .monaco-list-row', { hasText: /syntax error at or near "SELEC"/i }).first();
      await problem.waitFor({ state: 'visible', timeout: TIMEOUT });
      assert.match(await problem.innerText(), /Ln 7, Col 1/);
    } finally {
      await screenshot(page, session, 'migrations-problems');
    }
  });

  it('switches environment from the status bar', async () => {
    try {
      await environmentItem(page).click();
      const staging = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'staging' }).first();
      await staging.waitFor({ state: 'visible', timeout: TIMEOUT });
      await screenshot(page, session, 'migrations-switch-pick');
      await staging.click();
      await environmentItem(page).filter({ hasText: 'staging' }).waitFor({ state: 'visible', timeout: TIMEOUT });
      // staging is another database: nothing is applied there.
      for (const label of ['0001 create_users', '0002 create_posts', '0003 create_comments']) await waitForRowState(page, label, 'pending');
    } finally {
      await screenshot(page, session, 'migrations-staging');
    }
  });
});
