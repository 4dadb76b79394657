// Reuse of a statement's rule findings across lint runs. While the rules of a statement run,
// every question they ask the RuleContext is recorded with its answer; the next run of the same
// statement text asks those questions again and, when every answer is the same, takes the
// recorded findings without parsing or running a rule. Why: after a keystroke in a 5,000-line
// migration only the edited statement (and those whose answers it changed — the table it
// creates, the lock_timeout it sets) must be checked again; re-parsing every statement would
// take most of the 50 ms budget.
// Invariant: findings are reused only when each recorded answer is structurally equal (as plain
// data, JSON's notion of equal) to the answer now — the same rule code given the same statement
// and answers yields the same findings. Answers are compared as values, not serialized: the check
// runs for every statement of a file on every keystroke.

import type { RuleContext, RuleFinding } from '../rule';

/** The questions of RuleContext (everything but report). */
export type Question = Exclude<keyof RuleContext, 'report'>;

/** One recorded question and its answer (plain data, never changed after it was given). */
export interface Dependency {
  q: Question;
  args: unknown[];
  answer: unknown;
}

/** The context a rule run reads from, without recording. */
export type Answers = Omit<RuleContext, 'report'>;

function ask(answers: Answers, q: Question, args: unknown[]): unknown {
  return (answers[q] as (...a: unknown[]) => unknown)(...args);
}

function key(value: unknown): string {
  return value === undefined ? 'u' : JSON.stringify(value);
}

/**
 * Equality of two answers as plain data (what JSON.stringify would make equal: a property whose
 * value is undefined counts as absent).
 * @example sameAnswer({ a: [1], b: undefined }, { a: [1] }) === true
 */
export function sameAnswer(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameAnswer(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!sameAnswer(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}

/**
 * A RuleContext that answers from `answers`, recording each question, and collects findings.
 * @example const rec = recordingContext(answers, (f) => out.push(f)); rule.check(stmt, rec.context); rec.deps
 */
export function recordingContext(answers: Answers, report: (f: RuleFinding) => void): { context: RuleContext; deps: Dependency[] } {
  const deps: Dependency[] = [];
  const seen = new Set<string>();
  const record = (q: Question, args: unknown[]): unknown => {
    const value = ask(answers, q, args);
    const id = `${q}\u0000${key(args)}`;
    if (!seen.has(id)) {
      seen.add(id);
      deps.push({ q, args, answer: value });
    }
    return value;
  };
  const context: RuleContext = {
    report,
    relation: (name) => record('relation', [name]) as ReturnType<RuleContext['relation']>,
    column: (table, column) => record('column', [table, column]) as ReturnType<RuleContext['column']>,
    constraint: (table, name) => record('constraint', [table, name]) as ReturnType<RuleContext['constraint']>,
    hasValidNotNullCheck: (table, column) => record('hasValidNotNullCheck', [table, column]) as boolean,
    index: (name) => record('index', [name]) as ReturnType<RuleContext['index']>,
    functionVolatility: (name) => record('functionVolatility', [name]) as ReturnType<RuleContext['functionVolatility']>,
    transaction: () => record('transaction', []) as ReturnType<RuleContext['transaction']>,
    session: () => record('session', []) as ReturnType<RuleContext['session']>,
    enumValuesAddedInTransaction: () => record('enumValuesAddedInTransaction', []) as string[],
    section: () => record('section', []) as ReturnType<RuleContext['section']>,
    isMigration: () => record('isMigration', []) as boolean,
    migrationFormat: () => record('migrationFormat', []) as ReturnType<RuleContext['migrationFormat']>,
    pgVersion: () => record('pgVersion', []) as number,
  };
  return { context, deps };
}

/** Whether every recorded question gets the recorded answer from `answers`. */
export function stillValid(deps: readonly Dependency[], answers: Answers): boolean {
  for (const d of deps) if (!sameAnswer(ask(answers, d.q, d.args), d.answer)) return false;
  return true;
}

export type { RuleFinding };
