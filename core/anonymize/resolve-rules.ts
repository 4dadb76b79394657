// From the rules file to the columns of one actual database: table names resolved (with or
// without schema), every column checked to exist and to suit its strategy, and the faker
// generator of each `fake` chosen from the column's name and type when the file does not say.
// Invariants: a rule naming a column the table does not have is an error (a typo would copy
// personal data as is); a rule that cannot be applied to the column's type is an error; a table
// of the rules that the database does not have is only a warning (rules outlive tables).

import type { AnonymizeColumnRule } from '../../protocol/index';
import { PglcError } from '../errors';
import { closestName } from '../config/closest-name';
import type { ColumnFact } from './column-facts';
import { isFakerMethod, type ReplacementRule } from './replacer';
import type { ColumnRuleSpec, RulesSpec } from './rules-file';

export interface ResolvedColumn extends AnonymizeColumnRule {
  fact: ColumnFact;
  spec: ColumnRuleSpec;
  /** For fake/mask/hash: the replacement (strategy + generator + options). */
  replacement?: ReplacementRule;
  /** Columns with the same domain share one mapping (joins across tables keep matching). */
  domain?: string;
}

export interface ResolvedRules {
  file: string;
  seed: string;
  columns: ResolvedColumn[];
  /** `schema.table` of tables listed under skip. */
  skipped: string[];
  warnings: string[];
}

/**
 * Resolves `spec` against `facts` (readColumnFacts of the database to anonymize).
 * @example const rules = resolveRules(parseRules(text, file), await readColumnFacts(client));
 */
export function resolveRules(spec: RulesSpec, facts: ColumnFact[]): ResolvedRules {
  const warnings: string[] = [];
  const tables = new Map<string, ColumnFact[]>();
  for (const f of facts) {
    const k = `${f.schema}.${f.table}`;
    tables.set(k, [...(tables.get(k) ?? []), f]);
  }
  const find = (ref: string, line: number): string | undefined => {
    if (ref.includes('.')) return tables.has(ref) ? ref : undefined;
    const hits = [...tables.keys()].filter((k) => k.slice(k.indexOf('.') + 1) === ref);
    if (hits.length > 1) {
      throw new PglcError('anonymize-rules-invalid', {
        what: `${spec.file}, line ${line}: table "${ref}" is ambiguous`,
        why: `the database has ${hits.join(' and ')}`,
        fix: `Write the schema: ${hits.map((h) => `\`${h}\``).join(' or ')}.`,
        details: { file: spec.file, line },
      });
    }
    return hits[0];
  };
  const columns: ResolvedColumn[] = [];
  for (const [ref, t] of spec.tables) {
    const key = find(ref, t.line);
    if (!key) {
      warnings.push(`${spec.file}, line ${t.line}: the database has no table "${ref}"; its rules were not used`);
      continue;
    }
    const cols = tables.get(key)!;
    for (const [name, rule] of t.columns) {
      const fact = cols.find((c) => c.column === name);
      if (!fact) {
        const near = closestName(name, cols.map((c) => c.column));
        throw new PglcError('anonymize-rules-invalid', {
          what: `${spec.file}, line ${rule.line}: ${key} has no column "${name}"`,
          why: `its columns are ${cols.map((c) => c.column).join(', ')}`,
          fix: near ? `Did you mean "${near}"?` : 'Name an existing column (a mistyped rule would leave the real column as it is).',
          details: { file: spec.file, line: rule.line },
        });
      }
      columns.push(resolveColumn(spec.file, fact, rule));
    }
  }
  const skipped: string[] = [];
  for (const s of spec.skip) {
    const key = find(s.table, s.line);
    if (!key) warnings.push(`${spec.file}, line ${s.line}: the database has no table "${s.table}" to skip`);
    else {
      skipped.push(key);
      if (columns.some((c) => `${c.schema}.${c.table}` === key)) {
        throw new PglcError('anonymize-rules-invalid', {
          what: `${spec.file}, line ${s.line}: ${key} is both skipped and has rules`,
          why: 'a skipped table is copied unchanged, so its rules could never apply',
          fix: 'Remove it from skip, or remove its rules.',
          details: { file: spec.file, line: s.line },
        });
      }
    }
  }
  return { file: spec.file, seed: spec.seed, columns, skipped, warnings };
}

function resolveColumn(file: string, fact: ColumnFact, spec: ColumnRuleSpec): ResolvedColumn {
  const where = `${fact.schema}.${fact.table}.${fact.column}`;
  const fail = (why: string, fix: string): never => {
    throw new PglcError('anonymize-rules-invalid', { what: `${file}, line ${spec.line}: ${where} cannot be anonymized with ${spec.strategy}`, why, fix, details: { file, line: spec.line } });
  };
  const base: ResolvedColumn = { schema: fact.schema, table: fact.table, column: fact.column, strategy: spec.strategy, fact, spec };
  if (spec.strategy === 'keep') return base;
  if (fact.generated) fail('it is a generated column: its value is computed from other columns', 'Anonymize the columns it is computed from, and remove this rule.');
  if (spec.strategy === 'null') {
    if (fact.notNull) fail('it is NOT NULL', 'Use fake, mask or hash instead.');
    return base;
  }
  if (fact.identity) fail('it is an identity column (a generated key)', 'Keys are not personal data; remove the rule or use keep.');
  const textual = fact.category === 'S';
  if (spec.strategy === 'hash') {
    if (!textual) fail(`it is ${fact.type}, and a hash is 64 hex characters`, 'Use fake or null for non-text columns.');
    if (/\((\d+)\)/.test(fact.type) && Number(/\((\d+)\)/.exec(fact.type)![1]) < 64) fail(`${fact.type} is too short for a 64-character hash`, 'Use mask or fake, or widen the column.');
    const replacement: ReplacementRule = { strategy: 'hash', keyed: spec.keyed !== false };
    return { ...base, replacement, domain: `hash:${replacement.keyed}` };
  }
  if (spec.strategy === 'mask') {
    if (!['S', 'N'].includes(fact.category)) fail(`it is ${fact.type}; mask keeps the characters' shape of text and numbers`, 'Use fake or null.');
    const replacement: ReplacementRule = { strategy: 'mask', ...(spec.keepLast !== undefined ? { keepLast: spec.keepLast } : {}), ...(spec.maskChar ? { maskChar: spec.maskChar } : {}) };
    return { ...base, replacement, domain: `mask:${spec.keepLast ?? 0}:${spec.maskChar ?? ''}` };
  }
  const chosen = spec.generator ? { generator: spec.generator, reason: 'named in the rules' } : inferGenerator(fact);
  if (!chosen) fail(`nothing in its name or type (${fact.type}) says what kind of value it holds`, 'Name a generator, e.g. `{ fake: person.lastName }` (https://fakerjs.dev/api/).');
  if (!isFakerMethod(chosen!.generator)) fail(`"${chosen!.generator}" is not a faker method`, 'Pick a method from https://fakerjs.dev/api/ that needs no arguments.');
  return { ...base, generator: chosen!.generator, reason: chosen!.reason, replacement: { strategy: 'fake', generator: chosen!.generator }, domain: `fake:${chosen!.generator}` };
}

/** Name patterns → faker method, most specific first. */
const BY_NAME: [RegExp, string][] = [
  [/e_?mail/, 'internet.exampleEmail'],
  [/(^|_)(first_?name|given_?name|fname|forename)$/, 'person.firstName'],
  [/(^|_)(last_?name|surname|family_?name|lname)$/, 'person.lastName'],
  [/(^|_)(middle_?name)$/, 'person.middleName'],
  [/(^|_)(user_?name|login|handle|nick_?name|screen_?name)$/, 'internet.username'],
  [/(^|_)(full_?name|display_?name|contact_?name|customer_?name|holder_?name|name)$/, 'person.fullName'],
  [/(phone|mobile|cell|fax|tel)/, 'phone.number'],
  [/(^|_)(street|address(_?line)?_?\d*|addr\d*)$/, 'location.streetAddress'],
  [/(^|_)(city|town)$/, 'location.city'],
  [/(^|_)(zip|zip_?code|postal_?code|post_?code|postcode)$/, 'location.zipCode'],
  [/(^|_)(state|province|region)$/, 'location.state'],
  [/(^|_)country$/, 'location.country'],
  [/(^|_)(company|organi[sz]ation|employer)(_?name)?$/, 'company.name'],
  [/(^|_)(ip|ip_?addr(ess)?|last_?ip|remote_?addr)$/, 'internet.ipv4'],
  [/(^|_)(url|website|homepage|web_?site)$/, 'internet.url'],
  [/(birth|dob|birthday)/, 'date.birthdate'],
  [/(^|_)iban$/, 'finance.iban'],
  [/(credit_?card|card_?number|cc_?num(ber)?|pan)$/, 'finance.creditCardNumber'],
  [/(^|_)(ssn|social_?security|tax_?id|national_?id|passport(_?number)?)$/, 'string.numeric'],
  [/(^|_)(bio|about|description|notes?|comment|message|body)$/, 'lorem.sentence'],
  [/(^|_)(job_?title|title)$/, 'person.jobTitle'],
  [/(lat|latitude)$/, 'location.latitude'],
  [/(lng|lon|longitude)$/, 'location.longitude'],
];

/**
 * The generator a `fake` column gets without one named: by name first, then by type.
 * @example inferGenerator({ column: 'customer_email', category: 'S', baseType: 'text', … })?.generator === 'internet.exampleEmail'
 */
export function inferGenerator(fact: Pick<ColumnFact, 'column' | 'category' | 'baseType'>): { generator: string; reason: string } | undefined {
  const name = fact.column.toLowerCase();
  for (const [re, generator] of BY_NAME) {
    if (re.test(name)) return { generator, reason: `inferred from the column name \`${fact.column}\`` };
  }
  const byType: Record<string, string> = { uuid: 'string.uuid', inet: 'internet.ipv4', cidr: 'internet.ipv4', date: 'date.past', timestamp: 'date.past', timestamptz: 'date.past', macaddr: 'internet.mac' };
  const t = byType[fact.baseType];
  if (t) return { generator: t, reason: `inferred from the type ${fact.baseType}` };
  return undefined;
}
