// Table sizes in the editor's lint, inside the real VS Code: after the migration status of the
// active environment (`test`) is read, the extension reads its lint facts with
// `pglc db lint:facts --json` and sends them to the language server (`pglc/lintFacts`), which
// never connects itself; a CREATE INDEX on a table with 20,000 rows there says so in its
// diagnostic. Waits are on VS Code's events and the extension's idle(), never on sleeps.

import * as assert from 'node:assert/strict';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { MigrateResult } from '../../protocol/index';
import { api, connect, migrationsDir, resetTestDatabase } from './helpers';

const FILE = '0004_users_email_lower.sql';
const DEADLINE_MS = 20_000;

function lintDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'pglc');
}

/** Resolves once the document's diagnostics satisfy `check` (on onDidChangeDiagnostics). */
function diagnosticsWhere(uri: vscode.Uri, what: string, check: (ds: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const now = lintDiagnostics(uri);
  if (check(now)) return Promise.resolve(now);
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}; diagnostics now: ${JSON.stringify(lintDiagnostics(uri).map((d) => d.message))}`));
    }, DEADLINE_MS);
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString()) || !check(lintDiagnostics(uri))) return;
      clearTimeout(deadline);
      sub.dispose();
      resolve(lintDiagnostics(uri));
    });
  });
}

describe('lint facts of the active environment', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await resetTestDatabase([FILE]);
  });

  it('rates a lint finding by the size of the table on the active environment', async () => {
    await resetTestDatabase([FILE]);
    // migrated behind the extension's back (no refresh yet), then 20,000 users
    const a = await api();
    const migrated = await a.runPglc<MigrateResult>(['db', 'migrate'], { env: 'test' });
    assert.deepEqual(migrated.applied.map((m) => m.version), ['0001', '0002', '0003']);
    const c = await connect();
    try {
      await c.query("INSERT INTO users (email) SELECT 'u' || g || '@example.com' FROM generate_series(1, 20000) g");
      await c.query('ANALYZE users');
    } finally {
      await c.end();
    }
    // a refresh reads the status (three migrations applied since the last facts), then the facts
    await vscode.commands.executeCommand('pglc.refresh');
    await a.idle();

    const file = join(migrationsDir(), FILE);
    if (existsSync(file)) rmSync(file);
    writeFileSync(file, '-- Up\ncreate index users_email_lower_idx on users (lower(email));\n-- Down\ndrop index users_email_lower_idx;\n');
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await diagnosticsWhere(uri, 'a CREATE INDEX finding with the size of users', (d) => d.some((x) => /users \(20k rows, [\d.]+ [kM]B\)/.test(x.message)));
    const index = ds.find((d) => /users \(20k rows/.test(d.message));
    assert.equal(typeof index?.code === 'object' ? index.code.value : index?.code, 'require-concurrent-index');
  });
});
