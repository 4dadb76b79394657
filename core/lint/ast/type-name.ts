// Column types as the lint rules compare them: PostgreSQL's grammar turns `integer`, `int` and
// `int4` into different trees (`pg_catalog.int4` for the keyword forms, a bare `int4` when typed
// as a name), so every spelling is folded to the catalog's name here, with the modifiers and
// array dimension kept. Invariant: pure; two spellings of one type give equal `name`s, and
// `sql` is text PostgreSQL accepts for that type (used in generated Down sections and fixes).

import type { TypeName } from 'libpg-query';
import { constValue, stringList } from './nodes';

export interface ColumnType {
  /** Catalog name: `int4`, `varchar`, `timestamptz`, `serial4` (the serial pseudo-types stay distinct), or a user type. */
  name: string;
  /** Schema when written qualified and not pg_catalog. */
  schema?: string;
  /** Type modifiers: `varchar(20)` → [20], `numeric(10,2)` → [10, 2]. */
  mods: number[];
  /** Array dimensions (0 for a scalar). */
  array: number;
  /** SQL spelling, e.g. `varchar(20)`, `integer`, `numeric(10,2)[]`. */
  sql: string;
}

const ALIASES: Record<string, string> = {
  int: 'int4',
  integer: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  serial: 'serial4',
  bigserial: 'serial8',
  smallserial: 'serial2',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  'character varying': 'varchar',
  character: 'bpchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
};

const SPELLING: Record<string, string> = {
  int4: 'integer',
  int8: 'bigint',
  int2: 'smallint',
  serial4: 'serial',
  serial8: 'bigserial',
  serial2: 'smallserial',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  bpchar: 'char',
  varchar: 'varchar',
};

/** Types without modifiers in their SQL spelling even when the tree has some (interval fields). */
const NO_MODS = new Set(['interval']);

const SIMPLE_IDENT = /^[a-z_][a-z0-9_$]*$/;

function ident(name: string): string {
  return SIMPLE_IDENT.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * @example columnType(tree.typeName) // { name: 'varchar', mods: [20], array: 0, sql: 'varchar(20)' }
 */
export function columnType(t: TypeName | undefined): ColumnType | undefined {
  if (!t) return undefined;
  const names = stringList(t.names);
  if (names.length === 0) return undefined;
  let schema: string | undefined;
  let base = names[names.length - 1] as string;
  if (names.length > 1) schema = names[names.length - 2];
  if (schema === 'pg_catalog') schema = undefined;
  const name = schema ? base : (ALIASES[base] ?? base);
  base = name;
  const mods: number[] = [];
  for (const m of Array.isArray(t.typmods) ? t.typmods : []) {
    const v = constValue(m);
    if (typeof v === 'number') mods.push(v);
  }
  const array = Array.isArray(t.arrayBounds) ? t.arrayBounds.length : 0;
  let sql = schema ? `${ident(schema)}.${ident(base)}` : (SPELLING[base] ?? ident(base));
  if (mods.length && !NO_MODS.has(base)) sql += `(${mods.join(',')})`;
  if (base === 'bpchar' && mods.length === 0) sql = 'char';
  sql += '[]'.repeat(array);
  const out: ColumnType = { name, mods, array, sql };
  if (schema) out.schema = schema;
  return out;
}

/** int2/int4 and their serial forms: a key of this type runs out of values. */
export function isSmallInteger(t: ColumnType): boolean {
  return t.array === 0 && !t.schema && ['int2', 'int4', 'serial2', 'serial4'].includes(t.name);
}

export function isSerial(t: ColumnType): boolean {
  return t.array === 0 && !t.schema && ['serial2', 'serial4', 'serial8'].includes(t.name);
}

/** The integer type a serial expands to. */
export function serialBase(t: ColumnType): string {
  return t.name === 'serial2' ? 'smallint' : t.name === 'serial8' ? 'bigint' : 'integer';
}

/** Same type, modifiers and dimensions. */
export function sameType(a: ColumnType, b: ColumnType): boolean {
  return a.name === b.name && (a.schema ?? '') === (b.schema ?? '') && a.array === b.array && a.mods.join(',') === b.mods.join(',');
}
