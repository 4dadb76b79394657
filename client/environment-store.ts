// The project's environments as `pglc env list --json` reports them, which one is active, and
// the last connection test of each. The active environment is workspace state (not a setting):
// the one the user switched to, else the project's default_env.
// Invariant: everything here comes from the CLI; nothing parses pglc.toml in the editor, and no
// password is ever held here (they stay in SecretStorage).

import * as vscode from 'vscode';
import type { DbStatusResult, EnvironmentSummary, EnvListResult, ErrorPayload } from '../protocol/index';
import type { PglcCli } from './pglc-cli';
import { isErrorPayload, noProjectError } from './failures';

const ACTIVE_KEY = 'pglc.activeEnvironment';

/** The outcome of `pglc db status --env X` (a failure is a state too: unreachable, auth…). */
export type ConnectionState =
  | { ok: true; status: DbStatusResult; at: number }
  | { ok: false; error: ErrorPayload; at: number };

export interface EnvironmentStore extends vscode.Disposable {
  /** Fires when the list, the active environment or a connection state changed. */
  readonly onDidChange: vscode.Event<void>;
  /** The last successful `pglc env list`. */
  list(): EnvListResult | undefined;
  /** Why the last `pglc env list` failed (e.g. pglc.toml is invalid). */
  problem(): ErrorPayload | undefined;
  /** Runs `pglc env list` again (concurrent callers share one run). */
  load(): Promise<EnvListResult | undefined>;
  /** The list, loading it first if it has not been loaded yet. */
  ensure(): Promise<EnvListResult | undefined>;
  /** Name of the active environment (stored choice if it still exists, else the default). */
  active(): string | undefined;
  activeSummary(): EnvironmentSummary | undefined;
  find(name: string): EnvironmentSummary | undefined;
  setActive(name: string): Promise<void>;
  connection(name: string): ConnectionState | undefined;
  /** Runs `pglc db status --env name` and remembers the outcome. */
  testConnection(name: string): Promise<ConnectionState>;
}

export function createEnvironmentStore(deps: {
  cli: PglcCli;
  root(): string | undefined;
  state: vscode.Memento;
}): EnvironmentStore {
  const changed = new vscode.EventEmitter<void>();
  let list: EnvListResult | undefined;
  let problem: ErrorPayload | undefined;
  let loading: Promise<EnvListResult | undefined> | undefined;
  const connections = new Map<string, ConnectionState>();

  const read = async (): Promise<EnvListResult | undefined> => {
    try {
      const root = deps.root();
      if (!root) throw noProjectError();
      list = await deps.cli.run<EnvListResult>(['env', 'list'], { cwd: root, quiet: true });
      problem = undefined;
    } catch (e) {
      list = undefined;
      problem = isErrorPayload(e) ? e : { code: 'internal', what: 'pglc env list failed', why: String(e), fix: 'See the Postgres Lifecycle output.' };
    }
    changed.fire();
    return list;
  };
  // Concurrent callers share one run; `loading` is cleared only after it settled (asynchronously,
  // so a run that fails at once cannot leave a settled promise behind).
  const load = (): Promise<EnvListResult | undefined> => {
    loading ??= read().finally(() => (loading = undefined));
    return loading;
  };

  const active = (): string | undefined => {
    const stored = deps.state.get<string>(ACTIVE_KEY);
    if (!list) return stored;
    if (stored && list.environments.some((e) => e.name === stored)) return stored;
    return list.defaultEnvironment;
  };
  const find = (name: string) => list?.environments.find((e) => e.name === name);

  return {
    onDidChange: changed.event,
    list: () => list,
    problem: () => problem,
    load,
    ensure: () => (list ? Promise.resolve(list) : load()),
    active,
    activeSummary: () => {
      const name = active();
      return name ? find(name) : undefined;
    },
    find,
    async setActive(name) {
      await deps.state.update(ACTIVE_KEY, name);
      changed.fire();
    },
    connection: (name) => connections.get(name),
    async testConnection(name) {
      const root = deps.root();
      let state: ConnectionState;
      try {
        if (!root) throw noProjectError();
        const status = await deps.cli.run<DbStatusResult>(['db', 'status'], { cwd: root, env: name, quiet: true });
        state = { ok: true, status, at: Date.now() };
      } catch (e) {
        const error = isErrorPayload(e) ? e : { code: 'internal' as const, what: 'pglc db status failed', why: String(e), fix: 'See the Postgres Lifecycle output.' };
        state = { ok: false, error, at: Date.now() };
      }
      connections.set(name, state);
      changed.fire();
      return state;
    },
    dispose: () => changed.dispose(),
  };
}
