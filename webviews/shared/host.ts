// The webview side of the panel protocol: typed postMessage to the extension host, messages from
// it, and the state VS Code keeps across reloads.
// Invariant: the only way data enters a webview is a message from the host (or the state this
// webview itself saved); nothing is read from the page's HTML or fetched.

declare function acquireVsCodeApi(): {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
};

export interface HostChannel<FromHost, ToHost, State> {
  post(message: ToHost): void;
  /** Calls `handler` for every message the host sends (messages from other origins are ignored). */
  onMessage(handler: (message: FromHost) => void): void;
  state(): State | undefined;
  saveState(state: State): void;
}

/**
 * Connects to the host once per page (acquireVsCodeApi may be called only once).
 * @example const host = connectToHost<FromHost, ToHost, State>(); host.post({ type: 'ready' });
 */
export function connectToHost<FromHost extends { type: string }, ToHost extends { type: string }, State>(): HostChannel<FromHost, ToHost, State> {
  const api = acquireVsCodeApi();
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) =>
      window.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as { type?: unknown } | undefined;
        if (data && typeof data === 'object' && typeof data.type === 'string') handler(data as FromHost);
      }),
    state: () => (api.getState() as State | undefined) ?? undefined,
    saveState: (state) => api.setState(state),
  };
}
