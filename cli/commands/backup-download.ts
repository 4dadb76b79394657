// `pglc backup download <id>`: copy a backup from S3-compatible storage into the local store,
// re-hashed (SHA-256) as it arrives.
import type { BackupTransferResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { downloadBackup } from '../../core/backup/download';
import { defineCommand } from '../command-definition';
import { transferLine } from './backup-upload';

export default defineCommand<BackupTransferResult>({
  path: ['backup', 'download'],
  summary: 'Download a backup from S3-compatible storage into the local store (checked by SHA-256)',
  help: 'Examples:\n  pglc backup download latest --env prod\n  pglc backup download prod-shop-20261114T020000Z',
  configure: (cmd) => cmd.argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)'),
  async run({ args, opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const stores = openStores(project, vars);
    try {
      return await downloadBackup(stores, args[0]!, { ...ctx, env: vars }, { environment: opts.env });
    } finally {
      stores.close();
    }
  },
  render: (r) => transferLine(r),
});
