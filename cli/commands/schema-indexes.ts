// `pglc schema indexes [--unused | --missing]`: index advice for an environment.
import type { SchemaIndexesResult } from '../../protocol/index';
import { schemaIndexes } from '../../core/schema/index-advice';
import { defineCommand } from '../command-definition';
import { bold, dim, formatBytes, green, table, yellow } from '../output/style';

export default defineCommand<SchemaIndexesResult>({
  path: ['schema', 'indexes'],
  summary: 'Unused indexes (from pg_stat_user_indexes) and missing ones (unindexed foreign keys, sequential-scan-heavy tables)',
  configure: (cmd) =>
    cmd
      .option('--unused', 'only unused indexes')
      .option('--missing', 'only missing indexes')
      .option('--min-rows <n>', 'tables smaller than this are never sequential-scan heavy (default 10000)'),
  async run({ opts }, ctx) {
    return schemaIndexes(ctx, opts.env, { unused: Boolean(opts.unused), missing: Boolean(opts.missing), ...(opts.minRows ? { minRows: Number(opts.minRows) } : {}) });
  },
  render(r) {
    const out = [`${bold(r.environment)} ${dim(`${r.database}${r.statsSince ? ` · statistics since ${r.statsSince.slice(0, 16).replace('T', ' ')}` : ''}`)}`];
    if (r.unused) {
      if (!r.unused.length) out.push(`${green('✔')} No unused indexes.`);
      else out.push(yellow(`${r.unused.length} unused:`), table(r.unused.map((u) => [`${u.schema}.${u.index}`, `${u.schema}.${u.table}`, formatBytes(u.bytes), u.suggestion]), ['index', 'table', 'size', 'suggestion']));
    }
    if (r.missing) {
      if (!r.missing.length) out.push(`${green('✔')} No missing indexes found.`);
      else for (const m of r.missing) out.push(`${yellow('!')} ${m.schema}.${m.table}: ${m.detail}${m.suggestion ? `\n    ${m.suggestion}` : ''}`);
    }
    return out.join('\n');
  },
});
