// Shared by the extension-host suites (bundled into each): the extension's API, waiting on
// conditions with a deadline, a prompter that answers the extension's questions and records
// them, the run's databases through `pg`, and putting the workspace back the way it started.
// Invariant: suites never sleep a fixed time; each suite leaves the databases, the files and the
// active environment as the fixture has them.

import * as assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import * as vscode from 'vscode';
import type { PglcExtensionApi } from '../../client/api';
import type { AskOptions, Prompter } from '../../client/prompts';

export const EXTENSION_ID = 'postgres-lifecycle.postgres-lifecycle';

export function extension(): vscode.Extension<PglcExtensionApi> {
  const ext = vscode.extensions.getExtension<PglcExtensionApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not installed in the test host`);
  return ext;
}

/** The active extension's API, once its first project scan and status read are done. */
export async function api(): Promise<PglcExtensionApi> {
  const ext = extension();
  await waitFor('the extension to activate', () => ext.isActive);
  await ext.exports.idle();
  return ext.exports;
}

/** Polls `check` until it returns true; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50)); // poll interval, bounded by the deadline
  }
}

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

export function migrationsDir(): string {
  return join(workspaceRoot(), 'pglc', 'migrations');
}

/** A question the extension asked, and how the test answered. */
export interface Asked {
  kind: 'ask' | 'input' | 'pick';
  message: string;
  detail?: string;
  modal?: boolean;
  options?: string[];
  answer?: string;
}

export interface ScriptedAnswers {
  ask?(message: string, options: AskOptions, buttons: string[]): string | undefined;
  input?(options: vscode.InputBoxOptions): string | undefined;
  pick?(labels: string[], options: vscode.QuickPickOptions): string | undefined;
}

/** A prompter answering with `answers` (undefined = Escape) and recording every question in `asked`. */
export function scriptedPrompter(answers: ScriptedAnswers): Prompter & { asked: Asked[] } {
  const asked: Asked[] = [];
  return {
    asked,
    async ask(message, options, ...buttons) {
      const answer = answers.ask?.(message, options, buttons);
      asked.push({ kind: 'ask', message, detail: options.detail, modal: options.modal, options: buttons, answer });
      return answer;
    },
    async input(options) {
      const answer = answers.input?.(options);
      asked.push({ kind: 'input', message: options.prompt ?? options.title ?? '', answer: options.password ? '•••' : answer });
      return answer;
    },
    async pick(items, options) {
      const labels = items.map((i) => i.label);
      const answer = answers.pick?.(labels, options);
      asked.push({ kind: 'pick', message: options.title ?? '', options: labels, answer });
      return items.find((i) => i.label === answer);
    },
  };
}

/** Runs `fn` with `prompter` answering the extension's questions. */
export async function withPrompter<T>(prompter: Prompter, fn: () => Thenable<T> | Promise<T>): Promise<T> {
  const a = await api();
  a.setPrompter(prompter);
  try {
    return await fn();
  } finally {
    a.setPrompter(undefined);
  }
}

/** A client on one of the run's databases (PGLC_TEST_DATABASE_URL by default); end() it. */
export async function connect(url = process.env.PGLC_TEST_DATABASE_URL): Promise<pg.Client> {
  assert.ok(url, 'PGLC_TEST_DATABASE_URL is not set — run the suites with `npm run test:extension`');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The staging database's URL with the password the tests type into "Set Password". */
export function stagingUrlWithPassword(): string {
  const url = new URL(process.env.PGLC_TEST_STAGING_URL ?? '');
  url.password = process.env.PGLC_TEST_STAGING_PASSWORD ?? '';
  return url.toString();
}

export async function tablesOf(url?: string): Promise<string[]> {
  const c = await connect(url);
  try {
    const r = await c.query<{ relname: string }>(
      "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname NOT LIKE '\\_pglc%' ORDER BY 1",
    );
    return r.rows.map((x) => x.relname);
  } finally {
    await c.end();
  }
}

/** Empties the `test` database (every migration rolled back, history gone) and removes extra migration files. */
export async function resetTestDatabase(extraFiles: string[] = []): Promise<void> {
  for (const f of extraFiles) if (existsSync(join(migrationsDir(), f))) rmSync(join(migrationsDir(), f));
  const c = await connect();
  try {
    await c.query('DROP SCHEMA public CASCADE');
    await c.query('CREATE SCHEMA public');
  } finally {
    await c.end();
  }
  const a = await api();
  if (a.activeEnvironment() !== 'test') await vscode.commands.executeCommand('pglc.env.switch', 'test');
  await vscode.commands.executeCommand('pglc.refresh');
  await a.idle();
}

export interface RowView {
  label: string;
  description: string;
  icon: string;
  contextValue: string;
}

async function rowViews(parent?: unknown): Promise<(RowView & { node: unknown })[]> {
  const tree = (await api()).trees.migrations;
  const nodes = ((await tree.getChildren(parent)) ?? []) as unknown[];
  return Promise.all(
    nodes.map(async (node) => {
      const item = await tree.getTreeItem(node);
      const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
      return {
        node,
        label,
        description: typeof item.description === 'string' ? item.description : '',
        icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
        contextValue: item.contextValue ?? '',
      };
    }),
  );
}

const plain = ({ node: _node, ...row }: RowView & { node: unknown }): RowView => row;

/** The Migrations view's migration rows (or its problem row) as the user sees them; the drift row is read with driftRows(). */
export async function migrationRows(): Promise<RowView[]> {
  return (await rowViews()).filter((r) => !r.contextValue.startsWith('drift.')).map(plain);
}

/** The Migrations view's drift row (undefined when there is none), its node, and the rows under it. */
export async function driftRows(): Promise<{ row: RowView; node: unknown; children: RowView[] } | undefined> {
  const drift = (await rowViews()).find((r) => r.contextValue.startsWith('drift.'));
  if (!drift) return undefined;
  return { row: plain(drift), node: drift.node, children: (await rowViews(drift.node)).map(plain) };
}

/** Row label → description, e.g. { '0001 create_users': 'applied' }. */
export async function migrationStates(): Promise<Record<string, string>> {
  return Object.fromEntries((await migrationRows()).map((r) => [r.label, r.description]));
}
