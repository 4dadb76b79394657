// `pglc db lint:facts [--env ENV]`: what schema lint may know of an environment — its server
// version and the estimated size of every table (one catalog query, read-only; no table is
// scanned). The editor runs it with --json for the active environment and hands the result to
// the language server, which never connects to a database itself.

import type { LintFacts } from '../../protocol/index';
import { withConnection } from '../../core/db/connect';
import { openEnvironment } from '../../core/environments/open-environment';
import { readLintFacts } from '../../core/lint/read-facts';
import { compactBytes, compactCount } from '../../core/lint/rules/common';
import { defineCommand } from '../command-definition';
import { bold, dim, table } from '../output/style';

export default defineCommand<LintFacts>({
  path: ['db', 'lint:facts'],
  summary: 'Show the table sizes and server version schema lint reads from an environment',
  help: 'Examples:\n  pglc db lint:facts --env staging\n  pglc db lint:facts --env staging --json     # what the editor reads',
  async run({ opts }, ctx) {
    const opened = await openEnvironment(ctx, opts.env);
    const { facts } = await withConnection(opened.target, { envName: opened.env.name, applicationName: 'pglc lint facts' }, (client) =>
      readLintFacts(client, opened.env.name, opened.target, opened.project.migrationTable, ctx),
    );
    return facts;
  },
  render(f) {
    const head = `${bold(f.environment)} ${dim(`${f.target} · PostgreSQL ${f.serverVersion.text}`)}`;
    if (f.tables.length === 0) return `${head}\nNo tables yet.`;
    const largest = [...f.tables].sort((a, b) => b.bytes - a.bytes);
    const rows = largest.slice(0, 20).map((t) => [t.schema === 'public' ? t.name : `${t.schema}.${t.name}`, compactCount(t.rows), compactBytes(t.bytes)]);
    const more = largest.length > rows.length ? `\n${dim(`… and ${largest.length - rows.length} smaller tables`)}` : '';
    return `${head}\n${table(rows, ['table', 'rows (estimate)', 'size'])}${more}`;
  },
});
