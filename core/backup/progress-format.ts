// Small helpers for progress reporting of long backup operations. Invariant: progress is
// throttled so a fast stream never floods the editor or a log with events.

/**
 * Human size: 1536 → "1.5 KB" (powers of 1024, one decimal below 10).
 * @example formatBytes(5 * 1024 ** 3) === '5.0 GB'
 */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/**
 * Calls `fn` at most once per `ms` (the first call at once); calls in between are dropped.
 * @example const report = throttle(100, (n: number) => progress(ctx, 'x', `${n}`)); report(1); report(2);
 */
export function throttle<A extends unknown[]>(ms: number, fn: (...args: A) => void): (...args: A) => void {
  let last = -Infinity;
  return (...args: A) => {
    const now = performance.now();
    if (now - last < ms) return;
    last = now;
    fn(...args);
  };
}
