// pglc/anonymize.yaml: which columns of which tables are replaced, and how (seed 001's format,
// with optional details). Parsing only — matching against a database is resolve-rules.ts.
//
//   seed: shop-2026            # optional: changes every replacement (default "pglc")
//   tables:
//     users:                   # or schema.table
//       email: fake            # a fitting fake, inferred from the column's name and type
//       name: fake
//       phone: mask            # same shape, other characters
//       ssn: hash              # keyed SHA-256 (hex)
//       nickname: { fake: internet.username }
//       card: { mask: { keep_last: 4 } }
//       notes: null            # removed
//       id: keep
//     skip: [roles, permissions]   # tables copied unchanged (also accepted at the top level)
//
// Invariant: a rules file either parses into complete rules or is an error naming the line —
// a rule silently ignored would leave personal data in place.

import { parseDocument, isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { AnonymizeStrategy } from '../../protocol/index';
import { PglcError } from '../errors';

export interface ColumnRuleSpec {
  strategy: AnonymizeStrategy;
  /** fake: a faker method path such as `internet.email` (inferred when absent). */
  generator?: string;
  /** mask: characters kept at the end; a fixed replacement character instead of look-alikes. */
  keepLast?: number;
  maskChar?: string;
  /** hash: false = plain SHA-256 (comparable with other systems, and guessable). */
  keyed?: boolean;
  /** 1-based line in the file, for messages. */
  line: number;
}

export interface RulesSpec {
  file: string;
  seed: string;
  /** Table reference as written (`users` or `billing.invoices`) → column → rule. */
  tables: Map<string, { line: number; columns: Map<string, ColumnRuleSpec> }>;
  skip: { table: string; line: number }[];
}

const STRATEGIES = new Set(['fake', 'mask', 'hash', 'null', 'keep']);

/**
 * Parses the text of a rules file.
 * @example parseRules('tables:\n  users:\n    email: fake\n', 'pglc/anonymize.yaml').tables.get('users')
 */
export function parseRules(text: string, file: string): RulesSpec {
  const doc = parseDocument(text, { prettyErrors: false });
  const lineOf = (node: Node | null | undefined): number => {
    const offset = node?.range?.[0] ?? 0;
    return text.slice(0, offset).split('\n').length;
  };
  const fail = (node: Node | null | undefined, what: string, fix: string): never => {
    const line = lineOf(node);
    throw new PglcError('anonymize-rules-invalid', {
      what: `${file}, line ${line}: ${what}`,
      why: 'the anonymization rules must be complete and exact, or personal data could be copied as is',
      fix,
      details: { file, line },
    });
  };
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line ?? text.slice(0, e.pos[0]).split('\n').length;
    throw new PglcError('anonymize-rules-invalid', {
      what: `${file} is not valid YAML (line ${line})`,
      why: e.message.split('\n')[0] ?? 'the YAML parser rejected it',
      fix: `Fix line ${line}; the format is documented in docs/anonymize.md.`,
      details: { file, line },
    });
  }
  const root = doc.contents;
  const spec: RulesSpec = { file, seed: 'pglc', tables: new Map(), skip: [] };
  if (root === null || root === undefined) return spec;
  if (!isMap(root)) return fail(root, 'the file must be a mapping with `tables:` (and optionally `seed:` and `skip:`)', 'Start from `pglc data anonymize --suggest`.');
  for (const pair of (root as YAMLMap).items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (key === 'seed') {
      if (!isScalar(pair.value) || pair.value.value === null) fail(pair.value as Node, '`seed` must be a string or a number', 'e.g. `seed: 42`');
      spec.seed = String((pair.value as { value: unknown }).value);
    } else if (key === 'skip') {
      readSkip(pair.value as Node, spec, fail, lineOf);
    } else if (key === 'tables') {
      if (!isMap(pair.value)) fail(pair.value as Node, '`tables` must map table names to their columns', 'e.g.\ntables:\n  users:\n    email: fake');
      for (const t of (pair.value as YAMLMap).items) {
        const table = isScalar(t.key) ? String(t.key.value) : '';
        if (table === 'skip') {
          readSkip(t.value as Node, spec, fail, lineOf);
          continue;
        }
        if (!/^[^.\s]+(\.[^.\s]+)?$/.test(table)) fail(t.key as Node, `"${table}" is not a table name`, 'Use `table` or `schema.table`.');
        if (!isMap(t.value)) fail((t.value ?? t.key) as Node, `table ${table} must map its columns to a strategy`, `e.g.\n  ${table}:\n    email: fake`);
        const columns = new Map<string, ColumnRuleSpec>();
        for (const c of (t.value as YAMLMap).items) {
          const column = isScalar(c.key) ? String(c.key.value) : '';
          if (!column) fail(c.key as Node, `a column name of ${table} is empty`, 'Name the column.');
          if (columns.has(column)) fail(c.key as Node, `${table}.${column} has two rules`, 'Keep one.');
          columns.set(column, readColumnRule(c.value as Node, `${table}.${column}`, fail, lineOf(c.key as Node)));
        }
        if (spec.tables.has(table)) fail(t.key as Node, `table ${table} is listed twice`, 'Merge its columns into one entry.');
        spec.tables.set(table, { line: lineOf(t.key as Node), columns });
      }
    } else {
      fail(pair.key as Node, `unknown key "${key}"`, 'The keys are `seed`, `tables` and `skip`.');
    }
  }
  return spec;
}

function readSkip(node: Node, spec: RulesSpec, fail: (n: Node, what: string, fix: string) => never, lineOf: (n: Node) => number): void {
  if (!isSeq(node)) fail(node, '`skip` must be a list of table names', 'e.g. `skip: [roles, permissions]`');
  for (const item of (node as { items: Node[] }).items) {
    if (!isScalar(item) || typeof item.value !== 'string' || !item.value) fail(item, 'a `skip` entry must be a table name', 'e.g. `- roles`');
    spec.skip.push({ table: String((item as { value: unknown }).value), line: lineOf(item) });
  }
}

function readColumnRule(node: Node | null, where: string, fail: (n: Node | null, what: string, fix: string) => never, line: number): ColumnRuleSpec {
  const fix = 'Use fake, mask, hash, null or keep — or a detail such as `{ fake: internet.email }`, `{ mask: { keep_last: 4 } }`, `{ hash: { keyed: false } }`.';
  // `null` (unquoted) is YAML's null: the "null" strategy.
  if (node === null || (isScalar(node) && node.value === null)) return { strategy: 'null', line };
  if (isScalar(node)) {
    const s = String(node.value);
    if (!STRATEGIES.has(s)) fail(node, `${where}: "${s}" is not a strategy`, fix);
    return { strategy: s as AnonymizeStrategy, line };
  }
  if (!isMap(node) || node.items.length !== 1) fail(node, `${where}: expected one strategy`, fix);
  const pair = (node as YAMLMap).items[0]!;
  const strategy = isScalar(pair.key) ? String(pair.key.value) : '';
  const value = pair.value as Node | null;
  if (strategy === 'fake') {
    if (!isScalar(value) || typeof value.value !== 'string' || !/^[a-z]+\.[a-zA-Z]+$/.test(value.value)) {
      fail(value ?? node, `${where}: fake takes a faker method such as internet.email or person.lastName`, 'See https://fakerjs.dev/api/ for the methods.');
    }
    return { strategy: 'fake', generator: String((value as { value: unknown }).value), line };
  }
  if (strategy === 'mask') {
    const rule: ColumnRuleSpec = { strategy: 'mask', line };
    if (value === null || (isScalar(value) && value.value === null)) return rule;
    if (!isMap(value)) fail(value, `${where}: mask takes options such as { keep_last: 4, char: "*" }`, fix);
    for (const o of (value as YAMLMap).items) {
      const k = isScalar(o.key) ? String(o.key.value) : '';
      const v = isScalar(o.value) ? o.value.value : undefined;
      if (k === 'keep_last' && typeof v === 'number' && Number.isInteger(v) && v >= 0) rule.keepLast = v;
      else if (k === 'char' && typeof v === 'string' && [...v].length === 1) rule.maskChar = v;
      else fail(o.key as Node, `${where}: mask option "${k}" must be keep_last (a whole number) or char (one character)`, fix);
    }
    return rule;
  }
  if (strategy === 'hash') {
    const rule: ColumnRuleSpec = { strategy: 'hash', line };
    if (value === null || (isScalar(value) && value.value === null)) return rule;
    if (!isMap(value)) fail(value, `${where}: hash takes { keyed: true | false }`, fix);
    for (const o of (value as YAMLMap).items) {
      const k = isScalar(o.key) ? String(o.key.value) : '';
      const v = isScalar(o.value) ? o.value.value : undefined;
      if (k === 'keyed' && typeof v === 'boolean') rule.keyed = v;
      else fail(o.key as Node, `${where}: hash option "${k}" must be keyed: true or false`, fix);
    }
    return rule;
  }
  return fail(node, `${where}: "${strategy}" is not a strategy with options`, fix);
}
