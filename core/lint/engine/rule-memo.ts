// Reuse of a statement's rule findings across lint runs. While the rules of a statement run,
// every question they ask the RuleContext is recorded with its answer; the next run of the same
// statement text asks those questions again and, when every answer is the same, takes the
// recorded findings without parsing or running a rule. Why: after a keystroke in a 5,000-line
// migration only the edited statement (and those whose answers it changed — the table it
// creates, the lock_timeout it sets) must be checked again; re-parsing every statement would
// take most of the 50 ms budget.
// Invariant: findings are reused only when each recorded answer is equal (as JSON) to the
// answer now — the same rule code given the same statement and answers yields the same findings.

import type { RuleContext, RuleFinding } from '../rule';

/** The questions of RuleContext (everything but report). */
export type Question = Exclude<keyof RuleContext, 'report'>;

/** One recorded question and its answer. */
export interface Dependency {
  q: Question;
  args: unknown[];
  answer: string;
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
      deps.push({ q, args, answer: key(value) });
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
  for (const d of deps) if (key(ask(answers, d.q, d.args)) !== d.answer) return false;
  return true;
}

export type { RuleFinding };
