// Columns that look like personal data: by name (email, phone, first_name, address, ip, birth
// date, …), by type (inet), and by sampled values (mostly e-mail addresses, phone numbers, IP
// addresses). Used to suggest rules (`pglc data anonymize --suggest`) and to warn when an
// anonymizing restore leaves such a column without a rule.
// Invariant: read-only, and sampled values never leave this module — only the evidence in words.

import type { PiiSuggestion } from '../../protocol/index';
import type { DbClient } from '../db/connect';
import { quoteIdent, quoteQualified } from '../sql/quote';
import type { ColumnFact } from './column-facts';
import { inferGenerator } from './resolve-rules';
import type { ResolvedRules } from './resolve-rules';

const NAME_HINTS: [RegExp, string][] = [
  [/e_?mail/, 'e-mail'],
  [/(phone|mobile|cell|fax|(^|_)tel($|_))/, 'phone number'],
  [/(^|_)(first|last|middle|full|given|family|display|contact|customer|holder)_?name$|(^|_)(surname|name)$/, 'person name'],
  [/(^|_)(user_?name|login|nick_?name|handle)$/, 'user name'],
  [/(street|address|addr\d*$|(^|_)(city|zip|postal_?code|postcode)$)/, 'address'],
  [/(^|_)(ip|ip_?addr(ess)?|last_?ip|remote_?addr)$/, 'IP address'],
  [/(birth|dob|birthday)/, 'birth date'],
  [/(ssn|social_?security|tax_?id|national_?id|passport|iban|credit_?card|card_?number)/, 'identity or payment number'],
];

const VALUE_HINTS: [RegExp, string][] = [
  [/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i, 'e-mail addresses'],
  [/^\+?[\d ()./-]{7,20}$/, 'phone numbers'],
  [/^(\d{1,3}\.){3}\d{1,3}$/, 'IPv4 addresses'],
];

/**
 * Suggestions for the user tables' columns (`sample` values per column are looked at; 0 = names and types only).
 * @example const s = await detectPii(client, await readColumnFacts(client), rules, { sample: 20 });
 */
export async function detectPii(client: Pick<DbClient, 'query'>, facts: ColumnFact[], rules: ResolvedRules | undefined, opts: { sample: number; tables?: Set<string> }): Promise<PiiSuggestion[]> {
  const out: PiiSuggestion[] = [];
  const ruled = new Set((rules?.columns ?? []).map((c) => `${c.schema}.${c.table}.${c.column}`));
  const skipped = new Set(rules?.skipped ?? []);
  for (const f of facts) {
    if (f.generated || f.identity || f.tableKind === 'p') continue;
    const table = `${f.schema}.${f.table}`;
    if (opts.tables && !opts.tables.has(table)) continue;
    if (f.parent) continue; // partitions: the partitioned table's rule covers them
    const evidence: string[] = [];
    const name = f.column.toLowerCase();
    for (const [re, what] of NAME_HINTS) if (re.test(name)) evidence.push(`the name \`${f.column}\` suggests ${what}`);
    if (f.baseType === 'inet' || f.baseType === 'cidr') evidence.push('its type is inet (IP addresses)');
    if (opts.sample > 0 && f.category === 'S' && !skipped.has(table)) {
      const r = await client.query<{ v: string }>(
        `SELECT ${quoteIdent(f.column)}::text AS v FROM ONLY ${quoteQualified(f.schema, f.table)} WHERE ${quoteIdent(f.column)} IS NOT NULL LIMIT ${Math.floor(opts.sample)}`,
      ).catch(() => ({ rows: [] as { v: string }[] }));
      const values = r.rows.map((x) => x.v.trim());
      if (values.length >= 3) {
        for (const [re, what] of VALUE_HINTS) {
          const hits = values.filter((v) => re.test(v)).length;
          if (hits / values.length >= 0.8) evidence.push(`${hits} of ${values.length} sampled values look like ${what}`);
        }
      }
    }
    if (!evidence.length) continue;
    const inferred = inferGenerator(f);
    const strategy = f.category === 'S' || f.category === 'I' || f.category === 'D' || f.baseType === 'uuid' ? (inferred ? 'fake' : 'mask') : 'null';
    out.push({
      schema: f.schema,
      table: f.table,
      column: f.column,
      type: f.type,
      strategy: strategy === 'null' && f.notNull ? 'mask' : strategy,
      ...(strategy === 'fake' && inferred ? { generator: inferred.generator } : {}),
      evidence,
      ruled: ruled.has(`${table}.${f.column}`) || skipped.has(table),
    });
  }
  return out;
}

/**
 * A rules file covering `suggestions` (and the rules already there are the user's to merge).
 * @example suggestionsYaml(s) // "tables:\n  public.users:\n    email: fake  # the name `email` suggests e-mail\n"
 */
export function suggestionsYaml(suggestions: PiiSuggestion[]): string {
  const lines = [
    '# pglc/anonymize.yaml — suggested by `pglc data anonymize --suggest`; review every line.',
    '# Strategies: fake (a fitting fake value), mask (same shape), hash (keyed SHA-256), null, keep.',
    'tables:',
  ];
  let current = '';
  for (const s of suggestions) {
    const table = `${s.schema}.${s.table}`;
    if (table !== current) {
      lines.push(`  ${table}:`);
      current = table;
    }
    lines.push(`    ${s.column}: ${s.strategy === 'null' ? 'null' : s.strategy}  # ${s.evidence[0]}${s.ruled ? ' (already ruled)' : ''}`);
  }
  if (!suggestions.length) lines.push('  {}');
  return lines.join('\n') + '\n';
}
