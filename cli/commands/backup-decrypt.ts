// `pglc backup decrypt <id> -o <file>`: the backup as a plain pg_dump file (or folder) that
// pg_restore / psql read — works without the editor, needs only BACKUP_ENCRYPTION_KEY.
import type { BackupDecryptResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { decryptBackup } from '../../core/backup/decrypt';
import { defineCommand } from '../command-definition';
import { dim, formatBytes, green } from '../output/style';

export default defineCommand<BackupDecryptResult>({
  path: ['backup', 'decrypt'],
  summary: 'Decrypt and decompress a backup into a pg_dump file (or folder) usable with pg_restore / psql',
  help: 'Example:\n  BACKUP_ENCRYPTION_KEY=… pglc backup decrypt latest -o shop.dump && pg_restore -d shop_copy shop.dump',
  configure: (cmd) =>
    cmd
      .argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)')
      .requiredOption('-o, --output <path>', 'file to write (a folder for directory-format backups)')
      .option('--force', 'replace the output if it exists'),
  async run({ args, opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    return decryptBackup(project, vars, args[0]!, String(opts.output), { force: Boolean(opts.force), environment: opts.env }, { ...ctx, env: vars });
  },
  render: (r) => [`${green('✔')} Decrypted ${r.id} → ${r.output} (${formatBytes(r.bytes)}, ${r.format} format)`, dim(`  restore with: ${r.restoreHint}`)].join('\n'),
});
