// Runs one migration section (Up to apply, Down to revert) on a session's connection, with its
// tracking-row change, in the mode its plan chose:
// - transaction: BEGIN; the whole section as ONE simple query; the tracking row; COMMIT — all
//   or nothing, and the server's error position is relative to the section;
// - no-transaction / own-transaction: statement by statement as written, the tracking row
//   after the last one; a failure reports which statements had already run.
// Invariant: a failed or cancelled transaction-mode section leaves no trace (rolled back,
// not recorded); every failure is `migration-failed` located at file:line:column with the
// server's message, detail, hint and SQLSTATE; session settings a migration changes (SET,
// SET ROLE, temp tables) do not leak into the next migration.

import { performance } from 'node:perf_hooks';
import type { DbClient } from '../db/connect';
import { PglcError } from '../errors';
import { note } from '../operation-context';
import { errorIndex, sectionPosition } from './error-position';
import type { ExecutionMode, ExecutionPlan, PlannedStatement } from './execution-plan';
import { migrationLabel, type MigrationFile, type MigrationSection } from './migration-file';
import { cancelledError, type MigrationSession } from './session';
import { runSimpleQuery } from './simple-query';

export interface SectionJob {
  file: MigrationFile;
  direction: 'up' | 'down';
  plan: ExecutionPlan;
  /** Writes (up) or deletes (down) the tracking row; inside the transaction in transaction mode. */
  record: (client: DbClient, durationMs: number) => Promise<void>;
  /** Versions applied (or reverted) earlier in this run, for the failure message. */
  doneBefore: string[];
}

export interface SectionOutcome {
  durationMs: number;
  mode: ExecutionMode;
  notes: string[];
}

/** Puts the session back the way a fresh connection has it, keeping the advisory lock. */
const RESET_SESSION = 'SET SESSION AUTHORIZATION DEFAULT; RESET ROLE; RESET ALL; DISCARD TEMP';

export function sectionOf(file: MigrationFile, direction: 'up' | 'down'): { section: MigrationSection; relPath: string } {
  if (direction === 'up') return { section: file.up, relPath: file.relPath };
  if (!file.down) throw new Error(`internal: ${file.version} has no Down section`);
  return { section: file.down, relPath: file.downRelPath ?? file.relPath };
}

/**
 * The notes that explain a non-default mode, e.g. "0007_idx runs outside a transaction because
 * of CREATE INDEX CONCURRENTLY at line 3".
 */
export function planNotes(file: MigrationFile, direction: 'up' | 'down', plan: ExecutionPlan): string[] {
  const { section, relPath } = sectionOf(file, direction);
  const label = `${migrationLabel(file)}${direction === 'down' ? ' (Down)' : ''}`;
  const at = plan.decidedBy ? sectionPosition(section, plan.decidedBy.start) : undefined;
  if (plan.mode === 'no-transaction') {
    const because = plan.declared
      ? file.format === 'dbmate' && !/pglc:no-transaction/i.test(section.sql) ? 'it is declared transaction:false' : 'it is declared with -- pglc:no-transaction'
      : `of ${plan.decidedBy?.noTransaction} at line ${at?.line} (${relPath}:${at?.line}:${at?.column})`;
    return [`${label} runs outside a transaction because ${because}; its statements run one by one and cannot be rolled back together`];
  }
  if (plan.mode === 'own-transaction') {
    const word = plan.decidedBy?.text.split(/\s+/)[0]?.toUpperCase() ?? 'BEGIN';
    return [`${label} manages its own transaction (${word} at line ${at?.line}), so it runs as written, not wrapped; pglc records it after its last statement`];
  }
  return [];
}

function truncate(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

interface DbErrorFields {
  message?: string;
  code?: string;
  detail?: string;
  hint?: string;
  where?: string;
  position?: string;
  internalPosition?: string;
  internalQuery?: string;
  severity?: string;
}

/**
 * Runs the section and its tracking change. Throws `migration-failed` or `cancelled`.
 * @example await runSection(session, { file, direction: 'up', plan, record, doneBefore: [] })
 */
export async function runSection(s: MigrationSession, job: SectionJob): Promise<SectionOutcome> {
  const { client, ctx } = s;
  const label = migrationLabel(job.file);
  const notes = planNotes(job.file, job.direction, job.plan);
  for (const n of notes) note(ctx, n, 'note');

  const onNotice = (msg: { severity?: string; message?: string }): void => {
    if (msg.severity === 'NOTICE' || msg.severity === 'WARNING' || msg.severity === 'INFO') {
      note(ctx, `${label}: ${msg.severity}: ${msg.message}`, msg.severity === 'WARNING' ? 'warn' : 'info');
    }
  };
  client.on('notice', onNotice);
  try {
    if (ctx.signal?.aborted) throw cancelledError(`${job.direction === 'up' ? 'Applying' : 'Reverting'} ${label}`, { version: job.file.version, done: job.doneBefore });
    const durationMs = job.plan.mode === 'transaction' ? await inTransaction(s, job) : await statementByStatement(s, job);
    return { durationMs, mode: job.plan.mode, notes };
  } finally {
    client.off('notice', onNotice);
    await client.query(RESET_SESSION).catch(() => undefined);
  }
}

async function inTransaction(s: MigrationSession, job: SectionJob): Promise<number> {
  const { client, ctx } = s;
  const { section } = sectionOf(job.file, job.direction);
  await client.query('BEGIN');
  let committed = false;
  try {
    const t0 = performance.now();
    const out = await runSimpleQuery(client, section.sql);
    if (out.error) {
      if (ctx.signal?.aborted) throw cancelledDuring(job, 'rolled back');
      const failed = job.plan.statements[out.completed];
      throw failure(job, out.error, { text: section.sql, offset: 0 }, failed, []);
    }
    const durationMs = performance.now() - t0;
    if (ctx.signal?.aborted) throw cancelledDuring(job, 'rolled back');
    try {
      await job.record(client, durationMs);
      await client.query('COMMIT');
      committed = true;
    } catch (e) {
      if (ctx.signal?.aborted) throw cancelledDuring(job, 'rolled back');
      // e.g. a deferred constraint checked at COMMIT: it belongs to the migration
      throw failure(job, e, { text: section.sql, offset: 0 }, undefined, []);
    }
    return durationMs;
  } finally {
    if (!committed) await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function statementByStatement(s: MigrationSession, job: SectionJob): Promise<number> {
  const { client, ctx } = s;
  const ran: PlannedStatement[] = [];
  const t0 = performance.now();
  for (const stmt of job.plan.statements) {
    if (ctx.signal?.aborted) throw cancelledDuring(job, 'stopped', ran);
    const out = await runSimpleQuery(client, stmt.text);
    if (out.error) {
      // An own BEGIN … that failed midway leaves an aborted transaction block behind.
      if (job.plan.statements.some((x) => x.transactionControl)) await client.query('ROLLBACK').catch(() => undefined);
      if (ctx.signal?.aborted) throw cancelledDuring(job, 'stopped', ran);
      throw failure(job, out.error, { text: stmt.text, offset: stmt.start }, stmt, ran);
    }
    ran.push(stmt);
  }
  const durationMs = performance.now() - t0;
  try {
    await job.record(client, durationMs);
  } catch (e) {
    throw failure(job, e, { text: '', offset: 0 }, undefined, ran);
  }
  return durationMs;
}

function ranDetails(job: SectionJob, ran: PlannedStatement[]): { line: number; column: number; text: string }[] {
  const { section } = sectionOf(job.file, job.direction);
  return ran.map((r) => ({ ...sectionPosition(section, r.start), text: truncate(r.text) }));
}

function cancelledDuring(job: SectionJob, how: 'rolled back' | 'stopped', ran: PlannedStatement[] = []): PglcError {
  const label = migrationLabel(job.file);
  const verb = job.direction === 'up' ? 'Applying' : 'Reverting';
  const details: Record<string, unknown> = { version: job.file.version, direction: job.direction, mode: job.plan.mode, done: job.doneBefore };
  if (how === 'rolled back') {
    return new PglcError('cancelled', {
      what: `${verb} ${label} was cancelled`,
      why: `a cancellation was requested; ${label} was rolled back and not recorded`,
      fix: `Run the command again when ready${job.doneBefore.length ? `; ${job.doneBefore.join(', ')} (before it) stay ${job.direction === 'up' ? 'applied' : 'reverted'}` : ''}.`,
      details,
    });
  }
  const statements = ranDetails(job, ran);
  details.statementsRun = statements;
  return new PglcError('cancelled', {
    what: `${verb} ${label} was cancelled partway`,
    why: `it runs outside a transaction, and ${statements.length} of its ${job.plan.statements.length} statements had already run${statements.length ? ` (lines ${statements.map((x) => x.line).join(', ')})` : ''}; they cannot be rolled back, and ${label} was not recorded`,
    fix: `Undo or keep those statements by hand, make ${label} safe to re-run (IF NOT EXISTS), then run the command again.`,
    details,
  });
}

function failure(
  job: SectionJob,
  e: unknown,
  sent: { text: string; offset: number },
  failed: PlannedStatement | undefined,
  ran: PlannedStatement[],
): PglcError {
  if (e instanceof PglcError) return e;
  const err = (e ?? {}) as DbErrorFields;
  const { section, relPath } = sectionOf(job.file, job.direction);
  const label = migrationLabel(job.file);
  const isServerError = typeof err.severity === 'string';
  const at = sectionPosition(section, errorIndex(err, sent, failed));
  const message = err.message ?? String(e);
  const up = job.direction === 'up';

  const details: Record<string, unknown> = {
    file: relPath,
    line: at.line,
    column: at.column,
    version: job.file.version,
    name: job.file.name,
    direction: job.direction,
    mode: job.plan.mode,
    message,
    done: job.doneBefore,
  };
  if (err.detail) details.detail = err.detail;
  if (err.hint) details.hint = err.hint;
  if (err.code) details.sqlState = err.code;
  if (err.where) details.where = err.where;

  const extra = [err.detail ? `DETAIL: ${err.detail}` : '', err.hint ? `HINT: ${err.hint}` : ''].filter(Boolean).join(' ');
  const earlier = job.doneBefore.length
    ? ` ${job.doneBefore.length} migration${job.doneBefore.length === 1 ? '' : 's'} ${up ? 'applied' : 'reverted'} before it in this run stay${job.doneBefore.length === 1 ? 's' : ''} ${up ? 'applied' : 'reverted'}.`
    : '';
  let state: string;
  if (job.plan.mode === 'transaction') {
    state = `${label} was rolled back as a whole and not ${up ? 'recorded' : 'removed from the history'}.`;
  } else {
    const statements = ranDetails(job, ran);
    details.statementsRun = statements;
    const lines = `line${statements.length === 1 ? '' : 's'} ${statements.map((x) => x.line).join(', ')}`;
    const recorded = `it was not ${up ? 'recorded' : 'removed from the history'}.`;
    if (job.plan.mode === 'own-transaction') {
      state = `${label} manages its own transaction: ${statements.length} of its ${job.plan.statements.length} statements ran before the failure${statements.length ? ` (${lines})` : ''}; what its own COMMITs committed stays, its open transaction was rolled back, and ${recorded}`;
    } else {
      state = statements.length
        ? `${label} runs outside a transaction: ${statements.length} of its ${job.plan.statements.length} statements had already run (${lines}) and cannot be rolled back; ${recorded}`
        : `${label} runs outside a transaction, but none of its statements had run yet; ${recorded}`;
    }
  }
  const where = `${relPath}:${at.line}:${at.column}`;
  return new PglcError('migration-failed', {
    what: `${up ? 'Migration' : 'Rolling back'} ${label} failed at ${where}`,
    why: `${isServerError ? 'PostgreSQL' : 'the connection'} reported: ${message}${extra ? ` (${extra})` : ''}`,
    fix: `Fix the SQL at ${where} and run the command again. ${state}${earlier}`,
    details,
  });
}
