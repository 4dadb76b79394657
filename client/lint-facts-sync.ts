// Gives the language server the active environment's facts for schema lint: after the migration
// status is read, `pglc db lint:facts --json` reads the table sizes and server version of the
// same environment, and `pglc/lintFacts` (protocol/lsp.ts) hands them over — the server rates
// findings by size ("locks orders (12M rows, 3.1 GB)"), assumes that server's version and shows
// sizes on hover. Why through the CLI: the server never connects to a database, and the CLI is
// the one tested way the editor reads one (passwords from SecretStorage, the embedded local
// cluster, error payloads).
// Invariants: reads never overlap (a request during a read runs once after it); facts are read
// again when the project, the environment or its applied migrations change, or after
// FACTS_MAX_AGE_MS — not on every status refresh; with `pglc.lintFacts` off, or when the status
// could not be read, the server is told there are none (it falls back to pglc.toml's version
// and no sizes) and why.

import * as vscode from 'vscode';
import type { LintFacts, LintFactsParams } from '../protocol/index';
import { LintFactsNotification } from '../protocol/lsp';
import { isErrorPayload } from './failures';
import type { RunningLanguageClient } from './language-client';
import type { MigrationStatusSnapshot, MigrationStatusStore } from './migration-status';
import type { PglcCli } from './pglc-cli';
import { readSettings } from './settings';

const FACTS_MAX_AGE_MS = 5 * 60_000;

export interface LintFactsSync extends vscode.Disposable {
  /** The last params sent (tests). */
  current(): LintFactsParams | undefined;
  /** Settles when no read is queued or running. */
  idle(): Promise<void>;
}

/** What decides whether facts must be read again: project, environment, applied migrations. */
function keyOf(s: MigrationStatusSnapshot): string {
  const applied = (s.status?.rows ?? []).filter((r) => r.state === 'applied' || r.state === 'modified').map((r) => r.version);
  return [s.root, s.environment ?? '', ...applied].join('\n');
}

export function syncLintFacts(deps: { status: MigrationStatusStore; cli: PglcCli; client: RunningLanguageClient; output: vscode.LogOutputChannel }): LintFactsSync {
  let sent: LintFactsParams | undefined;
  let readKey: string | undefined;
  let readAt = 0;
  let next: MigrationStatusSnapshot | undefined;
  let running: Promise<void> | undefined;

  const send = async (params: LintFactsParams): Promise<void> => {
    sent = params;
    await deps.client.sendNotification(LintFactsNotification, params).catch((e: unknown) => {
      deps.output.warn(`Could not send the lint facts to the language server — ${e instanceof Error ? e.message : String(e)}`);
    });
  };

  const readOnce = async (s: MigrationStatusSnapshot): Promise<void> => {
    if (!readSettings(vscode.Uri.file(s.root)).lintFacts) {
      readKey = undefined;
      if (sent?.facts || sent?.root !== s.root) await send({ root: s.root, problem: 'pglc.lintFacts is off' });
      return;
    }
    if (!s.environment || s.error) {
      readKey = undefined;
      await send({ root: s.root, problem: s.error ? s.error.what : 'no active environment' });
      return;
    }
    const key = keyOf(s);
    if (key === readKey && Date.now() - readAt < FACTS_MAX_AGE_MS) return;
    try {
      const facts = await deps.cli.run<LintFacts>(['db', 'lint:facts'], { cwd: s.root, env: s.environment, quiet: true });
      readKey = key;
      readAt = Date.now();
      await send({ root: s.root, facts });
    } catch (e) {
      readKey = undefined;
      const what = isErrorPayload(e) ? `${e.what} — ${e.why}` : String(e);
      deps.output.warn(`Lint facts of ${s.environment} could not be read, lint goes on without table sizes — ${what}`);
      await send({ root: s.root, problem: what });
    }
  };

  const loop = async (): Promise<void> => {
    while (next) {
      const s = next;
      next = undefined;
      await readOnce(s);
    }
  };

  const subscription = deps.status.onDidChange((snapshot) => {
    if (!snapshot) return;
    next = snapshot;
    running ??= loop().finally(() => (running = undefined));
  });
  const settings = vscode.workspace.onDidChangeConfiguration((e) => {
    const s = deps.status.current();
    if (!e.affectsConfiguration('pglc.lintFacts') || !s) return;
    readKey = undefined;
    next = s;
    running ??= loop().finally(() => (running = undefined));
  });

  return {
    current: () => sent,
    async idle() {
      while (running) await running;
    },
    dispose() {
      subscription.dispose();
      settings.dispose();
    },
  };
}
