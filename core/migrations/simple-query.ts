// Sends SQL text with PostgreSQL's simple query protocol and reports how many of its statements
// completed before an error. That count is what locates an error that carries no position
// (a unique violation in the 5th statement of a section sent as one query).
// Invariant: rows are discarded, never buffered (a migration's SELECTs can be large), and
// the promise settles exactly once: after ReadyForQuery, or at once on a connection error.

import type { Connection } from 'pg';
import type { DbClient } from '../db/connect';

export interface SimpleQueryOutcome {
  /** Statements that sent CommandComplete before the error (or all of them). */
  completed: number;
  error?: unknown;
}

/**
 * Runs `text` (any number of statements) as one simple query; never rejects.
 * @example const { completed, error } = await runSimpleQuery(client, 'create table a(); create table a();') // completed === 1
 */
export function runSimpleQuery(client: DbClient, text: string): Promise<SimpleQueryOutcome> {
  return new Promise((resolve) => {
    let completed = 0;
    let settled = false;
    const settle = (outcome: SimpleQueryOutcome): void => {
      if (!settled) {
        settled = true;
        resolve(outcome);
      }
    };
    // The handler names are pg's Submittable protocol (the one pg-cursor and pg-query-stream use).
    const submittable = {
      submit(connection: Connection): void {
        connection.query(text);
      },
      handleRowDescription(): void {},
      handleDataRow(): void {},
      handlePortalSuspended(): void {},
      handleEmptyQuery(): void {},
      handleCommandComplete(): void {
        completed++;
      },
      handleCopyInResponse(connection: Connection): void {
        (connection as unknown as { sendCopyFail(msg: string): void }).sendCopyFail('pglc does not send COPY FROM STDIN data');
      },
      handleCopyData(): void {},
      handleError(error: unknown): void {
        settle({ completed, error });
      },
      handleReadyForQuery(): void {
        settle({ completed });
      },
    };
    client.query(submittable);
  });
}
