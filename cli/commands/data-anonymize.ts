// `pglc data anonymize [--preview | --suggest] [--rules FILE]`: anonymize an environment in place
// (never a protected one), preview the replacements, or suggest rules for personal-looking columns.
import type { AnonymizeResult } from '../../protocol/index';
import { anonymizeEnvironment } from '../../core/anonymize/anonymize';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { bold, dim, formatDuration, green, table } from '../output/style';

export default defineCommand<AnonymizeResult>({
  path: ['data', 'anonymize'],
  summary: 'Anonymize personal data in place with pglc/anonymize.yaml (never on protected environments); --preview, --suggest',
  help: 'Deterministic: the same value gets the same replacement everywhere (joins and repeated values still match). Set PGLC_ANONYMIZE_KEY to key the replacements.',
  configure: (cmd) =>
    cmd
      .option('--preview', 'show 10 rows per table before and after, change nothing')
      .option('--suggest', 'print rules for the columns that look like personal data')
      .option('--rules <file>', 'the rules file (default [restore] anonymize_rules, pglc/anonymize.yaml)'),
  async run({ opts }, ctx) {
    if (opts.preview && opts.suggest) throw new PglcError('usage', { what: '--preview and --suggest together', why: 'they are different questions', fix: 'Choose one.' });
    return anonymizeEnvironment({ ...(opts.env ? { env: opts.env } : {}), ...(opts.rules ? { rules: opts.rules as string } : {}), preview: Boolean(opts.preview), suggest: Boolean(opts.suggest) }, ctx);
  },
  render(r) {
    if (r.mode === 'suggest') {
      const s = r.suggestions ?? [];
      if (!s.length) return `No column of ${r.database} looks like personal data.`;
      return [
        table(s.map((x) => [`${x.schema}.${x.table}.${x.column}`, x.type, x.generator ? `${x.strategy}: ${x.generator}` : x.strategy, x.ruled ? green('ruled') : 'no rule', dim(x.evidence.join('; '))]), ['column', 'type', 'suggested', '', 'why']),
        '',
        r.suggestedYaml ? bold('Rules for the unruled ones (save as pglc/anonymize.yaml and review):') : '',
        r.suggestedYaml ?? '',
      ].join('\n');
    }
    if (r.mode === 'preview') {
      return (r.preview ?? []).map((t) => [
        bold(`${t.schema}.${t.table}`),
        table(t.rows.map((row) => t.columns.map((_c, i) => `${row.before[i] ?? 'NULL'} → ${row.after[i] ?? 'NULL'}`)), t.columns),
      ].join('\n')).join('\n\n') || 'No ruled columns.';
    }
    const s = r.summary!;
    return [
      `${green('✔')} Anonymized ${s.rows} rows in ${s.tables.length} table(s) of ${r.environment} (${r.database}) in ${formatDuration(s.durationMs)} (${Math.round(s.rowsPerSecond)} rows/s)`,
      ...s.tables.map((t) => `  ${t.schema}.${t.table}: ${t.rows} rows, ${t.columns.map((c) => c.column).join(', ')}`),
      ...s.unruledPii.map((u) => `  ⚠ no rule for ${u}`),
      ...s.warnings.map((w) => `  ⚠ ${w}`),
    ].join('\n');
  },
});
