// The column definitions a statement declares — CREATE TABLE's columns, ADD COLUMN, ALTER
// COLUMN … TYPE — with the exact range of each type name, for the type rules (prefer-text,
// prefer-timestamptz, prefer-identity, …) and their fixes that replace the type.
// Invariant: ranges are statement-relative and cover the type name and its modifiers only.

import type { AlterTableStmt, ColumnDef, CreateStmt, TypeName } from 'libpg-query';
import { listOf, locationOf, nodeAs, stringList } from '../ast/nodes';
import type { StatementSource, TextRange } from '../ast/statement-source';
import { columnType, type ColumnType } from '../ast/type-name';
import { qnameOf } from '../schema-state/effects';
import type { QName } from '../schema-state/model';
import { commandRange, commandsOf } from './common';

export interface DeclaredColumn {
  table: QName | undefined;
  column: string;
  type: ColumnType;
  typeRange: TextRange;
  /** Part of the primary key, an identity or serial column: a key. */
  key: boolean;
  /** Where it is declared: a new table, a new column, or a changed type. */
  via: 'create-table' | 'add-column' | 'alter-type';
}

function typeRange(src: StatementSource, def: ColumnDef, t: TypeName, end: number): TextRange | undefined {
  const start = src.index(t.location);
  if (start === undefined) return undefined;
  let limit = end;
  const cons = Array.isArray(def.constraints) ? def.constraints : [];
  for (const c of cons) {
    const at = src.index(locationOf(c));
    if (at !== undefined && at > start && at < limit) limit = at;
  }
  const using = src.index(locationOf(def.raw_default));
  if (using !== undefined && using > start && using < limit) limit = using;
  const collate = src.index(def.collClause?.location);
  if (collate !== undefined && collate > start && collate < limit) limit = collate;
  return { start, end: Math.max(start, src.endBefore(limit)) };
}

function isKeyDef(def: ColumnDef, pk: ReadonlySet<string>, type: ColumnType): boolean {
  if (pk.has(def.colname ?? '')) return true;
  if (['serial2', 'serial4', 'serial8'].includes(type.name)) return true;
  for (const c of listOf(def.constraints, 'Constraint')) if (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_IDENTITY') return true;
  return false;
}

/**
 * The columns a statement declares; `src` is the statement's source and `node` its tree (five
 * rules ask: made once, the same read-only list for each).
 * @example declaredColumns(src, 'CreateStmt', node).map((c) => c.type.sql) // ['bigint', 'varchar(20)']
 */
export function declaredColumns(src: StatementSource, kind: string, node: Record<string, unknown>): readonly DeclaredColumn[] {
  const memo = src.memo();
  let columns = memo.get('declaredColumns') as readonly DeclaredColumn[] | undefined;
  if (!columns) memo.set('declaredColumns', (columns = findDeclaredColumns(src, kind, node)));
  return columns;
}

function findDeclaredColumns(src: StatementSource, kind: string, node: Record<string, unknown>): DeclaredColumn[] {
  const out: DeclaredColumn[] = [];
  if (kind === 'CreateStmt') {
    const n = node as CreateStmt;
    const table = qnameOf(n.relation);
    const pk = new Set<string>();
    for (const c of listOf(n.tableElts, 'Constraint')) if (c.contype === 'CONSTR_PRIMARY') for (const k of stringList(c.keys)) pk.add(k);
    for (const def of listOf(n.tableElts, 'ColumnDef')) {
      const type = columnType(def.typeName);
      if (!type || !def.typeName) continue;
      const end = src.clause(src.index(def.location)).end;
      const range = typeRange(src, def, def.typeName, end);
      if (range) out.push({ table, column: def.colname ?? '', type, typeRange: range, key: isKeyDef(def, pk, type), via: 'create-table' });
    }
    return out;
  }
  if (kind === 'AlterTableStmt') {
    const n = node as AlterTableStmt;
    if (n.objtype && n.objtype !== 'OBJECT_TABLE') return out;
    const table = qnameOf(n.relation);
    for (const { cmd, i } of commandsOf(n.cmds)) {
      if (cmd.subtype !== 'AT_AddColumn' && cmd.subtype !== 'AT_AlterColumnType') continue;
      const def = nodeAs(cmd.def, 'ColumnDef') as ColumnDef | undefined;
      const type = columnType(def?.typeName);
      if (!def || !type || !def.typeName) continue;
      const end = commandRange(src, n.relation, n.cmds, i).end;
      const range = typeRange(src, def, def.typeName, end);
      if (!range) continue;
      const add = cmd.subtype === 'AT_AddColumn';
      out.push({ table, column: (add ? def.colname : cmd.name) ?? '', type, typeRange: range, key: add && isKeyDef(def, new Set(), type), via: add ? 'add-column' : 'alter-type' });
    }
  }
  return out;
}
