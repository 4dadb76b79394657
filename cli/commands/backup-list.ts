// `pglc backup list [--remote]`: complete backups newest first with their verify state;
// incomplete leftovers listed apart (never as backups). --remote merges S3's listing.
import type { BackupListResult, BackupSummary } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { listBackups } from '../../core/backup/list';
import { listBackupsWithRemote } from '../../core/backup/list-remote';
import { openStores } from '../../core/storage/open-stores';
import { defineCommand } from '../command-definition';
import { bold, dim, formatBytes, green, red, table, yellow } from '../output/style';

export default defineCommand<BackupListResult>({
  path: ['backup', 'list'],
  summary: 'List backups (newest first) with size, tags, encryption and verification; leftovers apart',
  help: 'Without --env it lists every environment\'s backups; with --env only that environment\'s.',
  configure: (cmd) => cmd.option('--remote', 'also list S3 backups (marked local / remote / both)'),
  async run({ opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const c = { ...ctx, env: vars };
    if (!opts.remote) return listBackups(project, { environment: opts.env }, c);
    const stores = openStores(project, vars);
    try {
      return await listBackupsWithRemote(stores, { remote: true, ...(opts.env ? { environment: opts.env } : {}) }, c);
    } finally {
      stores.close();
    }
  },
  render(r) {
    const lines: string[] = [];
    if (r.backups.length === 0) lines.push(`No backups${r.environment ? ` of ${r.environment}` : ''} yet: create one with \`pglc backup create\`.`);
    else {
      lines.push(table(r.backups.map(row), ['id', 'created (UTC)', 'size', 'format', 'tags', 'encrypted', 'location', 'verified']));
    }
    if (r.leftovers.length) {
      lines.push('', bold('Incomplete leftovers (not backups; `pglc backup prune` removes them after a grace period):'));
      lines.push(table(r.leftovers.map((l) => [l.id, formatBytes(l.size), l.location, l.modifiedAt ? `modified ${shortTime(l.modifiedAt)}` : ''])));
    }
    return lines.join('\n');
  },
});

function row(b: BackupSummary): string[] {
  const verified = b.lastVerifyResult === 'ok' ? green(`✔ ${shortTime(b.lastVerifiedAt!)}${b.lastVerifyDeep ? ' deep' : ''}`)
    : b.lastVerifyResult === 'failed' ? red(`✖ failed ${shortTime(b.lastVerifiedAt!)}`) : dim('no');
  return [
    b.id,
    shortTime(b.createdAt),
    formatBytes(b.totalSize),
    b.scope === 'full' ? b.format : `${b.format}, ${b.scope}`,
    b.tags.join(','),
    b.encrypted ? 'yes' : yellow('no'),
    b.location,
    verified,
  ];
}

export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, '');
}
