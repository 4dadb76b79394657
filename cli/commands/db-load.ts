// `pglc db load <file>`: loads a pg_dump file (custom or plain, zstd/gzip/uncompressed) or a
// pg_dump directory into the environment's database, in one transaction. Protected environments
// need the database name typed (or --confirm).
import type { DbLoadResult } from '../../protocol/index';
import { openEnvironment } from '../../core/environments/open-environment';
import { loadDatabase } from '../../core/backup/db-load';
import { defineCommand } from '../command-definition';
import { formatDuration, green } from '../output/style';

export default defineCommand<DbLoadResult>({
  path: ['db', 'load'],
  summary: 'Load a dump file (custom or plain SQL, compressed or not) into the database, in one transaction',
  help: 'Objects are created without their owners and grants (--no-owner --no-privileges) for custom and directory dumps, so a dump moves between servers with other roles.',
  configure: (cmd) =>
    cmd
      .argument('<file>', 'a pg_dump file (.dump, .sql, optionally .zst / .gz) or a pg_dump directory')
      .option('--confirm <database>', 'the database name, required on protected environments'),
  async run({ args, opts }, ctx) {
    const opened = await openEnvironment(ctx, opts.env);
    return loadDatabase(opened, args[0]!, { confirm: opts.confirm }, { ...ctx, env: opened.vars });
  },
  render: (r) => `${green('✔')} Loaded ${r.file} into ${r.environment} (${r.database}) with ${r.tool} (${r.format}${r.compression === 'none' ? '' : `, ${r.compression}`}) in ${formatDuration(r.durationMs)}`,
});
