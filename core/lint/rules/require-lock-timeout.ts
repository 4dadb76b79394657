// require-lock-timeout: the first statement of a section that takes a strong lock on an
// existing table while no lock_timeout is set. Why it matters more than the lock itself: the
// ALTER waits behind any long transaction, and every query that arrives after it queues behind
// the ALTER — a one-millisecond change stops the table for as long as the oldest transaction
// runs. With SET lock_timeout it fails fast instead, and can be retried. Reported once per
// section (one SET covers every statement after it), at the first such statement.
// Invariants: tables created earlier in the same file are exempt (nobody else holds a lock on
// them); a SET / SET LOCAL lock_timeout (or set_config) before the statement satisfies it.

import type { DocumentRule, RuleFinding } from '../rule';
import type { SchemaEffect } from '../schema-state/effects';
import { objectKey, type QName } from '../schema-state/model';
import { lockedTable } from './common';

/** What the rule needs of one statement's effects. */
interface Summary {
  /** Keys of the tables it creates. */
  creates: string[];
  /** The first table it locks. */
  locked?: QName;
  /** It sets lock_timeout (true: to a non-zero value; false: to 0, or RESET ALL), last one wins. */
  timeout?: boolean;
}

/** Summaries by effects list: a statement's effects are one list for as long as its text is unchanged, and the editor lints a long file on every keystroke. */
const summaries = new WeakMap<readonly SchemaEffect[], Summary>();

function summary(effects: readonly SchemaEffect[]): Summary {
  let s = summaries.get(effects);
  if (s) return s;
  s = { creates: [] };
  for (const e of effects) {
    if (e.op === 'session' && (e.name === 'lock_timeout' || e.name === '*')) s.timeout = e.name === 'lock_timeout' && e.value !== undefined && !/^'?0'?$/.test(e.value);
    else if (e.op === 'create-table') s.creates.push(objectKey(e.table.schema ?? 'public', e.table.name));
    else if (!s.locked) {
      const q = lockedTable(e);
      if (q) s.locked = q;
    }
  }
  summaries.set(effects, s);
  return s;
}

export const requireLockTimeout: DocumentRule = {
  name: 'require-lock-timeout',
  summary: 'Set lock_timeout before statements that lock existing tables, so a blocked ALTER fails fast instead of stopping the table.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, statements, before }): RuleFinding[] {
    const out: RuleFinding[] = [];
    const created = new Set<string>();
    let section = -1;
    let timeout = false;
    let reported = false;
    for (const s of statements) {
      if (s.section === 'preamble' || s.effects.length === 0) continue;
      if (s.ref.section !== section) {
        section = s.ref.section;
        timeout = false;
        reported = false;
      }
      const sum = summary(s.effects);
      if (sum.creates.length) for (const key of sum.creates) created.add(key);
      if (sum.timeout !== undefined) timeout = sum.timeout;
      const locked = sum.locked;
      if (timeout || reported || !locked) continue;
      const key = objectKey(locked.schema ?? 'public', locked.name);
      if (created.has(key) || !before.tables.has(key)) continue;
      reported = true;
      const lineStart = doc.text.lastIndexOf('\n', s.ref.start - 1) + 1;
      out.push({
        range: { start: s.ref.start, end: s.ref.end },
        message: `This locks ${locked.schema && locked.schema !== 'public' ? `${locked.schema}.` : ''}${locked.name} with no lock_timeout set: while it waits for a long-running transaction, every query on the table queues behind it — SET lock_timeout (e.g. '5s') first, and retry the migration if it times out.`,
        fixes: [{ title: "Add SET lock_timeout = '5s' before it", preferred: true, edits: [{ anchor: { at: 'document', start: lineStart, end: lineStart }, text: "SET lock_timeout = '5s';\n" }] }],
      });
    }
    return out;
  },
};
