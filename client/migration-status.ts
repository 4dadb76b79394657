// The migration status of the active environment, from `pglc db migrate:status --json`, which
// the Migrations view, the status sync to the language server and the commands read — in two
// steps: the states (`--no-drift`: fast, what commands and CodeLens need), then, in the
// background, the drift of the schema from the applied migrations (the setting pglc.showDrift).
// Invariants: refreshes never overlap and a refresh requested while one runs is run once more
// after it (so the last snapshot is never older than the last request); the same holds for the
// drift reads, which never delay a refresh; a drift read only lands on a snapshot of the same
// root and environment, and the previous drift stays shown until the next one arrives; a failure
// to read the status is a snapshot too (with `error`), so the view can say why.

import * as vscode from 'vscode';
import type { ErrorPayload, MigrationStatusDrift, MigrationStatusResult } from '../protocol/index';
import type { EnvironmentStore } from './environment-store';
import { isErrorPayload, noProjectError } from './failures';
import type { PglcCli } from './pglc-cli';
import { readSettings } from './settings';

export interface MigrationStatusSnapshot {
  /** The project root the status belongs to. */
  root: string;
  /** Absolute migration folders (from `pglc env list`). */
  migrationDirs: string[];
  environment?: string;
  status?: MigrationStatusResult;
  error?: ErrorPayload;
  /** The environment's drift (the last one read for it; absent when pglc.showDrift is off or none was read yet). */
  drift?: MigrationStatusDrift;
}

export interface MigrationStatusStore extends vscode.Disposable {
  readonly onDidChange: vscode.Event<MigrationStatusSnapshot | undefined>;
  /** The last snapshot; undefined before the first refresh or without a project. */
  current(): MigrationStatusSnapshot | undefined;
  /** Reads the status again; settles once a read that started after this call has finished (not its drift). */
  refresh(options?: { environments?: boolean }): Promise<void>;
  /** A refresh after a quiet period (file watchers call this). */
  refreshSoon(options?: { environments?: boolean }): void;
  /** Settles when no refresh and no drift read is queued or running. */
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
      const previous = snapshot?.root === root && snapshot.environment === environment ? snapshot.drift : undefined;
      try {
        const status = await deps.cli.run<MigrationStatusResult>(['db', 'migrate:status', '--no-drift'], { cwd: root, env: environment, quiet: true });
        const showDrift = readSettings(vscode.Uri.file(root)).showDrift;
        snapshot = { root, migrationDirs, environment, status, ...(showDrift && previous ? { drift: previous } : {}) };
        if (showDrift) requestDrift();
      } catch (e) {
        const error = isErrorPayload(e) ? e : { code: 'internal' as const, what: 'pglc db migrate:status failed', why: String(e), fix: 'See the Postgres Lifecycle output.' };
        snapshot = { root, migrationDirs, environment, error };
      }
    }
    changed.fire(snapshot);
  };

  // Drift: the same command with drift, after the states are shown.
  let driftRunning: Promise<void> | undefined;
  let driftDirty = false;
  const readDrift = async (): Promise<void> => {
    const base = snapshot;
    if (!base?.status || !base.environment) return;
    let drift: MigrationStatusDrift;
    try {
      const full = await deps.cli.run<MigrationStatusResult>(['db', 'migrate:status'], { cwd: base.root, env: base.environment, quiet: true });
      if (!full.drift) return;
      drift = full.drift;
    } catch (e) {
      const problem = isErrorPayload(e) ? e : { code: 'internal' as const, what: 'Drift could not be read', why: String(e), fix: 'See the Postgres Lifecycle output.' };
      drift = { state: 'unavailable', identical: false, unmanaged: [], missing: [], different: [], columnOrder: [], notes: [], problem, cached: false, durationMs: 0 };
    }
    const now = snapshot;
    if (!now?.status || now.root !== base.root || now.environment !== base.environment) return;
    snapshot = { ...now, drift };
    changed.fire(snapshot);
  };
  const driftLoop = async (): Promise<void> => {
    while (driftDirty) {
      driftDirty = false;
      await readDrift();
    }
  };
  const requestDrift = (): void => {
    driftDirty = true;
    driftRunning ??= driftLoop().finally(() => (driftRunning = undefined));
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
      while (running || soon || driftRunning) await (running ?? soon ?? driftRunning);
    },
    dispose() {
      clearTimeout(timer);
      changed.dispose();
    },
  };
}
