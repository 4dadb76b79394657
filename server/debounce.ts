// Per-key debouncing of work (diagnostics after edits): the last call within `delayMs` wins.
// Invariant: at most one pending timer per key; cancel() and dispose() leave none behind; a delay
// of 0 runs the work at once (the bench measures analysis, not the debounce).

export interface Debouncer {
  schedule(key: string, work: () => void): void;
  cancel(key: string): void;
  dispose(): void;
}

/**
 * @example const d = createDebouncer(150); d.schedule(uri, () => publish(uri));
 */
export function createDebouncer(delayMs: number): Debouncer {
  const timers = new Map<string, NodeJS.Timeout>();
  const cancel = (key: string): void => {
    const t = timers.get(key);
    if (t) clearTimeout(t);
    timers.delete(key);
  };
  return {
    schedule(key, work) {
      cancel(key);
      if (delayMs <= 0) {
        work();
        return;
      }
      timers.set(key, setTimeout(() => {
        timers.delete(key);
        work();
      }, delayMs));
    },
    cancel,
    dispose() {
      for (const key of [...timers.keys()]) cancel(key);
    },
  };
}
