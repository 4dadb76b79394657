// The migration status of the active environment, from `pglc db migrate:status --json`, which
// the Migrations view, the status sync to the language server and the commands read.
// Invariants: refreshes never overlap and a refresh requested while one runs is run once more
// after it (so the last snapshot is never older than the last request); a failure to read the
// status is a snapshot too (with `error`), so the view can say why.

import * as vscode from 'vscode';
import type { ErrorPayload, MigrationStatusResult } from '../protocol/index';
import type { EnvironmentStore } from './environment-store';
import { isErrorPayload, noProjectError } from './failures';
import type { PglcCli } from './pglc-cli';

export interface MigrationStatusSnapshot {
  /** The project root the status belongs to. */
  root: string;
  /** Absolute migration folders (from `pglc env list`). */
  migrationDirs: string[];
  environment?: string;
  status?: MigrationStatusResult;
  error?: ErrorPayload;
}

export interface MigrationStatusStore extends vscode.Disposable {
  readonly onDidChange: vscode.Event<MigrationStatusSnapshot | undefined>;
  /** The last snapshot; undefined before the first refresh or without a project. */
  current(): MigrationStatusSnapshot | undefined;
  /** Reads the status again; settles once a read that started after this call has finished. */
  refresh(options?: { environments?: boolean }): Promise<void>;
  /** A refresh after a quiet period (file watchers call this). */
  refreshSoon(options?: { environments?: boolean }): void;
  /** Settles when no refresh is queued or running. */
  idle(): Promise<void>;
}

const DEBOUNCE_MS = 300;

export function createMigrationStatusStore(deps: { cli: PglcCli; envs: EnvironmentStore; root(): string | undefined }): MigrationStatusStore {
  const changed = new vscode.EventEmitter<MigrationStatusSnapshot | undefined>();
  let snapshot: MigrationStatusSnapshot | undefined;
  let running: Promise<void> | undefined;
  let dirty = false;
  let reloadEnvironments = false;
  let timer: NodeJS.Timeout | undefined;
  /** Settles after the debounced refresh that is scheduled now. */
  let soon: Promise<void> | undefined;
  let settleSoon: () => void = () => undefined;

  const readOnce = async (): Promise<void> => {
    const root = deps.root();
    if (!root) {
      snapshot = undefined;
      changed.fire(snapshot);
      return;
    }
    const envList = reloadEnvironments || !deps.envs.list() ? await deps.envs.load() : deps.envs.list();
    reloadEnvironments = false;
    const migrationDirs = envList?.migrationDirs ?? [];
    const environment = deps.envs.active();
    if (!envList || !environment) {
      snapshot = { root, migrationDirs, error: deps.envs.problem() ?? noProjectError() };
    } else {
      try {
        const status = await deps.cli.run<MigrationStatusResult>(['db', 'migrate:status'], { cwd: root, env: environment, quiet: true });
        snapshot = { root, migrationDirs, environment, status };
      } catch (e) {
        const error = isErrorPayload(e) ? e : { code: 'internal' as const, what: 'pglc db migrate:status failed', why: String(e), fix: 'See the Postgres Lifecycle output.' };
        snapshot = { root, migrationDirs, environment, error };
      }
    }
    changed.fire(snapshot);
  };

  const loop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      await readOnce();
    }
  };

  const refresh = (options?: { environments?: boolean }): Promise<void> => {
    if (options?.environments) reloadEnvironments = true;
    dirty = true;
    running ??= loop().finally(() => (running = undefined));
    return running;
  };

  return {
    onDidChange: changed.event,
    current: () => snapshot,
    refresh,
    refreshSoon(options) {
      if (options?.environments) reloadEnvironments = true;
      clearTimeout(timer);
      soon ??= new Promise<void>((resolve) => (settleSoon = resolve));
      timer = setTimeout(() => {
        const settle = settleSoon;
        soon = undefined;
        void refresh().finally(settle);
      }, DEBOUNCE_MS);
    },
    async idle() {
      while (running || soon) await (running ?? soon);
    },
    dispose() {
      clearTimeout(timer);
      changed.dispose();
    },
  };
}
