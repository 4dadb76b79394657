// Indexes that are not a constraint's (those live with their constraint in diff-tables.ts).
// Invariants: on a plain table that already exists, indexes are built and dropped
// CONCURRENTLY (safe mode), which PostgreSQL refuses inside a transaction, so those steps are
// marked non-transactional; an index on a partitioned table is created on the parent, which
// creates the partitions' indexes too; an index whose table goes is not dropped on its own.

import { keys } from '../schema/keys';
import type { IndexDef } from '../schema/model';
import { commentStep, emit, isDropped, type DiffContext } from './diff-context';
import { tableGone } from './diff-tables';
import { qname } from './sql-text';
import { relationName } from './step';

function onPlainExistingTable(ctx: DiffContext, ix: IndexDef): boolean {
  const tk = keys.table(ix.schema, ix.table);
  const t = ctx.A.tables.get(tk);
  return Boolean(t && t.kind === 'table' && !isDropped(ctx, tk) && !ctx.replaced.has(tk) && ctx.B.tables.get(tk)?.kind === 'table');
}

export function createIndexSql(ix: IndexDef, concurrently: boolean): string {
  // pg_get_indexdef says `ON ONLY` for a partitioned table's index (pg_dump then attaches the
  // partitions' indexes one by one); without ONLY, PostgreSQL builds them all.
  let sql = ix.definition.replace(/ ON ONLY /, ' ON ');
  if (concurrently) sql = sql.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}CONCURRENTLY `);
  return `${sql};`;
}

export function diffIndexes(ctx: DiffContext): void {
  for (const ix of ctx.b.indexes) {
    const key = keys.index(ix.schema, ix.name);
    const old = ctx.A.indexes.get(key);
    const recreate = !old || ctx.replaced.has(key) || old.definition !== ix.definition;
    if (recreate) {
      const concurrently = ctx.safe && onPlainExistingTable(ctx, ix);
      emit(ctx, {
        key, action: 'create', sql: createIndexSql(ix, concurrently), claims: [relationName(ix.schema, ix.name)],
        after: [keys.table(ix.schema, ix.table), keys.view(ix.schema, ix.table)],
        ...(concurrently ? { transactional: false } : {}),
      });
    }
    commentStep(ctx, key, `INDEX ${qname(ix.schema, ix.name)}`, recreate ? undefined : old!.comment, ix.comment);
  }
  for (const ix of ctx.a.indexes) {
    const key = keys.index(ix.schema, ix.name);
    const n = ctx.B.indexes.get(key);
    if (n && !ctx.replaced.has(key) && n.definition === ix.definition) continue;
    if (tableGone(ctx, ix.schema, ix.table)) continue;
    const concurrently = ctx.safe && onPlainExistingTable(ctx, ix);
    emit(ctx, {
      key, action: 'drop', sql: `DROP INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${qname(ix.schema, ix.name)};`,
      releases: [relationName(ix.schema, ix.name)], ...(concurrently ? { transactional: false } : {}),
    });
  }
}
