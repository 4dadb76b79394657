// non-idempotent-ddl: CREATE without IF NOT EXISTS, DROP without IF EXISTS (and ALTER TABLE's
// ADD COLUMN / DROP COLUMN / DROP CONSTRAINT, ALTER TYPE … ADD VALUE), where PostgreSQL has that
// form, in a statement that runs outside a transaction. Why only there: a migration that fails in
// a transaction leaves nothing behind, but one that runs statement by statement (CONCURRENTLY,
// `-- pglc:no-transaction`, dbmate's transaction:false) keeps what ran before the failure, and
// running it again stops at the first object that already exists (or is already gone).
// Invariants: only forms PostgreSQL accepts are suggested (an unnamed CREATE INDEX, a CREATE
// TYPE, CREATE SCHEMA with elements have none, and are not reported); the quick fix inserts the
// clause where the grammar wants it, in the statement's own letter case — except for CREATE INDEX
// CONCURRENTLY, whose failed build leaves an INVALID index that IF NOT EXISTS would silently keep:
// there the fix drops it first (DROP INDEX CONCURRENTLY IF EXISTS).

import { statementSource, type StatementSource, type TextRange } from '../ast/statement-source';
import type { DocumentRule, DocumentStatement, RuleFinding } from '../rule';
import type { SchemaEffect } from '../schema-state/effects';

interface Missing {
  /** `CREATE INDEX orders_note_idx`, `ADD COLUMN region`. */
  what: string;
  clause: 'IF NOT EXISTS' | 'IF EXISTS';
  /** Where the clause goes (after this keyword), and what to underline. */
  after: number;
  range: TextRange;
  /** CREATE INDEX CONCURRENTLY: a failed build leaves an INVALID index that IF NOT EXISTS would keep, so it is dropped first instead. */
  dropFirst?: string;
}

/** Index of the first code token in [from, to) whose word is `word`. */
function tokenIndex(src: StatementSource, word: string, from = 0, to = src.text.length): number | undefined {
  for (let i = src.tokenAt(from); i < src.tokens.length && (src.tokens[i]?.start ?? to) < to; i++) if (src.word(i) === word) return i;
  return undefined;
}

/** The last token of the keyword path `words` starting at token `i` (words in `optional` may come before each). */
function afterPath(src: StatementSource, i: number, words: readonly string[], optional: ReadonlySet<string> = new Set()): number | undefined {
  let k = i;
  let last: number | undefined;
  for (const w of words) {
    while (optional.has(src.word(k)) && src.word(k) !== w) k++;
    if (src.word(k) !== w) return undefined;
    last = k;
    k++;
  }
  return last;
}

/** The clause's place after token `k`, underlining from `from` to the token after it (the name). */
function place(src: StatementSource, k: number | undefined, from: number): { after: number; range: TextRange } | undefined {
  if (k === undefined) return undefined;
  const kw = src.tokens[k];
  if (!kw) return undefined;
  const name = src.tokens[k + 1];
  return { after: kw.end, range: { start: from, end: name ? name.end : kw.end } };
}

const DROP_PATHS: Partial<Record<Extract<SchemaEffect, { op: 'drop' }>['kind'], readonly string[]>> = {
  table: ['table'],
  view: ['view'],
  matview: ['materialized', 'view'],
  index: ['index'],
  sequence: ['sequence'],
  type: ['type'],
  domain: ['domain'],
  function: ['function'],
  procedure: ['procedure'],
  schema: ['schema'],
  extension: ['extension'],
  trigger: ['trigger'],
  policy: ['policy'],
  'foreign-table': ['foreign', 'table'],
};

const CREATE_OPTIONAL = new Set(['global', 'local', 'temp', 'temporary', 'unlogged', 'unique', 'or', 'replace', 'trusted', 'recursive']);

function missing(e: SchemaEffect, src: StatementSource, kind: string): Missing | undefined {
  const name = (q: { schema?: string; name: string }): string => (q.schema ? `${q.schema}.${q.name}` : q.name);
  const create = (words: readonly string[], what: string): Missing | undefined => {
    const at = place(src, afterPath(src, 1, words, CREATE_OPTIONAL), 0);
    return at && src.word(0) === 'create' ? { what, clause: 'IF NOT EXISTS', ...at } : undefined;
  };
  switch (e.op) {
    case 'create-table':
      if (e.ifNotExists || kind === 'CreateSchemaStmt') return undefined;
      return create(['table'], `CREATE TABLE ${name(e.table)}`);
    case 'create-index': {
      if (e.ifNotExists || !e.index) return undefined;
      const k = afterPath(src, 1, ['index'], CREATE_OPTIONAL);
      const at = place(src, k !== undefined && src.word(k + 1) === 'concurrently' ? k + 1 : k, 0);
      if (!at) return undefined;
      const index = e.table.schema ? `${e.table.schema}.${e.index}` : e.index;
      return e.concurrent ? { what: `CREATE INDEX CONCURRENTLY ${e.index}`, clause: 'IF NOT EXISTS', ...at, dropFirst: index } : { what: `CREATE INDEX ${e.index}`, clause: 'IF NOT EXISTS', ...at };
    }
    case 'create-sequence':
      return e.ifNotExists ? undefined : create(['sequence'], `CREATE SEQUENCE ${name(e.sequence)}`);
    case 'create-schema': {
      // CREATE SCHEMA IF NOT EXISTS cannot include schema elements
      const elements = (src.text.match(/\bcreate\b/gi) ?? []).length > 1;
      return e.ifNotExists || elements ? undefined : create(['schema'], `CREATE SCHEMA ${e.name}`);
    }
    case 'create-extension':
      return e.ifNotExists ? undefined : create(['extension'], `CREATE EXTENSION ${e.name}`);
    case 'create-view':
      return e.kind !== 'matview' || e.ifNotExists ? undefined : create(['materialized', 'view'], `CREATE MATERIALIZED VIEW ${name(e.view)}`);
    case 'add-column':
    case 'drop-column': {
      if (e.op === 'add-column' ? e.ifNotExists : e.ifExists) return undefined;
      const verb = e.op === 'add-column' ? 'add' : 'drop';
      const k = tokenIndex(src, verb, e.at.start, e.at.end);
      if (k === undefined) return undefined;
      const at = place(src, src.word(k + 1) === 'column' ? k + 1 : k, e.at.start);
      const column = e.op === 'add-column' ? e.column.name : e.column;
      return at ? { what: `${verb.toUpperCase()} COLUMN ${column}`, clause: e.op === 'add-column' ? 'IF NOT EXISTS' : 'IF EXISTS', ...at } : undefined;
    }
    case 'drop-constraint': {
      if (e.ifExists) return undefined;
      const at = place(src, tokenIndex(src, 'constraint', e.at.start, e.at.end), e.at.start);
      return at ? { what: `DROP CONSTRAINT ${e.name}`, clause: 'IF EXISTS', ...at } : undefined;
    }
    case 'add-enum-value': {
      if (e.ifNotExists) return undefined;
      const at = place(src, tokenIndex(src, 'value'), 0);
      return at ? { what: `ADD VALUE '${e.value}'`, clause: 'IF NOT EXISTS', ...at } : undefined;
    }
    case 'drop': {
      const path = DROP_PATHS[e.kind];
      if (e.ifExists || !path || src.word(0) !== 'drop') return undefined;
      const k = afterPath(src, 1, path);
      const at = place(src, k !== undefined && src.word(k + 1) === 'concurrently' ? k + 1 : k, 0);
      return at ? { what: `DROP ${path.join(' ').toUpperCase()} ${name(e.target)}`, clause: 'IF EXISTS', ...at } : undefined;
    }
    default:
      return undefined;
  }
}

const KINDS = new Set(['CreateStmt', 'IndexStmt', 'CreateSeqStmt', 'CreateSchemaStmt', 'CreateExtensionStmt', 'CreateTableAsStmt', 'DropStmt', 'AlterTableStmt', 'AlterEnumStmt']);

/** Whether an earlier statement of the section drops index `name` with IF EXISTS (the robust CREATE INDEX CONCURRENTLY). */
function droppedBefore(statements: readonly DocumentStatement[], upTo: number, section: number, name: string): boolean {
  for (let k = upTo - 1; k >= 0; k--) {
    const s = statements[k] as DocumentStatement;
    if (s.ref.section !== section) return false;
    for (const e of s.effects) if (e.op === 'drop' && e.kind === 'index' && e.ifExists && (e.target.schema ? `${e.target.schema}.${e.target.name}` : e.target.name) === name) return true;
  }
  return false;
}

export const nonIdempotentDdl: DocumentRule = {
  name: 'non-idempotent-ddl',
  summary: 'CREATE without IF NOT EXISTS / DROP without IF EXISTS outside a transaction: a migration that failed half-way cannot simply run again.',
  category: 'idempotency',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, statements }): RuleFinding[] {
    const out: RuleFinding[] = [];
    statements.forEach((s, index) => {
      if (s.tx !== 'none' || s.section === 'preamble' || !s.kind || !KINDS.has(s.kind) || s.effects.length === 0) return;
      const src = statementSource(s.text);
      const found: Missing[] = [];
      const seen = new Set<number>();
      for (const e of s.effects) {
        const m = missing(e, src, s.kind);
        // one DROP of several objects takes one IF EXISTS
        if (m && !seen.has(m.after)) {
          seen.add(m.after);
          found.push(m);
        }
      }
      const first = found[0];
      if (!first) return;
      const base = s.ref.start;
      const lower = src.text.slice(0, 6) === src.text.slice(0, 6).toLowerCase();
      const range = { start: base + first.range.start, end: base + first.range.end };
      if (first.dropFirst) {
        if (droppedBefore(statements, index, s.ref.section, first.dropFirst)) return;
        const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${first.dropFirst};`;
        const lineStart = doc.text.lastIndexOf('\n', base - 1) + 1;
        const indent = /^[ \t]*/.exec(doc.text.slice(lineStart, base))?.[0] ?? '';
        out.push({
          range,
          message: `${first.what} runs outside a transaction: a build that fails leaves an INVALID index ${first.dropFirst} behind, and running the migration again fails here (it already exists) — drop it first with ${drop} (IF NOT EXISTS would keep the invalid index).`,
          fixes: [{ title: `Add ${drop} before it`, preferred: true, edits: [{ anchor: { at: 'document', start: lineStart, end: lineStart }, text: `${indent}${lower ? drop.toLowerCase() : drop}\n` }] }],
        });
        return;
      }
      const clauses = [...new Set(found.map((m) => m.clause))].join(' / ');
      out.push({
        range,
        message: `${found.map((m) => m.what).join(', ')} runs outside a transaction: if the migration stops after it, running it again fails here (${first.clause === 'IF EXISTS' ? 'it is already gone' : 'it already exists'}) — write ${clauses} so a re-run skips what is done.`,
        fixes: [{ title: `Add ${clauses}`, preferred: true, edits: found.map((m) => ({ anchor: { at: 'document' as const, start: base + m.after, end: base + m.after }, text: ` ${lower ? m.clause.toLowerCase() : m.clause}` })) }],
      });
    });
    return out;
  },
};
