// The moment a restore (or its undo) goes live: the target's sessions are closed and two renames
// — target → kept name, replacement → target — run in ONE transaction, with the marker comments.
// Invariants: the swap is atomic (PostgreSQL renames databases transactionally): if pglc is
// killed, the connection drops or a rename fails, the transaction rolls back and the target is
// exactly as it was — never missing, never half-swapped. Sessions that reconnect in the moment
// between closing and renaming make the renames fail; the whole transaction is then retried.

import { PglcError, throwIfAborted } from '../errors';
import type { DbClient } from '../db/connect';
import { note, type OperationContext } from '../operation-context';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { markerComment, type RestoreMarker } from './restore-names';
import { readConnections } from './target-state';

export interface SwapSpec {
  /** The live name, e.g. `shop`. */
  target: string;
  /** The database that takes the live name. */
  replacement: string;
  /** What the current target is renamed to (absent when the target does not exist). */
  keepAs?: string;
  /** Marker of the kept database. */
  keptMarker?: RestoreMarker;
  /** The live database's comment after the swap (undefined: none). */
  comment?: string;
  attempts?: number;
}

/**
 * Swaps `replacement` in under the name `target`, keeping the current one as `keepAs`.
 * Returns how many sessions were closed.
 * @example await swapDatabases(admin, { target: 'shop', replacement: newName, keepAs: oldName, keptMarker }, ctx);
 */
export async function swapDatabases(admin: DbClient, spec: SwapSpec, ctx: OperationContext): Promise<{ terminated: number }> {
  const attempts = spec.attempts ?? 5;
  let terminated = 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    throwIfAborted(ctx.signal, 'The restore');
    try {
      await admin.query('BEGIN');
      await admin.query("SET LOCAL lock_timeout = '30s'");
      if (spec.keepAs) {
        const t = await admin.query<{ ok: boolean }>(
          "SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
          [spec.target],
        );
        terminated += t.rows.filter((r) => r.ok).length;
        // The rename waits up to 5 s for the closed sessions to exit.
        await admin.query(`ALTER DATABASE ${quoteIdent(spec.target)} RENAME TO ${quoteIdent(spec.keepAs)}`);
        if (spec.keptMarker) await admin.query(`COMMENT ON DATABASE ${quoteIdent(spec.keepAs)} IS ${quoteLiteral(markerComment(spec.keptMarker))}`);
      }
      await admin.query(`ALTER DATABASE ${quoteIdent(spec.replacement)} RENAME TO ${quoteIdent(spec.target)}`);
      await admin.query(`COMMENT ON DATABASE ${quoteIdent(spec.target)} IS ${spec.comment === undefined ? 'NULL' : quoteLiteral(spec.comment)}`);
      await admin.query('COMMIT');
      return { terminated };
    } catch (e) {
      lastError = e;
      await admin.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code !== '55006' || attempt === attempts) break;
      note(ctx, `Sessions reconnected to ${spec.target} while it was being swapped; trying again (${attempt}/${attempts - 1})…`, 'warn');
    }
  }
  const still = spec.keepAs ? await readConnections(admin, spec.target).catch(() => []) : [];
  const err = lastError as { message?: string; code?: string };
  throw new PglcError('restore-failed', {
    what: `Could not swap the restored copy in as ${spec.target}`,
    why: `${err.message ?? String(lastError)}${still.length ? ` (still connected: ${still.slice(0, 5).map((c) => `${c.application || 'pid ' + c.pid} as ${c.user}`).join(', ')})` : ''}`,
    fix: err.code === '55006'
      ? `Stop the applications connected to ${spec.target} (or give this role pg_signal_backend so pglc can close their sessions), then run the restore again. ${spec.target} was not changed.`
      : `${spec.target} was not changed (the renames roll back together). Check that this role owns ${spec.target}, then run the restore again.`,
    details: { database: spec.target, connections: still },
  });
}
