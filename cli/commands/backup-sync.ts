// `pglc backup sync [--dry-run]`: local ↔ S3 by checksum — upload what the remote lacks or holds
// differently, download what the local store lacks.
import type { BackupSyncResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { syncBackups } from '../../core/backup/sync';
import { defineCommand } from '../command-definition';
import { dim, green, table } from '../output/style';

export default defineCommand<BackupSyncResult>({
  path: ['backup', 'sync'],
  summary: 'Make the local store and S3 hold the same backups (by SHA-256), both ways',
  help: 'Without --env every environment\'s backups are synced.\nExamples:\n  pglc backup sync --dry-run\n  pglc backup sync --env prod',
  configure: (cmd) => cmd.option('--dry-run', 'show what would be copied, copy nothing'),
  async run({ opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const stores = openStores(project, vars);
    try {
      return await syncBackups(stores, { dryRun: Boolean(opts.dryRun), ...(opts.env ? { environment: opts.env } : {}) }, { ...ctx, env: vars });
    } finally {
      stores.close();
    }
  },
  render(r) {
    const rows = r.actions.filter((a) => a.action !== 'unchanged').map((a) => [a.action === 'upload' ? '↑ upload' : '↓ download', a.id, a.reason, a.result]);
    const head = r.dryRun
      ? `Would upload ${r.uploaded} and download ${r.downloaded} backup(s) between ${r.local} and ${r.remote}; ${r.unchanged} already in both.`
      : `${green('✔')} Uploaded ${r.uploaded}, downloaded ${r.downloaded}; ${r.unchanged} already in both (${r.local} ↔ ${r.remote}).`;
    return rows.length ? `${head}\n${table(rows)}` : `${head}\n${dim('Nothing to copy.')}`;
  },
});
