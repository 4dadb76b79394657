// Helpers of the UI tests: where the running code-server is (scripts/run-ui-tests.ts passes it in
// PGLC_UI_SESSION), a headless Chromium on it, and the workbench's landmarks.
// Invariant: tests wait on DOM conditions with deadlines (Playwright locators), never on sleeps;
// every test leaves a screenshot in test-results/ui/ for a person to look at.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../scripts/vscode-server';

export interface UiSession {
  /** code-server's base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** Workspace folders prepared for this run, by fixture name (test/ui/fixtures/<name>). */
  workspaces: Record<string, string>;
  /** Per-run folder (Chromium profiles go there). */
  runRoot: string;
  /** Where screenshots go: test-results/ui/. */
  screenshots: string;
}

export function uiSession(): UiSession {
  const raw = process.env.PGLC_UI_SESSION;
  if (!raw) throw new Error('PGLC_UI_SESSION is not set — run the UI tests with `npm run test:ui`');
  return JSON.parse(raw) as UiSession;
}

/** How long the workbench may take to show up after navigation (~4 s here; generous for CI). */
export const WORKBENCH_TIMEOUT_MS = 60_000;

/** A Chromium for one test file; close it in `after`. */
export async function openBrowser(session: UiSession, name: string): Promise<BrowserContext> {
  return launchChromium(join(session.runRoot, `chromium-${name}`), process.env);
}

/** Opens `workspace` in the workbench and waits until the activity bar is there. */
export async function openWorkbench(browser: BrowserContext, session: UiSession, workspace: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${session.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench .activitybar').waitFor({ state: 'visible', timeout: WORKBENCH_TIMEOUT_MS });
  return page;
}

/** The activity-bar item of a view container, by its title. */
export function activityBarItem(page: Page, title: string) {
  return page.locator(`.activitybar .action-item a[aria-label^="${title}"]`).first();
}

/** The header of a view in the side bar, by its name. */
export function viewHeader(page: Page, name: string) {
  return page.locator('.sidebar .pane-header', { hasText: new RegExp(`^\\s*${name}`, 'i') }).first();
}

export async function screenshot(page: Page, session: UiSession, name: string): Promise<string> {
  mkdirSync(session.screenshots, { recursive: true });
  // No hover tooltip over what the picture is about (best effort: a picture is not a test).
  await page.mouse.move(900, 450);
  await page.locator('.workbench-hover-container').first().waitFor({ state: 'hidden', timeout: 3000 }).catch(() => undefined);
  const file = join(session.screenshots, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
