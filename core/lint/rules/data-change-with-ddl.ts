// data-change-with-ddl: an UPDATE, DELETE, MERGE, COPY or INSERT … SELECT on an existing table in
// the same transaction as DDL that locks that table (ALTER TABLE, CREATE INDEX without
// CONCURRENTLY, …). The DDL's lock is held until the transaction commits, so every query on the
// table waits for the whole data change — a backfill of a large table turns a brief ALTER into a
// long outage (and a long data change before the DDL holds its row locks until then too).
// Rated by the table's size when an environment is connected (`pglc db lint --env`): a small
// table makes it worth one level less; without sizes the size is unknown and the finding is one
// level less as well (it says so).
// Invariants: judged per transaction (the replay's ids: a migration's own, a BEGIN … COMMIT
// block, or none — statements outside a transaction commit one by one and are never judged);
// tables created earlier in the file, or not existing before the migration, are exempt (empty,
// and nobody else can see them); INSERT … VALUES is bounded by its text and not judged.

import type { DocumentRule, DocumentStatement, RuleFinding } from '../rule';
import type { SchemaEffect } from '../schema-state/effects';
import { objectKey, type QName } from '../schema-state/model';
import { impactOf, lockedTable, sizeText, tableName } from './common';

const VERB: Record<string, string> = { update: 'UPDATE', delete: 'DELETE FROM', merge: 'MERGE INTO', copy: 'COPY', insert: 'INSERT INTO' };

/** The table a statement changes the rows of, for the verbs that can take long. */
function dataChange(e: SchemaEffect): (QName & { verb: string }) | undefined {
  if (e.op !== 'data' || e.verb === 'truncate' || (e.verb === 'insert' && !e.fromQuery)) return undefined;
  return { ...e.table, verb: VERB[e.verb] ?? e.verb.toUpperCase() };
}

/** `ALTER TABLE`, `CREATE INDEX`, … from a statement's own first words. */
function ddlName(s: DocumentStatement): string {
  const words = s.text.trim().split(/\s+/).slice(0, 3).map((w) => w.toUpperCase());
  if (words[0] === 'CREATE' && (words[1] === 'UNIQUE' || words[1] === 'INDEX')) return 'CREATE INDEX';
  return words.slice(0, 2).join(' ');
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

export const dataChangeWithDdl: DocumentRule = {
  name: 'data-change-with-ddl',
  summary: 'A data change (UPDATE, DELETE, INSERT … SELECT) of a table in the same transaction as DDL on it keeps the DDL lock for the whole change.',
  category: 'locking',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, statements, before, sizes }): RuleFinding[] {
    const created = new Set<string>();
    /** Per transaction: the first statement that locks each existing table, and the data changes of existing tables. */
    const ddl = new Map<number, Map<string, DocumentStatement>>();
    const changes: { s: DocumentStatement; key: string; q: QName; verb: string }[] = [];
    const existing = (q: QName): string | undefined => {
      const key = objectKey(q.schema ?? 'public', q.name);
      return created.has(key) || !before.tables.has(key) ? undefined : key;
    };
    for (const s of statements) {
      if (s.section === 'preamble' || s.tx === 'none' || s.effects.length === 0) continue;
      for (const e of s.effects) {
        if (e.op === 'create-table') created.add(objectKey(e.table.schema ?? 'public', e.table.name));
        const change = dataChange(e);
        const key = change ? existing(change) : undefined;
        if (change && key) {
          changes.push({ s, key, q: change, verb: change.verb });
          continue;
        }
        const locked = e.op === 'data' ? undefined : lockedTable(e);
        const lockedKey = locked ? existing(locked) : undefined;
        if (!lockedKey) continue;
        let tx = ddl.get(s.txId);
        if (!tx) ddl.set(s.txId, (tx = new Map()));
        if (!tx.has(lockedKey)) tx.set(lockedKey, s);
      }
    }
    const out: RuleFinding[] = [];
    const reported = new Set<DocumentStatement>();
    for (const c of changes) {
      const d = ddl.get(c.s.txId)?.get(c.key);
      if (!d || reported.has(c.s)) continue;
      reported.add(c.s);
      const name = tableName(undefined, c.q);
      const size = sizes?.get(c.key);
      const what = ddlName(d);
      const line = lineOf(doc.text, d.ref.start);
      const sizeNote = size ? '' : ' (its size is unknown here: pglc db lint --env rates it)';
      const subject = `${c.verb} ${name}${sizeText(size)}${c.verb === 'INSERT INTO' ? ' … SELECT' : ''}`;
      const message =
        d.ref.start < c.s.ref.start
          ? `${subject} runs after ${what} ${name} (line ${line}) in the same transaction: that lock on ${name} is held until the commit, so every query on ${name} waits for all of it${sizeNote} — change the data in a migration of its own (in batches for a large table).`
          : `${subject} runs before ${what} ${name} (line ${line}) in the same transaction: the rows it changes stay locked until the commit, and ${what} then holds ${name} locked until that commit too${sizeNote} — change the data in a migration of its own (in batches for a large table).`;
      const f: RuleFinding = {
        range: { start: c.s.ref.start, end: c.s.ref.end },
        message,
        related: [{ message: `${what} ${name} locks the table here`, ref: { kind: 'statement', offset: d.ref.start } }],
      };
      const impact = size ? impactOf({ key: c.key, schema: c.q.schema ?? 'public', name: c.q.name, kind: 'table', created: 'earlier', partition: false, size }) : 'low';
      if (impact) f.impact = impact;
      out.push(f);
    }
    return out;
  },
};
