// What one statement does to the schema, read from its parse tree: plain data ("adds column c
// to t: integer, NOT NULL, DEFAULT 0") that apply-effects.ts replays onto a SchemaState. Kept
// apart from the replay so it can be cached per statement text (an edit re-reads only the
// statement it touched) and reused by every document whose replay passes that statement.
// Invariants: a pure function of the statement's text and tree; ranges are relative to the
// statement text; a statement whose schema effects cannot be known from its text (DO blocks,
// function calls) yields an `opaque` effect instead of a guess.

import type { ColumnDef, Constraint, CreateStmt, RangeVar, TypeName } from 'libpg-query';
import { constValue, defElems, listOf, locationOf, nodeAs, stringList, tagOf, walk } from '../ast/nodes';
import type { StatementSource, TextRange } from '../ast/statement-source';
import { columnType, type ColumnType } from '../ast/type-name';
import type { ConstraintKind, DefaultState, QName, RelationKind, Volatility } from './model';

export interface ColumnSpec {
  name: string;
  type?: ColumnType;
  notNull: boolean;
  default?: DefaultState;
  generated?: 'stored' | 'virtual';
  identity?: 'always' | 'by-default';
  at: TextRange;
}

export interface ConstraintSpec {
  /** As written; undefined when PostgreSQL picks the name. */
  name?: string;
  kind: ConstraintKind;
  columns: string[];
  valid: boolean;
  notNullOf?: string;
  references?: { table: QName; columns: string[] };
  /** ADD CONSTRAINT … USING INDEX i. */
  usingIndex?: string;
  /** Declared on a column (names are `<table>_<column>_<suffix>`). */
  columnLevel?: boolean;
  at: TextRange;
}

export type DropKind = 'table' | 'view' | 'matview' | 'index' | 'sequence' | 'type' | 'domain' | 'function' | 'procedure' | 'schema' | 'extension' | 'trigger' | 'policy' | 'foreign-table' | 'other';

export type RenameKind = 'table' | 'column' | 'index' | 'constraint' | 'type' | 'sequence' | 'view' | 'schema' | 'function' | 'trigger' | 'policy';

export type DataVerb = 'insert' | 'update' | 'delete' | 'copy' | 'truncate' | 'merge';

export type SchemaEffect =
  | { op: 'create-table'; table: QName; kind: RelationKind; ifNotExists: boolean; columns: ColumnSpec[]; constraints: ConstraintSpec[]; knownColumns: boolean; partitionOf?: QName; unlogged?: boolean; at: TextRange }
  | { op: 'add-column'; table: QName; column: ColumnSpec; constraints: ConstraintSpec[]; ifNotExists: boolean; at: TextRange }
  | { op: 'drop-column'; table: QName; column: string; ifExists: boolean; at: TextRange }
  | { op: 'alter-column-type'; table: QName; column: string; type: ColumnType; at: TextRange }
  | { op: 'set-not-null' | 'drop-not-null' | 'drop-identity' | 'drop-expression'; table: QName; column: string; at: TextRange }
  | { op: 'set-default'; table: QName; column: string; default?: DefaultState; at: TextRange }
  | { op: 'add-identity'; table: QName; column: string; identity: 'always' | 'by-default'; at: TextRange }
  | { op: 'add-constraint'; table: QName; constraint: ConstraintSpec; at: TextRange }
  | { op: 'drop-constraint'; table: QName; name: string; ifExists: boolean; at: TextRange }
  | { op: 'validate-constraint'; table: QName; name: string; at: TextRange }
  | { op: 'attach-partition' | 'detach-partition'; table: QName; partition: QName; at: TextRange }
  | { op: 'rename'; kind: RenameKind; target: QName; table?: QName; from: string; to: string; at: TextRange }
  | { op: 'set-schema'; kind: 'table' | 'type' | 'sequence' | 'view' | 'function'; target: QName; to: string; at: TextRange }
  | { op: 'create-index'; index?: string; table: QName; unique: boolean; columns: string[]; partial: boolean; concurrent: boolean; ifNotExists: boolean; at: TextRange }
  | { op: 'drop'; kind: DropKind; target: QName; table?: QName; args?: string[]; ifExists: boolean; cascade: boolean; at: TextRange }
  | { op: 'create-sequence'; sequence: QName; ifNotExists: boolean; at: TextRange }
  | { op: 'create-type'; type: QName; kind: 'enum' | 'composite' | 'domain' | 'range' | 'other'; values?: string[]; at: TextRange }
  | { op: 'add-enum-value'; type: QName; value: string; ifNotExists: boolean; at: TextRange }
  | { op: 'rename-enum-value'; type: QName; from: string; to: string; at: TextRange }
  | { op: 'create-function'; fn: QName; args: string[]; kind: 'function' | 'procedure' | 'aggregate'; language: string; volatility: Volatility; returnsTrigger: boolean; replace: boolean; bodyStart?: number; at: TextRange }
  | { op: 'create-view'; view: QName; kind: 'view' | 'matview'; replace: boolean; ifNotExists: boolean; at: TextRange }
  | { op: 'create-schema'; name: string; ifNotExists: boolean; at: TextRange }
  | { op: 'create-extension'; name: string; schema?: string; ifNotExists: boolean; at: TextRange }
  | { op: 'create-trigger'; name: string; table: QName; function: QName; replace: boolean; at: TextRange }
  | { op: 'create-policy'; name: string; table: QName; at: TextRange }
  | { op: 'session'; name: string; value?: string; local: boolean; at: TextRange }
  /** `fromQuery`: an INSERT … SELECT (its row count is not in the text). */
  | { op: 'data'; verb: DataVerb; table: QName; filtered: boolean; fromQuery?: boolean; at: TextRange }
  | { op: 'opaque'; why: string; at: TextRange };

/** `schema.name` as written in a RangeVar. */
export function qnameOf(rv: RangeVar | undefined): QName | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** `['public', 't']` → { schema: 'public', name: 't' } (a catalog prefix is dropped). */
export function qnameOfList(list: unknown): QName | undefined {
  const parts = stringList(list);
  const name = parts[parts.length - 1];
  if (!name) return undefined;
  return parts.length >= 2 ? { schema: parts[parts.length - 2] as string, name } : { name };
}

/** The tokens of a RangeVar's name (`schema.name` is three tokens). */
export function rangeVarRange(src: StatementSource, rv: RangeVar | undefined): TextRange {
  const at = src.index(rv?.location);
  if (at === undefined || !rv) return src.all;
  const count = 1 + (rv.schemaname ? 2 : 0) + (rv.catalogname ? 2 : 0);
  return src.tokens_(at, count);
}

/** A DEFAULT / generation expression: its text and the functions it calls. */
export function defaultOf(src: StatementSource, expr: unknown, range: TextRange): DefaultState {
  const calls: string[] = [];
  walk(expr, (tag, body) => {
    if (tag === 'FuncCall') calls.push(stringList((body as { funcname?: unknown }).funcname).join('.').toLowerCase());
  });
  let inner: unknown = expr;
  for (let cast = nodeAs(inner, 'TypeCast'); cast; cast = nodeAs(inner, 'TypeCast')) inner = cast.arg;
  const constant = tagOf(inner) === 'A_Const';
  return { sql: src.text.slice(range.start, range.end), calls, constant };
}

/** The range of constraint `i` of a column: from its keyword to the next constraint (or the column's end). */
function constraintRange(src: StatementSource, cons: readonly unknown[], i: number, columnEnd: number): TextRange {
  const start = src.index(locationOf(cons[i]));
  if (start === undefined) return { start: columnEnd, end: columnEnd };
  let limit = columnEnd;
  for (let k = i + 1; k < cons.length; k++) {
    const next = src.index(locationOf(cons[k]));
    if (next !== undefined && next > start) {
      limit = next;
      break;
    }
  }
  return { start, end: Math.max(start, src.endBefore(limit)) };
}

/** The expression part of a DEFAULT / GENERATED constraint (without the keyword). */
function exprRange(src: StatementSource, c: Constraint, whole: TextRange): TextRange {
  const at = src.index(locationOf(c.raw_expr));
  if (at === undefined || at < whole.start || at > whole.end) return whole;
  // A cast's location is its `::`; the expression starts at its innermost argument.
  let start = at;
  let inner: unknown = c.raw_expr;
  for (let cast = nodeAs(inner, 'TypeCast'); cast; cast = nodeAs(inner, 'TypeCast')) {
    inner = cast.arg;
    const a = src.index(locationOf(inner));
    if (a !== undefined && a >= whole.start && a < start) start = a;
  }
  return { start, end: whole.end };
}

export interface ColumnRead {
  column: ColumnSpec;
  /** Constraints declared on the column (PRIMARY KEY, UNIQUE, REFERENCES, CHECK). */
  constraints: ConstraintSpec[];
}

/** A ColumnDef as a ColumnSpec plus its column-level constraints. */
export function readColumn(src: StatementSource, def: ColumnDef, limit?: number): ColumnRead {
  const start = src.index(def.location);
  const at = src.clause(start, limit);
  const column: ColumnSpec = { name: def.colname ?? '', notNull: def.is_not_null === true, at };
  const type = columnType(def.typeName);
  if (type) column.type = type;
  const constraints: ConstraintSpec[] = [];
  const cons = Array.isArray(def.constraints) ? def.constraints : [];
  cons.forEach((node, i) => {
    const c = nodeAs(node, 'Constraint');
    if (!c) return;
    const range = constraintRange(src, cons, i, at.end);
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        column.notNull = true;
        break;
      case 'CONSTR_NULL':
        column.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        column.default = defaultOf(src, c.raw_expr, exprRange(src, c, range));
        break;
      case 'CONSTR_IDENTITY':
        column.identity = c.generated_when === 'd' ? 'by-default' : 'always';
        column.notNull = true;
        break;
      case 'CONSTR_GENERATED':
        column.generated = 'stored';
        column.default = defaultOf(src, c.raw_expr, exprRange(src, c, range));
        break;
      case 'CONSTR_PRIMARY':
        column.notNull = true;
        constraints.push(constraintSpec(c, [column.name], range, true));
        break;
      case 'CONSTR_UNIQUE':
      case 'CONSTR_FOREIGN':
      case 'CONSTR_CHECK':
        constraints.push(constraintSpec(c, [column.name], range, true));
        break;
      default:
        break;
    }
  });
  if (type && (type.name === 'serial2' || type.name === 'serial4' || type.name === 'serial8')) column.notNull = true;
  return { column, constraints };
}

const CONSTRAINT_KIND: Partial<Record<string, ConstraintKind>> = {
  CONSTR_PRIMARY: 'primary',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign',
  CONSTR_CHECK: 'check',
  CONSTR_EXCLUSION: 'exclusion',
};

/** `col IS NOT NULL` (the CHECK that lets SET NOT NULL skip its table scan). */
function notNullCheckColumn(expr: unknown): string | undefined {
  const t = nodeAs(expr, 'NullTest');
  if (!t || t.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const ref = nodeAs(t.arg, 'ColumnRef');
  const fields = stringList(ref?.fields);
  return fields.length === 1 ? fields[0] : undefined;
}

/** A Constraint node as a ConstraintSpec (`columns` given for column-level constraints). */
export function constraintSpec(c: Constraint, columns: string[] | undefined, at: TextRange, columnLevel = false): ConstraintSpec {
  const kind = CONSTRAINT_KIND[c.contype ?? ''] ?? 'check';
  let cols = columns ?? [];
  if (!columns) {
    if (kind === 'foreign') cols = stringList(c.fk_attrs);
    else if (kind === 'exclusion') {
      cols = [];
      for (const pair of Array.isArray(c.exclusions) ? c.exclusions : []) {
        const elem = nodeAs(stringListHead(pair), 'IndexElem');
        if (elem?.name) cols.push(elem.name);
      }
    } else cols = stringList(c.keys);
  }
  const spec: ConstraintSpec = { kind, columns: cols, valid: c.skip_validation !== true, at };
  if (c.conname) spec.name = c.conname;
  if (columnLevel) spec.columnLevel = true;
  if (c.indexname) spec.usingIndex = c.indexname;
  if (kind === 'check') {
    const col = notNullCheckColumn(c.raw_expr);
    if (col) spec.notNullOf = col;
  }
  if (kind === 'foreign') {
    const table = qnameOf(c.pktable);
    if (table) spec.references = { table, columns: stringList(c.pk_attrs) };
  }
  return spec;
}

function stringListHead(pair: unknown): unknown {
  const list = nodeAs(pair, 'List');
  return Array.isArray(list?.items) ? list.items[0] : undefined;
}

function createTable(src: StatementSource, n: CreateStmt): SchemaEffect[] {
  const table = qnameOf(n.relation);
  if (!table || n.relation?.relpersistence === 't') return [];
  const columns: ColumnSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  let knownColumns = !n.ofTypename;
  for (const el of Array.isArray(n.tableElts) ? n.tableElts : []) {
    const def = nodeAs(el, 'ColumnDef');
    if (def) {
      const r = readColumn(src, def);
      columns.push(r.column);
      constraints.push(...r.constraints);
      continue;
    }
    const c = nodeAs(el, 'Constraint');
    if (c) {
      constraints.push(constraintSpec(c, undefined, src.clause(src.index(c.location))));
      continue;
    }
    if (nodeAs(el, 'TableLikeClause')) knownColumns = false;
  }
  const parents = listOf(n.inhRelations, 'RangeVar');
  const effect: Extract<SchemaEffect, { op: 'create-table' }> = {
    op: 'create-table',
    table,
    kind: n.partspec ? 'partitioned' : 'table',
    ifNotExists: n.if_not_exists === true,
    columns,
    constraints,
    knownColumns: knownColumns && parents.length === 0,
    at: rangeVarRange(src, n.relation),
  };
  const parent = parents[0];
  if (n.partbound && parent) {
    const p = qnameOf(parent);
    if (p) effect.partitionOf = p;
  }
  if (n.relation?.relpersistence === 'u') effect.unlogged = true;
  return [effect];
}

function alterTable(src: StatementSource, n: NonNullable<ReturnType<typeof nodeAs<'AlterTableStmt'>>>, cmdRanges: TextRange[]): SchemaEffect[] {
  const table = qnameOf(n.relation);
  if (!table) return [];
  const out: SchemaEffect[] = [];
  const objtype = n.objtype ?? 'OBJECT_TABLE';
  const cmds = Array.isArray(n.cmds) ? n.cmds : [];
  cmds.forEach((node, i) => {
    const cmd = nodeAs(node, 'AlterTableCmd');
    if (!cmd) return;
    const at = cmdRanges[i] ?? src.all;
    const column = cmd.name ?? '';
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const def = nodeAs(cmd.def, 'ColumnDef');
        if (!def) return;
        const r = readColumn(src, def, at.end + 1);
        out.push({ op: 'add-column', table, column: r.column, constraints: r.constraints, ifNotExists: cmd.missing_ok === true, at });
        return;
      }
      case 'AT_DropColumn':
        out.push({ op: 'drop-column', table, column, ifExists: cmd.missing_ok === true, at });
        return;
      case 'AT_AlterColumnType': {
        const def = nodeAs(cmd.def, 'ColumnDef');
        const type = columnType(def?.typeName as TypeName | undefined);
        if (type) out.push({ op: 'alter-column-type', table, column, type, at });
        return;
      }
      case 'AT_SetNotNull':
        out.push({ op: 'set-not-null', table, column, at });
        return;
      case 'AT_DropNotNull':
        out.push({ op: 'drop-not-null', table, column, at });
        return;
      case 'AT_DropIdentity':
        out.push({ op: 'drop-identity', table, column, at });
        return;
      case 'AT_DropExpression':
        out.push({ op: 'drop-expression', table, column, at });
        return;
      case 'AT_AddIdentity': {
        const c = nodeAs(cmd.def, 'Constraint');
        out.push({ op: 'add-identity', table, column, identity: c?.generated_when === 'd' ? 'by-default' : 'always', at });
        return;
      }
      case 'AT_ColumnDefault': {
        if (cmd.def === undefined) {
          out.push({ op: 'set-default', table, column, at });
          return;
        }
        const exprAt = src.index(locationOf(cmd.def));
        const range = exprAt !== undefined && exprAt >= at.start && exprAt <= at.end ? { start: exprAt, end: at.end } : at;
        out.push({ op: 'set-default', table, column, default: defaultOf(src, cmd.def, range), at });
        return;
      }
      case 'AT_AddConstraint': {
        const c = nodeAs(cmd.def, 'Constraint');
        if (c) out.push({ op: 'add-constraint', table, constraint: constraintSpec(c, undefined, at), at });
        return;
      }
      case 'AT_DropConstraint':
        out.push({ op: 'drop-constraint', table, name: cmd.name ?? '', ifExists: cmd.missing_ok === true, at });
        return;
      case 'AT_ValidateConstraint':
        out.push({ op: 'validate-constraint', table, name: cmd.name ?? '', at });
        return;
      case 'AT_AttachPartition':
      case 'AT_DetachPartition': {
        const part = qnameOf(nodeAs(cmd.def, 'PartitionCmd')?.name);
        if (part) out.push({ op: cmd.subtype === 'AT_AttachPartition' ? 'attach-partition' : 'detach-partition', table, partition: part, at });
        return;
      }
      default:
        return;
    }
  });
  // ALTER INDEX / SEQUENCE / VIEW … change nothing the model holds (renames are RenameStmt).
  return objtype === 'OBJECT_TABLE' || objtype === 'OBJECT_FOREIGN_TABLE' ? out : [];
}

/**
 * The top-level comma-separated commands of an ALTER TABLE (one range per AlterTableCmd, in
 * order), or undefined when the text does not split into as many commands as the tree has.
 */
export function alterTableCommandRanges(src: StatementSource, relation: RangeVar | undefined, count: number): TextRange[] | undefined {
  const name = rangeVarRange(src, relation);
  let i = src.tokenAt(name.end);
  const ranges: TextRange[] = [];
  const base = src.depth[i] ?? 0;
  while (i < src.tokens.length) {
    const start = (src.tokens[i] as { start: number }).start;
    const r = src.clause(start);
    ranges.push(r);
    i = src.tokenAt(r.end);
    if (i < src.tokens.length && src.word(i) === ',' && (src.depth[i] ?? 0) === base) i++;
    else break;
  }
  return ranges.length === count ? ranges : undefined;
}

const DROP_KIND: Partial<Record<string, DropKind>> = {
  OBJECT_TABLE: 'table',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'matview',
  OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'domain',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_ROUTINE: 'function',
  OBJECT_SCHEMA: 'schema',
  OBJECT_EXTENSION: 'extension',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_POLICY: 'policy',
  OBJECT_FOREIGN_TABLE: 'foreign-table',
};

function functionArgs(params: unknown): string[] {
  const out: string[] = [];
  for (const p of listOf(params, 'FunctionParameter')) {
    if (p.mode === 'FUNC_PARAM_OUT' || p.mode === 'FUNC_PARAM_TABLE') continue;
    const t = columnType(p.argType);
    out.push(t?.sql ?? '?');
  }
  return out;
}

function dropEffects(src: StatementSource, n: NonNullable<ReturnType<typeof nodeAs<'DropStmt'>>>): SchemaEffect[] {
  const kind = DROP_KIND[n.removeType ?? ''] ?? 'other';
  const out: SchemaEffect[] = [];
  const ifExists = n.missing_ok === true;
  const cascade = n.behavior === 'DROP_CASCADE';
  for (const obj of Array.isArray(n.objects) ? n.objects : []) {
    const at = src.all;
    if (kind === 'function' || kind === 'procedure') {
      const owa = nodeAs(obj, 'ObjectWithArgs');
      const target = qnameOfList(owa?.objname);
      if (!target) continue;
      const e: Extract<SchemaEffect, { op: 'drop' }> = { op: 'drop', kind, target, ifExists, cascade, at };
      if (owa && !owa.args_unspecified) e.args = (Array.isArray(owa.objargs) ? owa.objargs : []).map((t) => columnType(nodeAs(t, 'TypeName'))?.sql ?? '?');
      out.push(e);
      continue;
    }
    if (kind === 'type' || kind === 'domain') {
      const tn = nodeAs(obj, 'TypeName');
      const target = qnameOfList(tn?.names);
      if (target) out.push({ op: 'drop', kind, target, ifExists, cascade, at });
      continue;
    }
    if (kind === 'schema' || kind === 'extension') {
      const s = nodeAs(obj, 'String')?.sval;
      if (s) out.push({ op: 'drop', kind, target: { name: s }, ifExists, cascade, at });
      continue;
    }
    const parts = stringList(nodeAs(obj, 'List')?.items);
    if (kind === 'trigger' || kind === 'policy') {
      // [schema,] table, name
      const name = parts[parts.length - 1];
      const table = qnameOfList(parts.slice(0, -1).map((sval) => ({ String: { sval } })));
      if (name && table) out.push({ op: 'drop', kind, target: { name }, table, ifExists, cascade, at });
      continue;
    }
    const target = qnameOfList(parts.map((sval) => ({ String: { sval } })));
    if (target) out.push({ op: 'drop', kind, target, ifExists, cascade, at });
  }
  return out;
}

const RENAME_KIND: Partial<Record<string, RenameKind>> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_COLUMN: 'column',
  OBJECT_INDEX: 'index',
  OBJECT_TABCONSTRAINT: 'constraint',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'type',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'view',
  OBJECT_SCHEMA: 'schema',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'function',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_POLICY: 'policy',
};

function renameEffects(src: StatementSource, n: NonNullable<ReturnType<typeof nodeAs<'RenameStmt'>>>): SchemaEffect[] {
  const kind = RENAME_KIND[n.renameType ?? ''];
  const to = n.newname ?? '';
  if (!kind || !to) return [];
  const rel = qnameOf(n.relation);
  const at = src.all;
  switch (kind) {
    case 'column':
    case 'constraint':
    case 'trigger':
    case 'policy':
      return rel ? [{ op: 'rename', kind, target: rel, table: rel, from: n.subname ?? '', to, at }] : [];
    case 'table':
    case 'index':
    case 'sequence':
    case 'view':
      return rel ? [{ op: 'rename', kind, target: rel, from: rel.name, to, at }] : [];
    case 'schema':
      return [{ op: 'rename', kind, target: { name: n.subname ?? '' }, from: n.subname ?? '', to, at }];
    case 'function': {
      const target = qnameOfList(nodeAs(n.object, 'ObjectWithArgs')?.objname);
      return target ? [{ op: 'rename', kind, target, from: target.name, to, at }] : [];
    }
    case 'type': {
      const target = qnameOfList(nodeAs(n.object, 'List')?.items) ?? qnameOfList(nodeAs(n.object, 'TypeName')?.names);
      return target ? [{ op: 'rename', kind, target, from: target.name, to, at }] : [];
    }
  }
}

function functionEffect(src: StatementSource, n: NonNullable<ReturnType<typeof nodeAs<'CreateFunctionStmt'>>>): SchemaEffect[] {
  const fn = qnameOfList(n.funcname);
  if (!fn) return [];
  const opts = defElems(n.options);
  const language = String(constValue(opts.get('language')) ?? (n.sql_body ? 'sql' : 'sql')).toLowerCase();
  const vol = String(constValue(opts.get('volatility')) ?? 'volatile').toLowerCase();
  const ret = columnType(n.returnType);
  const effect: Extract<SchemaEffect, { op: 'create-function' }> = {
    op: 'create-function',
    fn,
    args: functionArgs(n.parameters),
    kind: n.is_procedure ? 'procedure' : 'function',
    language,
    volatility: vol === 'immutable' || vol === 'stable' ? vol : 'volatile',
    returnsTrigger: ret?.name === 'trigger' || ret?.name === 'event_trigger',
    replace: n.replace === true,
    at: src.all,
  };
  const body = bodyStart(src, opts.get('as'));
  if (body !== undefined) effect.bodyStart = body;
  return [effect];
}

/** Where a function body's text starts (after `$$` or `'`), relative to the statement. */
export function bodyStart(src: StatementSource, as: unknown): number | undefined {
  const first = nodeAs(as, 'List')?.items?.[0];
  const loc = src.index(locationOf(first));
  // String nodes carry no location in the tree; find the string token after AS instead.
  if (loc !== undefined) return loc;
  for (let i = 0; i < src.tokens.length - 1; i++) {
    if (src.word(i) !== 'as') continue;
    const t = src.tokens[i + 1];
    if (!t) break;
    if (t.kind === 'dollar-string') {
      const tag = /^\$[^$]*\$/.exec(src.text.slice(t.start, t.end))?.[0] ?? '$$';
      return t.start + tag.length;
    }
    if (t.kind === 'string') return t.start + src.text.slice(t.start).indexOf("'") + 1;
  }
  return undefined;
}

/** `SET lock_timeout = '5s'`, `SELECT set_config('lock_timeout', '5s', false)`. */
function sessionEffects(src: StatementSource, kind: string, node: Record<string, unknown>): SchemaEffect[] {
  if (kind === 'VariableSetStmt') {
    const n = node as NonNullable<ReturnType<typeof nodeAs<'VariableSetStmt'>>>;
    const local = n.is_local === true;
    if (n.kind === 'VAR_RESET_ALL') return [{ op: 'session', name: '*', local, at: src.all }];
    const name = (n.name ?? '').toLowerCase();
    if (!name) return [];
    if (n.kind === 'VAR_RESET' || n.kind === 'VAR_SET_DEFAULT') return [{ op: 'session', name, local, at: src.all }];
    const args = (Array.isArray(n.args) ? n.args : []).map((a) => constValue(a)).filter((v) => v !== undefined).map(String);
    return [{ op: 'session', name, value: args.join(', '), local, at: src.all }];
  }
  const out: SchemaEffect[] = [];
  walk(node, (tag, body) => {
    if (tag !== 'FuncCall') return;
    const name = stringList((body as { funcname?: unknown }).funcname).join('.').toLowerCase();
    if (name !== 'set_config' && name !== 'pg_catalog.set_config') return;
    const args = Array.isArray(body.args) ? body.args.map((a) => constValue(a)) : [];
    if (typeof args[0] === 'string' && typeof args[1] === 'string') {
      out.push({ op: 'session', name: args[0].toLowerCase(), value: args[1], local: args[2] === true || args[2] === 'true', at: src.all });
    }
  });
  return out;
}

function dataEffect(src: StatementSource, verb: DataVerb, rv: RangeVar | undefined, filtered: boolean, fromQuery = false): SchemaEffect[] {
  const table = qnameOf(rv);
  return table ? [{ op: 'data', verb, table, filtered, ...(fromQuery ? { fromQuery } : {}), at: src.all }] : [];
}

/**
 * What the statement `kind`/`node` (parsed from `src.text`) does to the schema.
 * @example extractEffects(statementSource(sql), 'IndexStmt', node) // [{ op: 'create-index', table: { name: 'orders' }, … }]
 */
export function extractEffects(src: StatementSource, kind: string, node: Record<string, unknown>): SchemaEffect[] {
  switch (kind) {
    case 'CreateStmt':
      return createTable(src, node as CreateStmt);
    case 'AlterTableStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'AlterTableStmt'>>>;
      const count = Array.isArray(n.cmds) ? n.cmds.length : 0;
      const ranges = alterTableCommandRanges(src, n.relation, count) ?? [];
      return alterTable(src, n, ranges);
    }
    case 'RenameStmt':
      return renameEffects(src, node as NonNullable<ReturnType<typeof nodeAs<'RenameStmt'>>>);
    case 'DropStmt':
      return dropEffects(src, node as NonNullable<ReturnType<typeof nodeAs<'DropStmt'>>>);
    case 'IndexStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'IndexStmt'>>>;
      const table = qnameOf(n.relation);
      if (!table) return [];
      const columns = listOf(n.indexParams, 'IndexElem').map((e) => e.name ?? (e.expr ? exprName(e.expr) : '?'));
      const e: SchemaEffect = { op: 'create-index', table, unique: n.unique === true, columns, partial: n.whereClause !== undefined, concurrent: n.concurrent === true, ifNotExists: n.if_not_exists === true, at: src.all };
      if (n.idxname) e.index = n.idxname;
      return [e];
    }
    case 'CreateSeqStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateSeqStmt'>>>;
      const sequence = qnameOf(n.sequence);
      return sequence ? [{ op: 'create-sequence', sequence, ifNotExists: n.if_not_exists === true, at: rangeVarRange(src, n.sequence) }] : [];
    }
    case 'CreateEnumStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateEnumStmt'>>>;
      const type = qnameOfList(n.typeName);
      return type ? [{ op: 'create-type', type, kind: 'enum', values: stringList(n.vals), at: src.all }] : [];
    }
    case 'AlterEnumStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'AlterEnumStmt'>>>;
      const type = qnameOfList(n.typeName);
      if (!type || !n.newVal) return [];
      if (n.oldVal) return [{ op: 'rename-enum-value', type, from: n.oldVal, to: n.newVal, at: src.all }];
      return [{ op: 'add-enum-value', type, value: n.newVal, ifNotExists: n.skipIfNewValExists === true, at: src.all }];
    }
    case 'CompositeTypeStmt': {
      const type = qnameOf((node as NonNullable<ReturnType<typeof nodeAs<'CompositeTypeStmt'>>>).typevar);
      return type ? [{ op: 'create-type', type, kind: 'composite', at: src.all }] : [];
    }
    case 'CreateDomainStmt': {
      const type = qnameOfList((node as NonNullable<ReturnType<typeof nodeAs<'CreateDomainStmt'>>>).domainname);
      return type ? [{ op: 'create-type', type, kind: 'domain', at: src.all }] : [];
    }
    case 'CreateRangeStmt': {
      const type = qnameOfList((node as NonNullable<ReturnType<typeof nodeAs<'CreateRangeStmt'>>>).typeName);
      return type ? [{ op: 'create-type', type, kind: 'range', at: src.all }] : [];
    }
    case 'CreateFunctionStmt':
      return functionEffect(src, node as NonNullable<ReturnType<typeof nodeAs<'CreateFunctionStmt'>>>);
    case 'ViewStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'ViewStmt'>>>;
      const view = qnameOf(n.view);
      return view ? [{ op: 'create-view', view, kind: 'view', replace: n.replace === true, ifNotExists: false, at: rangeVarRange(src, n.view) }] : [];
    }
    case 'CreateTableAsStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateTableAsStmt'>>>;
      const rel = n.into?.rel;
      const q = qnameOf(rel);
      if (!q) return [];
      if (n.objtype === 'OBJECT_MATVIEW') return [{ op: 'create-view', view: q, kind: 'matview', replace: false, ifNotExists: n.if_not_exists === true, at: rangeVarRange(src, rel) }];
      return [{ op: 'create-table', table: q, kind: 'table', ifNotExists: n.if_not_exists === true, columns: [], constraints: [], knownColumns: false, at: rangeVarRange(src, rel) }];
    }
    case 'CreateSchemaStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateSchemaStmt'>>>;
      if (!n.schemaname) return [];
      const out: SchemaEffect[] = [{ op: 'create-schema', name: n.schemaname, ifNotExists: n.if_not_exists === true, at: src.all }];
      // CREATE SCHEMA s CREATE TABLE t … creates t in s.
      for (const el of Array.isArray(n.schemaElts) ? n.schemaElts : []) {
        const k = tagOf(el);
        if (!k) continue;
        for (const e of extractEffects(src, k, (el as unknown as Record<string, Record<string, unknown>>)[k] as Record<string, unknown>)) {
          out.push(inSchema(e, n.schemaname));
        }
      }
      return out;
    }
    case 'CreateExtensionStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateExtensionStmt'>>>;
      if (!n.extname) return [];
      const schema = constValue(defElems(n.options).get('schema'));
      const e: SchemaEffect = { op: 'create-extension', name: n.extname, ifNotExists: n.if_not_exists === true, at: src.all };
      if (typeof schema === 'string') e.schema = schema;
      return [e];
    }
    case 'CreateTrigStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreateTrigStmt'>>>;
      const table = qnameOf(n.relation);
      const fn = qnameOfList(n.funcname);
      return table && fn && n.trigname ? [{ op: 'create-trigger', name: n.trigname, table, function: fn, replace: n.replace === true, at: src.all }] : [];
    }
    case 'CreatePolicyStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CreatePolicyStmt'>>>;
      const table = qnameOf(n.table);
      return table && n.policy_name ? [{ op: 'create-policy', name: n.policy_name, table, at: src.all }] : [];
    }
    case 'AlterObjectSchemaStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'AlterObjectSchemaStmt'>>>;
      const to = n.newschema ?? '';
      const rel = qnameOf(n.relation);
      switch (n.objectType) {
        case 'OBJECT_TABLE':
        case 'OBJECT_FOREIGN_TABLE':
          return rel ? [{ op: 'set-schema', kind: 'table', target: rel, to, at: src.all }] : [];
        case 'OBJECT_VIEW':
        case 'OBJECT_MATVIEW':
          return rel ? [{ op: 'set-schema', kind: 'view', target: rel, to, at: src.all }] : [];
        case 'OBJECT_SEQUENCE':
          return rel ? [{ op: 'set-schema', kind: 'sequence', target: rel, to, at: src.all }] : [];
        case 'OBJECT_TYPE':
        case 'OBJECT_DOMAIN': {
          const t = qnameOfList(nodeAs(n.object, 'List')?.items);
          return t ? [{ op: 'set-schema', kind: 'type', target: t, to, at: src.all }] : [];
        }
        default:
          return [];
      }
    }
    case 'VariableSetStmt':
      return sessionEffects(src, kind, node);
    case 'SelectStmt': {
      const session = sessionEffects(src, kind, node);
      let calls = false;
      walk(node, (tag) => {
        if (tag === 'FuncCall') calls = true;
      });
      if (session.length) return session;
      // A top-level SELECT of a function may create or drop anything (create_hypertable(), …).
      return calls && !(node as { fromClause?: unknown }).fromClause ? [{ op: 'opaque', why: 'a function call', at: src.all }] : [];
    }
    case 'DoStmt':
      return [{ op: 'opaque', why: 'a DO block', at: src.all }];
    case 'CallStmt':
      return [{ op: 'opaque', why: 'a procedure call', at: src.all }];
    case 'InsertStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'InsertStmt'>>>;
      const select = nodeAs(n.selectStmt, 'SelectStmt');
      // VALUES lists are a SelectStmt too; a query reads rows from somewhere
      const fromQuery = select !== undefined && !(Array.isArray(select.valuesLists) && select.valuesLists.length > 0);
      return dataEffect(src, 'insert', n.relation, false, fromQuery);
    }
    case 'UpdateStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'UpdateStmt'>>>;
      return dataEffect(src, 'update', n.relation, n.whereClause !== undefined);
    }
    case 'DeleteStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'DeleteStmt'>>>;
      return dataEffect(src, 'delete', n.relation, n.whereClause !== undefined);
    }
    case 'MergeStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'MergeStmt'>>>;
      return dataEffect(src, 'merge', n.relation, true);
    }
    case 'CopyStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'CopyStmt'>>>;
      return n.is_from ? dataEffect(src, 'copy', n.relation, false) : [];
    }
    case 'TruncateStmt': {
      const n = node as NonNullable<ReturnType<typeof nodeAs<'TruncateStmt'>>>;
      return listOf(n.relations, 'RangeVar').flatMap((rv) => dataEffect(src, 'truncate', rv, false));
    }
    default:
      return [];
  }
}

/** The name PostgreSQL gives an expression index column (`lower(email)` → `lower`). */
function exprName(expr: unknown): string {
  const f = nodeAs(expr, 'FuncCall');
  if (f) return stringList(f.funcname).pop() ?? 'expr';
  const c = nodeAs(expr, 'ColumnRef');
  if (c) return stringList(c.fields).pop() ?? 'expr';
  return 'expr';
}

/** An effect of a CREATE SCHEMA element, with unqualified names put into that schema. */
function inSchema(e: SchemaEffect, schema: string): SchemaEffect {
  const q = (n: QName): QName => (n.schema ? n : { schema, name: n.name });
  switch (e.op) {
    case 'create-table':
      return { ...e, table: q(e.table) };
    case 'create-index':
      return { ...e, table: q(e.table) };
    case 'create-view':
      return { ...e, view: q(e.view) };
    case 'create-sequence':
      return { ...e, sequence: q(e.sequence) };
    case 'create-trigger':
      return { ...e, table: q(e.table) };
    default:
      return e;
  }
}
