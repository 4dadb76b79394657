// require-statement-timeout: the first statement of a section that does work proportional to an
// existing table's size while holding a lock that stops its writes (a rewrite, a full scan, an
// index build) while no statement_timeout is set. Where require-lock-timeout bounds the wait
// *for* the lock, this bounds how long the lock is *held*: a rewrite that takes an hour instead of
// a minute keeps the table blocked for the hour, and nothing stops it. Reported once per section
// (one SET covers every statement after it), at the first such statement.
// Invariants: tables created earlier in the file, or not existing before the migration, are
// exempt (they are empty); what counts as long comes from the schema before the section (for a
// Down, after the Up)
// (a binary-compatible type change, a VALID CHECK (col IS NOT NULL) on PostgreSQL 12+, a
// non-volatile DEFAULT on 11+ are not); CONCURRENTLY and NOT VALID forms are not long under a
// blocking lock; with table sizes a small table makes the finding worth one level less.

import { VOLATILE_BUILTINS } from '../data/volatile-functions';
import type { DocumentRule, RuleFinding, TableSize } from '../rule';
import type { SchemaEffect } from '../schema-state/effects';
import { objectKey, type QName, type SchemaState } from '../schema-state/model';
import { typeChangeCost } from './change-column-type';
import { impactOf, sizeText, tableName } from './common';

/** What a statement does for long under a blocking lock, if anything: `rewrites orders`. */
function longWork(e: SchemaEffect, before: SchemaState, pgVersion: number): { table: QName; what: string; lock: string } | undefined {
  const key = (q: QName): string => objectKey(q.schema ?? 'public', q.name);
  const column = (q: QName, name: string) => before.tables.get(key(q))?.columns.find((c) => c.name === name);
  switch (e.op) {
    case 'alter-column-type': {
      const old = column(e.table, e.column)?.type;
      if (old && typeChangeCost(old, e.type) === 'none') return undefined;
      return { table: e.table, what: 'rewrites', lock: 'ACCESS EXCLUSIVE' };
    }
    case 'add-column': {
      const c = e.column;
      const volatile = c.default?.calls.some((call) => {
        const name = call.split('.').pop() ?? call;
        for (const f of before.functions.values()) if (f.name === name) return f.volatility === 'volatile';
        return VOLATILE_BUILTINS.has(name);
      });
      const serial = c.type !== undefined && /^serial[248]$/.test(c.type.name);
      const old = pgVersion < 11 && c.default !== undefined && !/^null$/i.test(c.default.sql.trim());
      return c.generated || c.identity || serial || volatile || old ? { table: e.table, what: 'rewrites', lock: 'ACCESS EXCLUSIVE' } : undefined;
    }
    case 'set-not-null': {
      const col = column(e.table, e.column);
      if (col?.notNull) return undefined;
      const checked = before.tables.get(key(e.table))?.constraints.some((c) => c.kind === 'check' && c.valid && c.notNullOf === e.column);
      return pgVersion >= 12 && checked ? undefined : { table: e.table, what: 'scans', lock: 'ACCESS EXCLUSIVE' };
    }
    case 'add-constraint': {
      const c = e.constraint;
      if (c.kind === 'check' || c.kind === 'foreign') return c.valid ? { table: e.table, what: 'scans', lock: c.kind === 'foreign' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE' } : undefined;
      return c.usingIndex ? undefined : { table: e.table, what: 'builds an index over', lock: 'ACCESS EXCLUSIVE' };
    }
    case 'create-index':
      return e.concurrent ? undefined : { table: e.table, what: 'builds an index over', lock: 'SHARE' };
    default:
      return undefined;
  }
}

/** The timeout a session effect sets: true for a non-zero one, false for 0 / RESET; undefined: not about statement_timeout. */
function timeoutSet(e: SchemaEffect): boolean | undefined {
  if (e.op !== 'session' || (e.name !== 'statement_timeout' && e.name !== '*')) return undefined;
  return e.name === 'statement_timeout' && e.value !== undefined && !/^'?0'?$/.test(e.value);
}

export const requireStatementTimeout: DocumentRule = {
  name: 'require-statement-timeout',
  summary: 'Set statement_timeout before a rewrite, scan or index build of an existing table, so a blocking lock cannot be held for longer than planned.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, statements, before, afterUp, sizes, settings }): RuleFinding[] {
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
      let work: ReturnType<typeof longWork>;
      for (const e of s.effects) {
        const t = timeoutSet(e);
        if (t !== undefined) timeout = t;
        else if (e.op === 'create-table') created.add(objectKey(e.table.schema ?? 'public', e.table.name));
        // a Down starts from what the Up left (a type the Up changed is changed back)
        else if (!work && !reported && !timeout) work = longWork(e, s.section === 'down' ? afterUp : before, settings.pgVersion);
      }
      if (timeout || reported || !work) continue;
      const key = objectKey(work.table.schema ?? 'public', work.table.name);
      if (created.has(key) || !before.tables.has(key)) continue;
      reported = true;
      const size: TableSize | undefined = sizes?.get(key);
      const name = tableName(undefined, work.table);
      const lineStart = doc.text.lastIndexOf('\n', s.ref.start - 1) + 1;
      const f: RuleFinding = {
        range: { start: s.ref.start, end: s.ref.end },
        message: `This ${work.what} all of ${name}${sizeText(size)} while holding ${/^[AEIOU]/.test(work.lock) ? 'an' : 'a'} ${work.lock} lock, and no statement_timeout is set: if it runs longer than planned, nothing stops it while writes to ${name} wait — SET statement_timeout (e.g. '5min', the longest you can afford to block the table) first.`,
        fixes: [{ title: "Add SET statement_timeout = '5min' before it", preferred: true, edits: [{ anchor: { at: 'document', start: lineStart, end: lineStart }, text: "SET statement_timeout = '5min';\n" }] }],
        related: [{ message: `${name} is created here`, ref: { kind: 'table', table: key } }],
      };
      const impact = size ? impactOf({ key, schema: work.table.schema ?? 'public', name: work.table.name, kind: 'table', created: 'earlier', partition: false, size }) : undefined;
      if (impact) f.impact = impact;
      out.push(f);
    }
    return out;
  },
};
