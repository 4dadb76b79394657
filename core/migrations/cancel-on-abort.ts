// Makes an AbortSignal stop whatever a connection's backend is running: pg cannot abort a
// query in flight, so a second connection asks the server to cancel it (pg_cancel_backend),
// and the transaction being run rolls back on the server.
// Invariant: cancellation never kills the session (the advisory lock and the ability to
// ROLLBACK survive), and the watcher is always removed when the operation ends.

import type { ConnectionTarget } from '../db/connection-target';
import { connect, type DbClient } from '../db/connect';

export interface AbortWatch {
  /** Stops watching; awaits a cancellation in progress. */
  dispose(): Promise<void>;
}

/**
 * Watches `signal` for the duration of an operation on `client`.
 * @example const watch = await cancelOnAbort(client, target, ctx.signal); try { … } finally { await watch.dispose(); }
 */
export async function cancelOnAbort(client: DbClient, target: ConnectionTarget, signal: AbortSignal | undefined): Promise<AbortWatch> {
  if (!signal) return { dispose: async () => undefined };
  const r = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = r.rows[0]?.pid;
  let pending: Promise<void> = Promise.resolve();
  const onAbort = (): void => {
    pending = (async () => {
      const other = await connect(target, { applicationName: 'pglc cancel' }).catch(() => undefined);
      if (!other) return;
      try {
        await other.query('SELECT pg_cancel_backend($1)', [pid]);
      } catch {
        // the query finished on its own meanwhile; the caller checks the signal anyway
      } finally {
        await other.end().catch(() => undefined);
      }
    })();
  };
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return {
    async dispose() {
      signal.removeEventListener('abort', onAbort);
      await pending;
    },
  };
}
