// The answers to a rule's questions at the current point of a replay: what the schema holds,
// whether a table is new in this migration, the transaction and session, the target version.
// Invariant: every answer is plain data without positions (a table's answer does not change
// when lines are inserted above it), so rule-memo.ts can compare answers across edits; where an
// object was created is reported through RelatedRef and resolved after the memo.

import { VOLATILE_BUILTINS } from '../data/volatile-functions';
import type { ColumnInfo, ConstraintInfo, IndexInfo, RelationInfo, TableSize } from '../rule';
import { resolveFunctions, resolveIndex, resolveTable } from '../schema-state/apply-effects';
import { isBuiltin, type QName, type SourceLocation, type TableState, type Volatility } from '../schema-state/model';
import type { LintSettings } from '../settings';
import type { Answers } from './rule-memo';
import type { Replay } from './replay';

export interface AnswerEnvironment {
  settings: LintSettings;
  /** Table sizes from the connected environment, by `schema.name`. */
  sizes?: ReadonlyMap<string, TableSize>;
  /** Versions the connected environment has not applied. */
  pendingVersions?: ReadonlySet<string>;
}

/** Whether `loc` is in the migration (or plain file) being replayed. */
export function isHere(r: Replay, loc: SourceLocation): boolean {
  if (isBuiltin(loc)) return false;
  return r.file.migration !== undefined ? loc.migration === r.file.migration : loc.path === r.file.path;
}

function created(r: Replay, env: AnswerEnvironment, loc: SourceLocation): RelationInfo['created'] {
  if (isHere(r, loc)) return 'this-migration';
  if (loc.migration !== undefined && env.pendingVersions?.has(loc.migration)) return 'pending';
  return 'earlier';
}

function relationInfo(r: Replay, env: AnswerEnvironment, key: string, t: TableState): RelationInfo {
  const info: RelationInfo = { key, schema: t.schema, name: t.name, kind: t.kind, created: created(r, env, t.createdAt), partition: t.partitionOf !== undefined };
  if (t.createdAt.label) info.createdBy = t.createdAt.label;
  const size = env.sizes?.get(key);
  if (size) info.size = size;
  return info;
}

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, unknown: 2, volatile: 3 };

/**
 * @example liveAnswers(replay, { settings }).relation({ name: 'orders' })?.created // 'earlier'
 */
export function liveAnswers(r: Replay, env: AnswerEnvironment): Answers {
  const table = (q: QName): { key: string; t: TableState } | undefined => {
    const key = resolveTable(r.state, q, r.searchPath);
    const t = key ? r.state.tables.get(key) : undefined;
    return key && t ? { key, t } : undefined;
  };
  return {
    relation(q) {
      const found = table(q);
      return found ? relationInfo(r, env, found.key, found.t) : undefined;
    },
    column(q, name) {
      const c = table(q)?.t.columns.find((x) => x.name === name);
      if (!c) return undefined;
      const info: ColumnInfo = { name: c.name, notNull: c.notNull, hasDefault: c.default !== undefined && c.generated === undefined };
      if (c.type) info.type = c.type;
      if (c.generated) info.generated = c.generated;
      if (c.identity) info.identity = c.identity;
      return info;
    },
    constraint(q, name) {
      const c = table(q)?.t.constraints.find((x) => x.name === name);
      if (!c) return undefined;
      const inTx = r.tx.kind !== 'none';
      const same = (loc: SourceLocation | undefined): boolean => !!loc && inTx && loc.tx === r.tx.id && isHere(r, loc);
      const info: ConstraintInfo = { name: c.name, kind: c.kind, valid: c.valid, sameTransaction: same(c.createdAt) || same(c.validatedAt), columns: c.columns };
      return info;
    },
    hasValidNotNullCheck(q, column) {
      return table(q)?.t.constraints.some((c) => c.kind === 'check' && c.valid && c.notNullOf === column) ?? false;
    },
    index(q) {
      const key = resolveIndex(r.state, q, r.searchPath);
      const idx = key ? r.state.indexes.get(key) : undefined;
      if (!key || !idx) return undefined;
      const t = r.state.tables.get(idx.table);
      const info: IndexInfo = { key, name: idx.name, table: t ? relationInfo(r, env, idx.table, t) : undefined, unique: idx.unique, columns: idx.columns, created: created(r, env, idx.createdAt) };
      if (idx.constraint) info.constraint = idx.constraint;
      return info;
    },
    functionVolatility(name) {
      const parts = name.split('.');
      const fname = parts[parts.length - 1] ?? name;
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      const own = resolveFunctions(r.state, schema ? { schema, name: fname } : { name: fname }, r.searchPath);
      if (own.length) return own.map((f) => f.volatility).reduce((a, b) => (RANK[b] > RANK[a] ? b : a));
      if ((schema === undefined || schema === 'pg_catalog' || schema === 'public') && VOLATILE_BUILTINS.has(fname)) return 'volatile';
      return undefined;
    },
    transaction() {
      return {
        kind: r.tx.kind,
        declaredNoTransaction: r.section?.declared !== undefined,
        assumeInTransaction: env.settings.assumeInTransaction,
        blockDepth: r.blockDepth,
      };
    },
    session() {
      const out: { lockTimeout?: string; statementTimeout?: string } = {};
      const lock = r.settings.get('lock_timeout');
      const stmt = r.settings.get('statement_timeout');
      if (lock !== undefined) out.lockTimeout = lock;
      if (stmt !== undefined) out.statementTimeout = stmt;
      return out;
    },
    enumValuesAddedInTransaction() {
      if (r.tx.kind === 'none') return [];
      const out: string[] = [];
      for (const t of r.state.types.values()) {
        // values of a type created in this same transaction may be used at once (PostgreSQL 12+)
        if (t.createdAt.tx === r.tx.id && isHere(r, t.createdAt)) continue;
        for (const v of t.values ?? []) if (v.addedAt.tx === r.tx.id && isHere(r, v.addedAt)) out.push(`${t.schema}.${t.name}.${v.value}`);
      }
      return out;
    },
    section: () => r.sectionKind,
    isMigration: () => r.doc.migration !== undefined,
    migrationFormat: () => r.doc.migration?.format,
    pgVersion: () => env.settings.pgVersion,
  };
}
