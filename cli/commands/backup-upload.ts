// `pglc backup upload <id>`: copy a local backup to S3-compatible storage, checked by SHA-256.
import type { BackupTransferResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { uploadBackup } from '../../core/backup/upload';
import { defineCommand } from '../command-definition';
import { formatBytes, formatDuration, green } from '../output/style';

export default defineCommand<BackupTransferResult>({
  path: ['backup', 'upload'],
  summary: 'Upload a local backup to S3-compatible storage (every file checked by SHA-256)',
  help: 'Examples:\n  pglc backup upload latest\n  pglc backup upload prod-shop-20261114T020000Z',
  configure: (cmd) => cmd.argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)'),
  async run({ args, opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const stores = openStores(project, vars);
    try {
      return await uploadBackup(stores, args[0]!, { ...ctx, env: vars }, { environment: opts.env });
    } finally {
      stores.close();
    }
  },
  render: (r) => transferLine(r),
});

export function transferLine(r: BackupTransferResult): string {
  if (r.status === 'already') return `${green('✔')} ${r.id} is already in ${r.to} (same SHA-256); nothing to copy.`;
  const verb = r.direction === 'upload' ? 'Uploaded' : 'Downloaded';
  return `${green('✔')} ${verb} ${r.id}: ${r.files} file(s), ${formatBytes(r.bytes)} in ${formatDuration(r.durationMs)} → ${r.to}${r.replaced ? ' (replaced a different copy)' : ''}`;
}
