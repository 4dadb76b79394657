// `pglc data anonymize [--preview | --suggest] [--rules FILE]`, and the pieces a restore with
// --anonymize uses: reading the rules file, resolving it against a database, the key.
// Invariants: never in place on a protected environment (guards.ts: data:anonymize-in-place is
// blocked — copy the data elsewhere with `pglc restore --to … --anonymize`); runs under the
// database's advisory lock; a preview changes nothing.

import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { AnonymizePreviewTable, AnonymizeResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { withAdvisoryLock } from '../db/advisory-lock';
import { connect, type DbClient } from '../db/connect';
import { openEnvironment } from '../environments/open-environment';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { note, progress, type OperationContext } from '../operation-context';
import { quoteIdent, quoteQualified } from '../sql/quote';
import { anonymizeDatabase } from './anonymize-database';
import { readColumnFacts } from './column-facts';
import { detectPii, suggestionsYaml } from './detect-pii';
import { anonymizeKey, makeReplacer } from './replacer';
import { resolveRules, type ResolvedRules } from './resolve-rules';
import { parseRules, type RulesSpec } from './rules-file';

/**
 * The rules file (`--rules`, else [restore] anonymize_rules, else pglc/anonymize.yaml), parsed.
 * @example const spec = await loadRules(project, undefined);
 */
export async function loadRules(project: ProjectConfig, rulesPath: string | undefined, cwd = project.root): Promise<RulesSpec> {
  const path = rulesPath ? (isAbsolute(rulesPath) ? rulesPath : join(cwd, rulesPath)) : join(project.root, project.restore.anonymizeRules);
  const shown = relative(project.root, path) || path;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new PglcError('anonymize-rules-missing', {
      what: `There are no anonymization rules: ${shown} does not exist`,
      why: 'anonymizing needs rules that say which columns hold personal data and how to replace them',
      fix: 'Run `pglc data anonymize --suggest` to print rules for the columns that look personal, review them and save them as pglc/anonymize.yaml.',
      details: { file: shown },
    });
  }
  return parseRules(text, shown);
}

export interface PreparedAnonymization {
  rules: ResolvedRules;
  key: Buffer;
  /** `schema.table.column (why)` of likely personal data without a rule. */
  unruledPii: string[];
  warnings: string[];
}

/**
 * Resolves the rules against the database behind `client`, with the key and the PII warnings.
 * @example const prepared = await prepareAnonymization(client, spec, vars);
 */
export async function prepareAnonymization(
  client: Pick<DbClient, 'query'>,
  spec: RulesSpec,
  vars: Readonly<Record<string, string | undefined>>,
  opts: { tables?: Set<string>; sample?: number } = {},
): Promise<PreparedAnonymization> {
  const facts = await readColumnFacts(client);
  const rules = resolveRules(spec, facts);
  const { key, secret } = anonymizeKey(vars, rules.seed);
  const warnings: string[] = [];
  if (!secret) {
    warnings.push('PGLC_ANONYMIZE_KEY is not set: replacements derive from the rules\' seed only, so anyone with the rules file can test guesses against the anonymized values. Set PGLC_ANONYMIZE_KEY (a secret) for anonymized copies that leave your hands.');
  }
  const suggestions = await detectPii(client, facts, rules, { sample: opts.sample ?? 20, ...(opts.tables ? { tables: opts.tables } : {}) });
  const unruledPii = suggestions.filter((s) => !s.ruled).map((s) => `${s.schema}.${s.table}.${s.column} (${s.evidence[0]})`);
  return { rules, key, unruledPii, warnings };
}

export interface AnonymizeOptions {
  env?: string;
  rules?: string;
  preview?: boolean;
  suggest?: boolean;
}

/**
 * `pglc data anonymize`: in place on a non-protected environment, or a preview / suggestions.
 * @example const r = await anonymizeEnvironment({ env: 'staging' }, ctx); r.summary?.rows
 */
export async function anonymizeEnvironment(opts: AnonymizeOptions, ctx: OperationContext): Promise<AnonymizeResult> {
  const opened = await openEnvironment(ctx, opts.env);
  const { project, env, target, vars } = opened;
  const mode: AnonymizeResult['mode'] = opts.suggest ? 'suggest' : opts.preview ? 'preview' : 'apply';
  if (mode === 'apply') checkGuard('data:anonymize-in-place', env, target.database);
  const client = await connect(target, { envName: env.name, applicationName: 'pglc anonymize' });
  try {
    const base = { environment: env.name, database: target.database, mode };
    if (mode === 'suggest') {
      const facts = await readColumnFacts(client);
      let rules: ResolvedRules | undefined;
      try {
        rules = resolveRules(await loadRules(project, opts.rules, ctx.cwd), facts);
      } catch (e) {
        if (!(e instanceof PglcError) || e.code !== 'anonymize-rules-missing') throw e;
      }
      const suggestions = await detectPii(client, facts, rules, { sample: 20 });
      return { ...base, suggestions, suggestedYaml: suggestionsYaml(suggestions.filter((s) => !s.ruled)) };
    }
    const spec = await loadRules(project, opts.rules, ctx.cwd);
    const prepared = await prepareAnonymization(client, spec, vars);
    for (const w of [...prepared.rules.warnings, ...prepared.warnings]) note(ctx, w, 'warn');
    for (const p of prepared.unruledPii) note(ctx, `No rule for ${p}`, 'warn');
    if (mode === 'preview') return { ...base, preview: await previewAnonymization(client, prepared) };
    progress(ctx, 'anonymize.start', `Anonymizing ${env.name} (${target.database}) with ${spec.file}…`);
    const summary = await withAdvisoryLock(client, 'pglc:mutate', { timeoutMs: project.lockTimeoutMs, what: 'migration, restore or anonymization' }, ctx, () =>
      anonymizeDatabase(client, prepared.rules, prepared.key, { unruledPii: prepared.unruledPii, warnings: prepared.warnings }, ctx),
    );
    return { ...base, summary };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Ten rows of every ruled table, before and after (replacements as the run would draw them first;
 * a value that collides gets another one in the real run).
 */
export async function previewAnonymization(client: Pick<DbClient, 'query'>, prepared: PreparedAnonymization): Promise<AnonymizePreviewTable[]> {
  const byTable = new Map<string, typeof prepared.rules.columns>();
  for (const c of prepared.rules.columns) {
    if (c.strategy === 'keep') continue;
    const k = `${c.schema}.${c.table}`;
    byTable.set(k, [...(byTable.get(k) ?? []), c]);
  }
  const out: AnonymizePreviewTable[] = [];
  for (const cols of byTable.values()) {
    const c0 = cols[0]!;
    const r = await client.query<Record<string, string | null>>(
      `SELECT ${cols.map((c, i) => `${quoteIdent(c.column)}::text AS c${i}`).join(', ')} FROM ${c0.fact.tableKind === 'p' ? '' : 'ONLY '}${quoteQualified(c0.schema, c0.table)} LIMIT 10`,
    );
    const replacers = cols.map((c) => (c.replacement ? makeReplacer(c.replacement, prepared.key) : undefined));
    out.push({
      schema: c0.schema,
      table: c0.table,
      columns: cols.map((c) => c.column),
      rows: r.rows.map((row) => {
        const before = cols.map((_c, i) => row[`c${i}`] ?? null);
        const after = cols.map((c, i) => (c.strategy === 'null' || before[i] === null ? null : replacers[i]!(before[i]!, 0)));
        return { before, after };
      }),
    });
  }
  return out;
}
