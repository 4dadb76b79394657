// Completion of table and column names in migration files, from the schema the linter replays
// (the earlier migrations, and this file's own CREATE / ALTER TABLE): after FROM, JOIN, UPDATE,
// INTO, TABLE, ON (of CREATE INDEX), REFERENCES → tables; after `table.` or `alias.` → that
// table's columns (`schema.` → its tables); in a column list — `INSERT INTO t (`, `ON t (`,
// `REFERENCES t (`, `ALTER TABLE t … COLUMN`, `UPDATE t SET`, a WHERE / ON / SELECT of a
// statement that names tables → the columns of the tables the statement names.
// Invariants: a plain function of the model, the document, the lint inputs and the position (no
// I/O); it reads the text before the cursor with the SQL lexer, so nothing inside a string,
// a comment or a dollar-quoted body is completed; an unknown context gives no items rather than
// every name.

import { CompletionItemKind, type CompletionItem, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compactBytes, compactCount } from '../core/lint/rules/common';
import { displayName, objectKey, type SchemaState, type TableState } from '../core/lint/schema-state/model';
import { isCodeToken, scanSql, type SqlToken } from '../core/sql/lexer';
import type { DocumentModel, ModelStatement } from './document-model';
import type { LintInputs } from './lint-diagnostics';
import { schemaAfterUp } from './lint-runs';

/** Keywords after which a table name comes. */
const TABLE_AFTER = new Set(['from', 'join', 'update', 'into', 'table', 'references', 'truncate', 'only']);
/** Keywords after which, in a statement that names tables, a column name comes. */
const COLUMN_AFTER = new Set(['where', 'and', 'or', 'set', 'select', 'by', 'on', 'not', 'when', 'having', 'returning', 'distinct', 'using']);

interface Word {
  /** Folded as PostgreSQL folds it (lower case unless quoted). */
  name: string;
  token: SqlToken;
}

/** The statement the cursor is in or right after (a statement being typed has no `;` yet). */
function statementNear(model: DocumentModel, offset: number): ModelStatement | undefined {
  let found: ModelStatement | undefined;
  for (const s of model.statements) {
    if (s.start > offset) break;
    found = s;
  }
  if (!found || found.meta) return undefined;
  if (offset <= found.end) return found;
  // after its end: only if no `;` lies between (the statement goes on at the cursor)
  const gap = scanSql(model.text.slice(found.end, offset));
  return gap.some((t) => t.kind === 'semicolon') ? undefined : found;
}

function wordOf(text: string, t: SqlToken | undefined): string | undefined {
  if (!t) return undefined;
  const raw = text.slice(t.start, t.end);
  if (t.kind === 'word') return raw.toLowerCase();
  if (t.kind === 'quoted-ident' && raw.startsWith('"')) return raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined).replace(/""/g, '"');
  return undefined;
}

function isPunct(text: string, t: SqlToken | undefined, ch: string): boolean {
  return !!t && text.slice(t.start, t.end) === ch;
}

/** Tables (and their aliases) the statement names after FROM / JOIN / UPDATE / INTO / TABLE / ON. */
function namedTables(text: string, tokens: readonly SqlToken[], state: SchemaState): Map<string, TableState> {
  const out = new Map<string, TableState>();
  for (let i = 0; i < tokens.length; i++) {
    const kw = wordOf(text, tokens[i]);
    if (!kw || !(TABLE_AFTER.has(kw) || kw === 'on')) continue;
    let k = i + 1;
    if (wordOf(text, tokens[k]) === 'only') k++;
    const first = wordOf(text, tokens[k]);
    if (!first) continue;
    let schema: string | undefined;
    let name = first;
    if (isPunct(text, tokens[k + 1], '.')) {
      const second = wordOf(text, tokens[k + 2]);
      if (!second) continue;
      schema = first;
      name = second;
      k += 2;
    }
    const table = lookupTable(state, schema, name);
    if (!table) continue;
    out.set(name, table);
    // an alias: `orders o`, `orders AS o`
    let a = k + 1;
    if (wordOf(text, tokens[a]) === 'as') a++;
    const alias = tokens[a]?.kind === 'word' || tokens[a]?.kind === 'quoted-ident' ? wordOf(text, tokens[a]) : undefined;
    if (alias && !RESERVED_AFTER_TABLE.has(alias)) out.set(alias, table);
  }
  return out;
}

/** Words that follow a table name without being its alias. */
const RESERVED_AFTER_TABLE = new Set(['where', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'on', 'using', 'set', 'values', 'select', 'default', 'order', 'group', 'limit', 'returning', 'add', 'alter', 'drop', 'rename', 'owner', 'validate', 'enable', 'disable', 'attach', 'detach', 'partition', 'for', 'with', 'union', 'as', 'lateral', 'having', 'window', 'offset', 'fetch', 'do', 'overriding', 'cascade', 'restrict', 'restart', 'continue']);

function lookupTable(state: SchemaState, schema: string | undefined, name: string): TableState | undefined {
  return state.tables.get(objectKey(schema ?? 'public', name));
}

/** The schema completion reads: every table the earlier migrations and this file create (a Down section sees the Up's). */
function schemaFor(model: DocumentModel, path: string, inputs: LintInputs): SchemaState {
  return schemaAfterUp(model, path, inputs);
}

function tableItem(t: TableState, inputs: LintInputs, qualified: boolean): CompletionItem {
  const size = inputs.sizes?.get(objectKey(t.schema, t.name));
  const where = t.createdAt.label ?? t.createdAt.migration ?? '';
  const detail = [t.kind === 'table' ? 'table' : t.kind, where && `created by ${where}`, size && `${compactCount(size.rows)} rows, ${compactBytes(size.bytes)} on ${inputs.facts?.environment ?? 'the environment'}`].filter(Boolean).join(' · ');
  const label = qualified ? t.name : displayName(t.schema, t.name);
  return { label, kind: t.kind === 'view' || t.kind === 'matview' ? CompletionItemKind.Interface : CompletionItemKind.Class, detail, sortText: `1${label}` };
}

function columnItems(tables: Iterable<TableState>): CompletionItem[] {
  const seen = new Map<string, CompletionItem>();
  for (const t of tables) {
    for (const c of t.columns) {
      const detail = `${c.type?.sql ?? '?'}${c.notNull ? ' not null' : ''} · ${displayName(t.schema, t.name)}`;
      const had = seen.get(c.name);
      if (had) had.detail = `${had.detail}, ${displayName(t.schema, t.name)}`;
      else seen.set(c.name, { label: c.name, kind: CompletionItemKind.Field, detail, sortText: `0${c.name}` });
    }
  }
  return [...seen.values()];
}

/** Whether the cursor is in the parentheses right after a table name: `INSERT INTO t (`, `ON t (`, `REFERENCES t (`. */
function columnListTable(text: string, tokens: readonly SqlToken[], state: SchemaState): TableState | undefined {
  // the innermost `(` still open before the cursor
  let depth = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i] as SqlToken;
    if (t.kind === 'close-paren') depth++;
    else if (t.kind === 'open-paren') {
      if (depth > 0) {
        depth--;
        continue;
      }
      const name = wordOf(text, tokens[i - 1]);
      if (!name) return undefined;
      const dotted = isPunct(text, tokens[i - 2], '.');
      const schema = dotted ? wordOf(text, tokens[i - 3]) : undefined;
      const before = wordOf(text, tokens[dotted ? i - 4 : i - 2]);
      if (!before || !['into', 'on', 'references', 'table', 'only'].includes(before)) {
        // ADD PRIMARY KEY ( / UNIQUE ( / FOREIGN KEY ( of ALTER TABLE t
        if (['key', 'unique'].includes(name)) return alterTarget(text, tokens, state);
        return undefined;
      }
      return lookupTable(state, schema, name);
    }
  }
  return undefined;
}

/** The table of an `ALTER TABLE [IF EXISTS] [ONLY] t …` statement. */
function alterTarget(text: string, tokens: readonly SqlToken[], state: SchemaState): TableState | undefined {
  if (wordOf(text, tokens[0]) !== 'alter' || wordOf(text, tokens[1]) !== 'table') return undefined;
  let k = 2;
  if (wordOf(text, tokens[k]) === 'if' && wordOf(text, tokens[k + 1]) === 'exists') k += 2;
  if (wordOf(text, tokens[k]) === 'only') k++;
  const first = wordOf(text, tokens[k]);
  if (!first) return undefined;
  if (isPunct(text, tokens[k + 1], '.')) {
    const second = wordOf(text, tokens[k + 2]);
    return second ? lookupTable(state, first, second) : undefined;
  }
  return lookupTable(state, undefined, first);
}

/** Token kinds the cursor may sit at the end of and still be completed (a name, or after punctuation). */
const OPEN_ENDED = new Set(['word', 'quoted-ident', 'punct', 'open-paren', 'close-paren', 'operator', 'semicolon']);

/**
 * @example computeCompletions(model, document, '/p/pglc/migrations/0002_x.sql', inputs, { line: 3, character: 19 }).map((i) => i.label) // ['customers', 'orders']
 */
export function computeCompletions(model: DocumentModel, document: TextDocument, path: string, inputs: LintInputs, position: Position): CompletionItem[] {
  if (!model.migration) return [];
  const offset = document.offsetAt(position);
  const s = statementNear(model, offset);
  const start = s ? s.start : lastBoundary(model, offset);
  const before = model.text.slice(start, offset);
  const all = scanSql(before);
  const last = all[all.length - 1];
  // in a string, a comment, a dollar-quoted body or a number: nothing to complete
  if (last && (last.unterminated ? last.kind !== 'quoted-ident' : last.end === before.length && !OPEN_ENDED.has(last.kind))) return [];
  const tokens = all.filter(isCodeToken);
  // the name being typed is what the item replaces: it is not context
  const end = tokens[tokens.length - 1];
  const typing = end !== undefined && end.end === before.length && (end.kind === 'word' || end.kind === 'quoted-ident');
  const context = typing ? tokens.slice(0, -1) : tokens;
  const prev = context[context.length - 1];
  const state = schemaFor(model, path, inputs);
  // the whole statement, for the tables it names after the cursor too (SELECT … FROM t)
  const whole = s ? model.text.slice(s.start, Math.max(s.end, offset)) : before;
  const named = (): Map<string, TableState> => namedTables(whole, scanSql(whole).filter(isCodeToken), state);

  // `x.` → the columns of table or alias x, or the tables of schema x
  if (isPunct(before, prev, '.')) {
    const q = wordOf(before, context[context.length - 2]);
    if (!q) return [];
    const table = named().get(q) ?? lookupTable(state, undefined, q);
    if (table) return columnItems([table]);
    return [...state.tables.values()].filter((t) => t.schema === q).map((t) => tableItem(t, inputs, true));
  }

  const kw = wordOf(before, prev);
  const head = context.slice(0, 4).map((t) => wordOf(before, t));
  const createIndex = head[0] === 'create' && head.includes('index');
  const before2 = wordOf(before, context[context.length - 2]);
  const tablePosition =
    // not a name being created (CREATE TABLE |), nor ON UPDATE / ON DELETE of a foreign key
    (kw !== undefined && TABLE_AFTER.has(kw) && prev?.kind === 'word' && !(kw === 'table' && head[0] === 'create') && !(kw === 'update' && before2 === 'on')) ||
    (kw === 'on' && createIndex && !context.some((t) => t.kind === 'open-paren')) ||
    (kw === 'exists' && (head[0] === 'drop' || head[0] === 'alter' || head[0] === 'truncate') && head.includes('table'));
  if (tablePosition) return [...state.tables.values()].map((t) => tableItem(t, inputs, false));

  // ALTER TABLE t ALTER / DROP / RENAME [COLUMN] |
  const target = alterTarget(before, context, state);
  if (target && kw && prev?.kind === 'word' && (kw === 'column' || ((kw === 'alter' || kw === 'drop' || kw === 'rename') && context.length > 3))) return columnItems([target]);

  // INSERT INTO t ( | , ON t ( |, REFERENCES t ( |, ADD PRIMARY KEY ( |
  const listed = columnListTable(before, context, state);
  if (listed) return columnItems([listed]);

  // WHERE | , SET | , a = | … of a statement that names tables
  const columnPosition = (kw !== undefined && prev?.kind === 'word' && COLUMN_AFTER.has(kw)) || isPunct(before, prev, ',') || prev?.kind === 'open-paren' || prev?.kind === 'operator';
  if (columnPosition) {
    const tables = named();
    if (tables.size) return columnItems(new Set(tables.values()));
  }
  return [];
}

/** Where the text after the last statement before `offset` starts (a new statement being typed). */
function lastBoundary(model: DocumentModel, offset: number): number {
  let at = 0;
  for (const s of model.statements) {
    if (s.end > offset) break;
    at = s.end;
  }
  for (const sec of model.sections) if (sec.start <= offset && sec.start > at) at = sec.start;
  const gap = model.text.slice(at, offset);
  const semi = gap.lastIndexOf(';');
  return semi >= 0 ? at + semi + 1 : at;
}
