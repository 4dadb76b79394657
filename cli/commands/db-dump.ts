// `pglc db dump [--schema-only] [-o file]`: a one-off dump to one file, format and compression
// following the name (.dump/.dump.zst/.dump.gz custom; .sql/.sql.gz/.sql.zst plain).
import type { DbDumpResult } from '../../protocol/index';
import { openEnvironment } from '../../core/environments/open-environment';
import { dumpDatabase } from '../../core/backup/db-dump';
import { defineCommand } from '../command-definition';
import { dim, formatBytes, formatDuration, green } from '../output/style';

export default defineCommand<DbDumpResult>({
  path: ['db', 'dump'],
  summary: 'Dump the database to a file (custom format, or plain SQL for .sql names; .zst / .gz compress)',
  help: 'Examples:\n  pglc db dump                      # <db>-<UTC time>.dump.zst (custom format, zstd)\n  pglc db dump -o schema.sql --schema-only\n  pglc db dump --env staging -o staging.dump.gz',
  configure: (cmd) =>
    cmd
      .option('-o, --output <file>', 'file to write (default <db>-<UTC time>.dump.zst)')
      .option('--schema-only', 'only the schema, no data')
      .option('--force', 'replace the file if it exists'),
  async run({ opts }, ctx) {
    const opened = await openEnvironment(ctx, opts.env);
    return dumpDatabase(opened, { output: opts.output as string | undefined, schemaOnly: Boolean(opts.schemaOnly), force: Boolean(opts.force) }, { ...ctx, env: opened.vars });
  },
  render: (r) =>
    [
      `${green('✔')} Dumped ${r.environment} (${r.database}) to ${r.file}: ${formatBytes(r.size)} (${r.format}${r.compression === 'none' ? '' : `, ${r.compression}`}) in ${formatDuration(r.durationMs)}`,
      dim(`  sha256 ${r.sha256}`),
      dim(`  load it with: pglc db load ${r.file}`),
    ].join('\n'),
});
