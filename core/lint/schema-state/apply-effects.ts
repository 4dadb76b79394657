// Replays a statement's effects (effects.ts) onto a SchemaState: the same bookkeeping the server
// does — names PostgreSQL picks for unnamed constraints and indexes (`orders_pkey`,
// `orders_user_id_fkey`, `orders_email_idx1` on a clash), the index behind a primary key, the
// sequence behind a serial or identity column, what a DROP … CASCADE or DROP COLUMN takes with it.
// Invariants: entries are replaced, never changed in place (model.ts); an effect on an object
// the state does not know (created outside the migrations, or by a DO block) changes nothing
// rather than inventing the object; names resolve through the session's search_path.

import type { TextRange } from '../ast/statement-source';
import type { ColumnSpec, ConstraintSpec, SchemaEffect } from './effects';
import {
  objectKey,
  type ColumnState,
  type ConstraintState,
  type FunctionState,
  type IndexState,
  type QName,
  type SchemaState,
  type SourceLocation,
  type TableState,
} from './model';
import { keysPointingAt } from './pointer-index';

/** Where the statement being replayed is, to record where objects were created. */
export interface StatementPlace {
  /** Offset of the statement in its file. */
  base: number;
  /** A statement-relative range as a location in the file. */
  loc(range: TextRange): SourceLocation;
}

const NAMEDATALEN = 63;

function bytes(s: string): number {
  // names are nearly always ASCII, where a character is a byte (Buffer.byteLength is a call into C++)
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return Buffer.byteLength(s);
  return s.length;
}

function truncateBytes(s: string, max: number): string {
  let out = s;
  while (bytes(out) > max) out = out.slice(0, -1);
  return out;
}

/** PostgreSQL's makeObjectName: `name1_name2_label`, shortening the longer part to fit 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string): string {
  let a = name1;
  let b = name2 ?? '';
  const overhead = (b ? 1 : 0) + (label ? 1 + bytes(label) : 0);
  while (bytes(a) + bytes(b) + overhead > NAMEDATALEN) {
    if (bytes(a) >= bytes(b)) a = truncateBytes(a, bytes(a) - 1);
    else b = truncateBytes(b, bytes(b) - 1);
  }
  return [a, b, label].filter((x) => x !== '').join('_');
}

/** A name not taken yet: `base`, else `base1`, `base2`, … (ChooseRelationName's scheme, simplified). */
function unique(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let i = 1; ; i++) {
    const candidate = `${base}${i}`;
    if (!taken(candidate)) return candidate;
  }
}

/** The schema an unqualified name resolves to (first search_path entry holding one), if any. */
function lookup<T>(map: Map<string, T>, q: QName, searchPath: readonly string[]): string | undefined {
  if (q.schema) return map.has(objectKey(q.schema, q.name)) ? objectKey(q.schema, q.name) : undefined;
  for (const s of searchPath) {
    const k = objectKey(s, q.name);
    if (map.has(k)) return k;
  }
  return undefined;
}

/** Where an unqualified name is created: the first existing schema of search_path. */
export function creationSchema(state: SchemaState, q: QName, searchPath: readonly string[]): string {
  if (q.schema) return q.schema;
  return searchPath.find((s) => state.schemas.has(s)) ?? 'public';
}

/** Key of the table (or view) `q` names, if the state knows it. */
export function resolveTable(state: SchemaState, q: QName, searchPath: readonly string[]): string | undefined {
  return lookup(state.tables, q, searchPath);
}

export function resolveIndex(state: SchemaState, q: QName, searchPath: readonly string[]): string | undefined {
  return lookup(state.indexes, q, searchPath);
}

export function resolveType(state: SchemaState, q: QName, searchPath: readonly string[]): string | undefined {
  return lookup(state.types, q, searchPath);
}

export function resolveSequence(state: SchemaState, q: QName, searchPath: readonly string[]): string | undefined {
  return lookup(state.sequences, q, searchPath);
}

/** Functions named `q` (any arguments), by key. */
export function resolveFunctions(state: SchemaState, q: QName, searchPath: readonly string[]): FunctionState[] {
  const schemas = q.schema ? [q.schema] : searchPath;
  const out: FunctionState[] = [];
  for (const f of state.functions.values()) if (f.name === q.name && schemas.includes(f.schema)) out.push(f);
  return out;
}

/** Whether a relation-namespace name (table, index, sequence, view, type) is taken in `schema`. */
function relationTaken(state: SchemaState, schema: string, name: string): boolean {
  const k = objectKey(schema, name);
  return state.tables.has(k) || state.indexes.has(k) || state.sequences.has(k) || state.types.has(k);
}

function columnState(c: ColumnSpec, loc: SourceLocation): ColumnState {
  const col: ColumnState = { name: c.name, notNull: c.notNull, createdAt: loc };
  if (c.type) col.type = c.type;
  if (c.default) col.default = c.default;
  if (c.generated) col.generated = c.generated;
  if (c.identity) col.identity = c.identity;
  return col;
}

const SERIAL_BASE: Record<string, { name: string; sql: string }> = {
  serial2: { name: 'int2', sql: 'smallint' },
  serial4: { name: 'int4', sql: 'integer' },
  serial8: { name: 'int8', sql: 'bigint' },
};

export interface Replayer {
  state: SchemaState;
  searchPath: string[];
}

/** Adds a column (a serial gets its sequence and nextval default, as PostgreSQL does). */
function addColumn(r: Replayer, tableKey: string, spec: ColumnSpec, place: StatementPlace): void {
  const table = r.state.tables.get(tableKey);
  if (!table || table.columns.some((c) => c.name === spec.name)) return;
  r.state.tables.set(tableKey, { ...table, columns: [...table.columns, newColumn(r, table, tableKey, spec, place)] });
}

/** The state of a new column of `table`, and the sequence a serial or identity column owns. */
function newColumn(r: Replayer, table: TableState, tableKey: string, spec: ColumnSpec, place: StatementPlace): ColumnState {
  const loc = place.loc(spec.at);
  const col = columnState(spec, loc);
  const serial = spec.type ? SERIAL_BASE[spec.type.name] : undefined;
  if ((serial && spec.type) || spec.identity) {
    const seqName = unique(makeObjectName(table.name, spec.name, 'seq'), (n) => relationTaken(r.state, table.schema, n));
    r.state.sequences.set(objectKey(table.schema, seqName), { schema: table.schema, name: seqName, ownedBy: { table: tableKey, column: spec.name }, createdAt: loc });
    if (serial && spec.type) {
      col.type = { ...spec.type, name: serial.name, sql: serial.sql };
      col.default = { sql: `nextval('${seqName}'::regclass)`, calls: ['nextval'], constant: false };
    }
  }
  return col;
}

function constraintName(r: Replayer, table: TableState, spec: ConstraintSpec): string {
  if (spec.name) return spec.name;
  const cols = spec.columns.join('_');
  const taken = (n: string): boolean =>
    table.constraints.some((c) => c.name === n) || ((spec.kind === 'primary' || spec.kind === 'unique' || spec.kind === 'exclusion') && relationTaken(r.state, table.schema, n));
  switch (spec.kind) {
    case 'primary':
      return unique(makeObjectName(table.name, undefined, 'pkey'), taken);
    case 'unique':
      return unique(makeObjectName(table.name, cols, 'key'), taken);
    case 'foreign':
      return unique(makeObjectName(table.name, cols, 'fkey'), taken);
    case 'exclusion':
      return unique(makeObjectName(table.name, cols, 'excl'), taken);
    case 'check':
      return unique(makeObjectName(table.name, spec.columnLevel ? cols : undefined, 'check'), taken);
  }
}

function addConstraint(r: Replayer, tableKey: string, spec: ConstraintSpec, place: StatementPlace): void {
  let table = r.state.tables.get(tableKey);
  if (!table) return;
  const name = constraintName(r, table, spec);
  if (table.constraints.some((c) => c.name === name)) return;
  const loc = place.loc(spec.at);
  const c: ConstraintState = { name, kind: spec.kind, columns: spec.columns, valid: spec.valid, createdAt: loc };
  if (spec.notNullOf) c.notNullOf = spec.notNullOf;
  if (spec.references) {
    const ref = resolveTable(r.state, spec.references.table, r.searchPath) ?? objectKey(creationSchema(r.state, spec.references.table, r.searchPath), spec.references.table.name);
    c.references = { table: ref, columns: spec.references.columns };
  }
  let indexes = table.indexes;
  if (spec.kind === 'primary' || spec.kind === 'unique' || spec.kind === 'exclusion') {
    if (spec.usingIndex) {
      // ADD CONSTRAINT … USING INDEX renames the index to the constraint's name.
      const old = objectKey(table.schema, spec.usingIndex);
      const idx = r.state.indexes.get(old);
      if (idx) {
        r.state.indexes.delete(old);
        const key = objectKey(table.schema, name);
        r.state.indexes.set(key, { ...idx, name, constraint: name, unique: true });
        indexes = indexes.map((k) => (k === old ? key : k));
        c.index = key;
        if (spec.columns.length === 0) c.columns = idx.columns;
      }
    } else {
      const key = objectKey(table.schema, name);
      r.state.indexes.set(key, { schema: table.schema, name, table: tableKey, unique: spec.kind !== 'exclusion', columns: spec.columns, partial: false, concurrent: false, constraint: name, createdAt: loc });
      indexes = [...indexes, key];
      c.index = key;
    }
  }
  let columns = table.columns;
  if (spec.kind === 'primary') {
    const pk = new Set(c.columns);
    columns = columns.map((col) => (pk.has(col.name) && !col.notNull ? { ...col, notNull: true } : col));
  }
  table = { ...table, columns, indexes, constraints: [...table.constraints, c] };
  r.state.tables.set(tableKey, table);
}

function updateTable(r: Replayer, key: string | undefined, fn: (t: TableState) => TableState): void {
  if (!key) return;
  const t = r.state.tables.get(key);
  if (t) r.state.tables.set(key, fn(t));
}

function updateColumn(r: Replayer, key: string | undefined, column: string, fn: (c: ColumnState) => ColumnState): void {
  updateTable(r, key, (t) => ({ ...t, columns: t.columns.map((c) => (c.name === column ? fn(c) : c)) }));
}

/** Removes a table and what lives on it (indexes, triggers, policies, owned sequences, FKs to it). */
function dropTable(r: Replayer, key: string): void {
  const t = r.state.tables.get(key);
  if (!t) return;
  r.state.tables.delete(key);
  for (const i of t.indexes) r.state.indexes.delete(i);
  // what points at the table goes with it; these changes delete entries or replace them in
  // place, so the order they are made in does not change the result
  for (const k of keysPointingAt(r.state, 'triggers', key)) r.state.triggers.delete(k);
  for (const k of keysPointingAt(r.state, 'policies', key)) r.state.policies.delete(k);
  for (const k of keysPointingAt(r.state, 'sequences', key)) r.state.sequences.delete(k);
  for (const k of keysPointingAt(r.state, 'tables', key)) {
    // as it is now: dropping a partition may have changed it, or dropped it
    const other = r.state.tables.get(k);
    if (!other) continue;
    if (other.constraints.some((c) => c.references?.table === key)) {
      r.state.tables.set(k, { ...other, constraints: other.constraints.filter((c) => c.references?.table !== key) });
    }
    if (other.partitionOf === key) dropTable(r, k);
  }
}

function dropColumn(r: Replayer, key: string, column: string): void {
  const t = r.state.tables.get(key);
  if (!t || !t.columns.some((c) => c.name === column)) return;
  const gone = new Set(t.constraints.filter((c) => c.columns.includes(column)).map((c) => c.name));
  const goneIdx = new Set(t.indexes.filter((i) => r.state.indexes.get(i)?.columns.includes(column)));
  for (const i of goneIdx) r.state.indexes.delete(i);
  for (const k of keysPointingAt(r.state, 'sequences', key)) if (r.state.sequences.get(k)?.ownedBy?.column === column) r.state.sequences.delete(k);
  r.state.tables.set(key, {
    ...t,
    columns: t.columns.filter((c) => c.name !== column),
    constraints: t.constraints.filter((c) => !gone.has(c.name)),
    indexes: t.indexes.filter((i) => !goneIdx.has(i)),
  });
}

function renameTable(r: Replayer, key: string, schema: string, name: string): void {
  const t = r.state.tables.get(key);
  if (!t) return;
  const to = objectKey(schema, name);
  r.state.tables.delete(key);
  r.state.tables.set(to, { ...t, schema, name });
  for (const i of t.indexes) {
    const idx = r.state.indexes.get(i);
    if (idx) r.state.indexes.set(i, { ...idx, table: to });
  }
  for (const [k, trg] of [...r.state.triggers]) {
    if (trg.table !== key) continue;
    r.state.triggers.delete(k);
    r.state.triggers.set(`${to}/${trg.name}`, { ...trg, table: to });
  }
  for (const [k, p] of [...r.state.policies]) {
    if (p.table !== key) continue;
    r.state.policies.delete(k);
    r.state.policies.set(`${to}/${p.name}`, { ...p, table: to });
  }
  for (const [k, s] of r.state.sequences) if (s.ownedBy?.table === key) r.state.sequences.set(k, { ...s, ownedBy: { ...s.ownedBy, table: to } });
  for (const [k, other] of r.state.tables) {
    const refers = other.constraints.some((c) => c.references?.table === key);
    const child = other.partitionOf === key;
    if (refers || child) {
      const next: TableState = { ...other, constraints: other.constraints.map((c) => (c.references?.table === key ? { ...c, references: { ...c.references, table: to } } : c)) };
      if (child) next.partitionOf = to;
      r.state.tables.set(k, next);
    }
  }
}

function renameColumn(r: Replayer, key: string, from: string, to: string): void {
  const t = r.state.tables.get(key);
  if (!t || !t.columns.some((c) => c.name === from)) return;
  const swap = (cols: string[]): string[] => cols.map((c) => (c === from ? to : c));
  for (const i of t.indexes) {
    const idx = r.state.indexes.get(i);
    if (idx?.columns.includes(from)) r.state.indexes.set(i, { ...idx, columns: swap(idx.columns) });
  }
  r.state.tables.set(key, {
    ...t,
    columns: t.columns.map((c) => (c.name === from ? { ...c, name: to } : c)),
    constraints: t.constraints.map((c) => {
      const next: ConstraintState = c.columns.includes(from) ? { ...c, columns: swap(c.columns) } : c;
      return next.notNullOf === from ? { ...next, notNullOf: to } : next;
    }),
  });
  // foreign keys of other tables that point at the renamed column
  for (const [k, other] of r.state.tables) {
    if (!other.constraints.some((c) => c.references?.table === key && c.references.columns.includes(from))) continue;
    r.state.tables.set(k, {
      ...other,
      constraints: other.constraints.map((c) => (c.references?.table === key ? { ...c, references: { ...c.references, columns: swap(c.references.columns) } } : c)),
    });
  }
}

function renameIndex(r: Replayer, key: string, to: string): void {
  const idx = r.state.indexes.get(key);
  if (!idx) return;
  const newKey = objectKey(idx.schema, to);
  r.state.indexes.delete(key);
  r.state.indexes.set(newKey, { ...idx, name: to, ...(idx.constraint ? { constraint: to } : {}) });
  updateTable(r, idx.table, (t) => ({
    ...t,
    indexes: t.indexes.map((i) => (i === key ? newKey : i)),
    // renaming a constraint's index renames the constraint too
    constraints: t.constraints.map((c) => (c.index === key ? { ...c, name: to, index: newKey } : c)),
  }));
}

function rekeySchema(r: Replayer, from: string, to: string): void {
  const s = r.state.schemas.get(from);
  if (!s) return;
  r.state.schemas.delete(from);
  r.state.schemas.set(to, { ...s, name: to });
  for (const [k, t] of [...r.state.tables]) if (t.schema === from) renameTable(r, k, to, t.name);
  for (const [k, i] of [...r.state.indexes]) {
    if (i.schema !== from) continue;
    r.state.indexes.delete(k);
    r.state.indexes.set(objectKey(to, i.name), { ...i, schema: to });
    updateTable(r, i.table, (t) => ({ ...t, indexes: t.indexes.map((x) => (x === k ? objectKey(to, i.name) : x)) }));
  }
  for (const m of ['sequences', 'types'] as const) {
    const map = r.state[m] as Map<string, { schema: string; name: string }>;
    for (const [k, v] of [...map]) {
      if (v.schema !== from) continue;
      map.delete(k);
      map.set(objectKey(to, v.name), { ...v, schema: to });
    }
  }
  for (const [k, f] of [...r.state.functions]) {
    if (f.schema !== from) continue;
    r.state.functions.delete(k);
    r.state.functions.set(functionKey(to, f.name, f.args), { ...f, schema: to });
  }
}

/** `schema.name(argtype, …)`. */
export function functionKey(schema: string, name: string, args: readonly string[]): string {
  return `${schema}.${name}(${args.join(',')})`;
}

/**
 * Replays `effects` of one statement at `place` onto `r.state`.
 * @example applyEffects({ state, searchPath: ['public'] }, effects, place)
 */
export function applyEffects(r: Replayer, effects: readonly SchemaEffect[], place: StatementPlace): void {
  for (const e of effects) applyEffect(r, e, place);
}

function applyEffect(r: Replayer, e: SchemaEffect, place: StatementPlace): void {
  const s = r.state;
  const sp = r.searchPath;
  switch (e.op) {
    case 'create-table': {
      const schema = creationSchema(s, e.table, sp);
      const key = objectKey(schema, e.table.name);
      if (s.tables.has(key)) return;
      const loc = place.loc(e.at);
      const t: TableState = { schema, name: e.table.name, kind: e.kind, columns: [], knownColumns: e.knownColumns, constraints: [], indexes: [], createdAt: loc };
      if (e.unlogged) t.unlogged = true;
      if (e.partitionOf) {
        const parentKey = resolveTable(s, e.partitionOf, sp);
        const parent = parentKey ? s.tables.get(parentKey) : undefined;
        if (parentKey) t.partitionOf = parentKey;
        if (parent) {
          t.columns = parent.columns.map((c) => ({ ...c, createdAt: loc }));
          t.knownColumns = parent.knownColumns;
        } else t.knownColumns = false;
      }
      s.tables.set(key, t);
      // the columns go into the new entry itself: no other state holds it yet (one copy per
      // column would make a wide CREATE TABLE quadratic)
      const columns = [...t.columns];
      for (const c of e.columns) if (!columns.some((x) => x.name === c.name)) columns.push(newColumn(r, t, key, c, place));
      t.columns = columns;
      for (const c of e.constraints) addConstraint(r, key, c, place);
      return;
    }
    case 'add-column': {
      const key = resolveTable(s, e.table, sp);
      if (!key) return;
      addColumn(r, key, e.column, place);
      for (const c of e.constraints) addConstraint(r, key, c, place);
      return;
    }
    case 'drop-column': {
      const key = resolveTable(s, e.table, sp);
      if (key) dropColumn(r, key, e.column);
      return;
    }
    case 'alter-column-type':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => ({ ...c, type: e.type }));
      return;
    case 'set-not-null':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => ({ ...c, notNull: true }));
      return;
    case 'drop-not-null':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => ({ ...c, notNull: false }));
      return;
    case 'drop-identity':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => {
        const { identity: _identity, ...rest } = c;
        return rest;
      });
      return;
    case 'drop-expression':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => {
        const { generated: _generated, default: _default, ...rest } = c;
        return rest;
      });
      return;
    case 'add-identity':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => ({ ...c, identity: e.identity, notNull: true }));
      return;
    case 'set-default':
      updateColumn(r, resolveTable(s, e.table, sp), e.column, (c) => {
        const { default: _old, ...rest } = c;
        return e.default ? { ...rest, default: e.default } : rest;
      });
      return;
    case 'add-constraint': {
      const key = resolveTable(s, e.table, sp);
      if (key) addConstraint(r, key, e.constraint, place);
      return;
    }
    case 'drop-constraint': {
      const key = resolveTable(s, e.table, sp);
      updateTable(r, key, (t) => {
        const c = t.constraints.find((x) => x.name === e.name);
        if (!c) return t;
        if (c.index) s.indexes.delete(c.index);
        return { ...t, constraints: t.constraints.filter((x) => x !== c), indexes: t.indexes.filter((i) => i !== c.index) };
      });
      return;
    }
    case 'validate-constraint': {
      const loc = place.loc(e.at);
      updateTable(r, resolveTable(s, e.table, sp), (t) => ({
        ...t,
        constraints: t.constraints.map((c) => (c.name === e.name && !c.valid ? { ...c, valid: true, validatedAt: loc } : c)),
      }));
      return;
    }
    case 'attach-partition': {
      const parent = resolveTable(s, e.table, sp);
      if (parent) updateTable(r, resolveTable(s, e.partition, sp), (t) => ({ ...t, partitionOf: parent }));
      return;
    }
    case 'detach-partition':
      updateTable(r, resolveTable(s, e.partition, sp), (t) => {
        const { partitionOf: _p, ...rest } = t;
        return rest;
      });
      return;
    case 'rename':
      applyRename(r, e);
      return;
    case 'set-schema': {
      if (e.kind === 'table' || e.kind === 'view') {
        const key = resolveTable(s, e.target, sp);
        const t = key ? s.tables.get(key) : undefined;
        if (key && t) renameTable(r, key, e.to, t.name);
      } else if (e.kind === 'type' || e.kind === 'sequence') {
        const map = (e.kind === 'type' ? s.types : s.sequences) as Map<string, { schema: string; name: string }>;
        const key = e.kind === 'type' ? resolveType(s, e.target, sp) : resolveSequence(s, e.target, sp);
        const v = key ? map.get(key) : undefined;
        if (key && v) {
          map.delete(key);
          map.set(objectKey(e.to, v.name), { ...v, schema: e.to });
        }
      }
      return;
    }
    case 'create-index': {
      const tableKey = resolveTable(s, e.table, sp);
      const table = tableKey ? s.tables.get(tableKey) : undefined;
      const schema = table?.schema ?? creationSchema(s, e.table, sp);
      const name = e.index ?? unique(makeObjectName(e.table.name, e.columns.join('_'), 'idx'), (n) => relationTaken(s, schema, n));
      const key = objectKey(schema, name);
      if (s.indexes.has(key) || !tableKey || !table) return;
      const idx: IndexState = { schema, name, table: tableKey, unique: e.unique, columns: e.columns, partial: e.partial, concurrent: e.concurrent, createdAt: place.loc(e.at) };
      s.indexes.set(key, idx);
      s.tables.set(tableKey, { ...table, indexes: [...table.indexes, key] });
      return;
    }
    case 'drop':
      applyDrop(r, e);
      return;
    case 'create-sequence': {
      const schema = creationSchema(s, e.sequence, sp);
      const key = objectKey(schema, e.sequence.name);
      if (!s.sequences.has(key)) s.sequences.set(key, { schema, name: e.sequence.name, createdAt: place.loc(e.at) });
      return;
    }
    case 'create-type': {
      const schema = creationSchema(s, e.type, sp);
      const key = objectKey(schema, e.type.name);
      if (s.types.has(key)) return;
      const loc = place.loc(e.at);
      s.types.set(key, { schema, name: e.type.name, kind: e.kind, createdAt: loc, ...(e.values ? { values: e.values.map((value) => ({ value, addedAt: loc })) } : {}) });
      return;
    }
    case 'add-enum-value': {
      const key = resolveType(s, e.type, sp);
      const t = key ? s.types.get(key) : undefined;
      if (!key || !t || t.values?.some((v) => v.value === e.value)) return;
      s.types.set(key, { ...t, values: [...(t.values ?? []), { value: e.value, addedAt: place.loc(e.at) }] });
      return;
    }
    case 'rename-enum-value': {
      const key = resolveType(s, e.type, sp);
      const t = key ? s.types.get(key) : undefined;
      if (key && t?.values) s.types.set(key, { ...t, values: t.values.map((v) => (v.value === e.from ? { ...v, value: e.to } : v)) });
      return;
    }
    case 'create-function': {
      const schema = creationSchema(s, e.fn, sp);
      const key = functionKey(schema, e.fn.name, e.args);
      const f: FunctionState = {
        schema, name: e.fn.name, args: e.args, kind: e.kind, language: e.language, volatility: e.volatility, returnsTrigger: e.returnsTrigger, createdAt: place.loc(e.at),
      };
      if (e.bodyStart !== undefined) f.bodyStart = place.base + e.bodyStart;
      if (!s.functions.has(key) || e.replace) s.functions.set(key, f);
      return;
    }
    case 'create-view': {
      const schema = creationSchema(s, e.view, sp);
      const key = objectKey(schema, e.view.name);
      // CREATE OR REPLACE VIEW keeps the view, and where it was first created
      if (s.tables.has(key)) return;
      s.tables.set(key, { schema, name: e.view.name, kind: e.kind, columns: [], knownColumns: false, constraints: [], indexes: [], createdAt: place.loc(e.at) });
      return;
    }
    case 'create-schema':
      if (!s.schemas.has(e.name)) s.schemas.set(e.name, { name: e.name, createdAt: place.loc(e.at) });
      return;
    case 'create-extension':
      if (!s.extensions.has(e.name)) s.extensions.set(e.name, { name: e.name, createdAt: place.loc(e.at), ...(e.schema ? { schema: e.schema } : {}) });
      return;
    case 'create-trigger': {
      const table = resolveTable(s, e.table, sp);
      if (!table) return;
      const fn = e.function.schema ? `${e.function.schema}.${e.function.name}` : e.function.name;
      s.triggers.set(`${table}/${e.name}`, { name: e.name, table, function: fn, createdAt: place.loc(e.at) });
      return;
    }
    case 'create-policy': {
      const table = resolveTable(s, e.table, sp);
      if (table) s.policies.set(`${table}/${e.name}`, { name: e.name, table, createdAt: place.loc(e.at) });
      return;
    }
    case 'session':
    case 'data':
    case 'opaque':
      return;
  }
}

function applyRename(r: Replayer, e: Extract<SchemaEffect, { op: 'rename' }>): void {
  const s = r.state;
  const sp = r.searchPath;
  switch (e.kind) {
    case 'table':
    case 'view': {
      const key = resolveTable(s, e.target, sp);
      const t = key ? s.tables.get(key) : undefined;
      if (key && t) renameTable(r, key, t.schema, e.to);
      return;
    }
    case 'column': {
      const key = resolveTable(s, e.target, sp);
      if (key) renameColumn(r, key, e.from, e.to);
      return;
    }
    case 'index': {
      const key = resolveIndex(s, e.target, sp);
      if (key) renameIndex(r, key, e.to);
      return;
    }
    case 'constraint': {
      const key = resolveTable(s, e.target, sp);
      const t = key ? s.tables.get(key) : undefined;
      const c = t?.constraints.find((x) => x.name === e.from);
      if (!key || !t || !c) return;
      if (c.index) renameIndex(r, c.index, e.to);
      else updateTable(r, key, (tt) => ({ ...tt, constraints: tt.constraints.map((x) => (x.name === e.from ? { ...x, name: e.to } : x)) }));
      return;
    }
    case 'type':
    case 'sequence': {
      const map = (e.kind === 'type' ? s.types : s.sequences) as Map<string, { schema: string; name: string }>;
      const key = e.kind === 'type' ? resolveType(s, e.target, sp) : resolveSequence(s, e.target, sp);
      const v = key ? map.get(key) : undefined;
      if (!key || !v) return;
      map.delete(key);
      map.set(objectKey(v.schema, e.to), { ...v, name: e.to });
      return;
    }
    case 'schema':
      rekeySchema(r, e.from, e.to);
      return;
    case 'function':
      for (const f of resolveFunctions(s, e.target, sp)) {
        s.functions.delete(functionKey(f.schema, f.name, f.args));
        s.functions.set(functionKey(f.schema, e.to, f.args), { ...f, name: e.to });
      }
      return;
    case 'trigger':
    case 'policy': {
      const table = resolveTable(s, e.target, sp);
      if (!table) return;
      const map = (e.kind === 'trigger' ? s.triggers : s.policies) as Map<string, { name: string; table: string }>;
      const v = map.get(`${table}/${e.from}`);
      if (!v) return;
      map.delete(`${table}/${e.from}`);
      map.set(`${table}/${e.to}`, { ...v, name: e.to });
      return;
    }
  }
}

function applyDrop(r: Replayer, e: Extract<SchemaEffect, { op: 'drop' }>): void {
  const s = r.state;
  const sp = r.searchPath;
  switch (e.kind) {
    case 'table':
    case 'view':
    case 'matview':
    case 'foreign-table': {
      const key = resolveTable(s, e.target, sp);
      if (key) dropTable(r, key);
      return;
    }
    case 'index': {
      const key = resolveIndex(s, e.target, sp);
      const idx = key ? s.indexes.get(key) : undefined;
      if (!key || !idx) return;
      s.indexes.delete(key);
      updateTable(r, idx.table, (t) => ({ ...t, indexes: t.indexes.filter((i) => i !== key), constraints: t.constraints.filter((c) => c.index !== key) }));
      return;
    }
    case 'sequence': {
      const key = resolveSequence(s, e.target, sp);
      if (key) s.sequences.delete(key);
      return;
    }
    case 'type':
    case 'domain': {
      const key = resolveType(s, e.target, sp);
      if (key) s.types.delete(key);
      return;
    }
    case 'function':
    case 'procedure':
      for (const f of resolveFunctions(s, e.target, sp)) {
        if (e.args && e.args.join(',') !== f.args.join(',')) continue;
        s.functions.delete(functionKey(f.schema, f.name, f.args));
      }
      return;
    case 'schema': {
      if (!s.schemas.has(e.target.name)) return;
      s.schemas.delete(e.target.name);
      for (const [k, t] of [...s.tables]) if (t.schema === e.target.name) dropTable(r, k);
      for (const m of ['sequences', 'types', 'indexes'] as const) {
        const map = s[m] as Map<string, { schema: string }>;
        for (const [k, v] of [...map]) if (v.schema === e.target.name) map.delete(k);
      }
      for (const [k, f] of [...s.functions]) if (f.schema === e.target.name) s.functions.delete(k);
      return;
    }
    case 'extension':
      s.extensions.delete(e.target.name);
      return;
    case 'trigger':
    case 'policy': {
      const table = e.table ? resolveTable(s, e.table, sp) : undefined;
      if (table) (e.kind === 'trigger' ? s.triggers : s.policies).delete(`${table}/${e.target.name}`);
      return;
    }
    case 'other':
      return;
  }
}
