// `pglc backup delete <id>`: removes a backup or a leftover from the local store. On a protected
// environment a backup younger than 7 days needs the database name typed (or --confirm).
import type { BackupDeleteResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { deleteBackup } from '../../core/backup/delete';
import { defineCommand } from '../command-definition';
import { formatBytes, green } from '../output/style';

export default defineCommand<BackupDeleteResult>({
  path: ['backup', 'delete'],
  summary: 'Delete a local backup (or an incomplete leftover); recent backups of protected environments need confirmation',
  configure: (cmd) =>
    cmd
      .argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)')
      .option('--confirm <database>', 'the database name, required for backups younger than 7 days of a protected environment'),
  async run({ args, opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    return deleteBackup(project, vars, args[0]!, { confirm: opts.confirm, environment: opts.env }, { ...ctx, env: vars });
  },
  render: (r) => `${green('✔')} Deleted ${r.complete ? 'backup' : 'leftover'} ${r.id} (${formatBytes(r.size)})`,
});
