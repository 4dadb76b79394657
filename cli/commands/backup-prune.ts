// `pglc backup prune [--dry-run]`: apply [backup] retention locally and on S3, and remove
// leftovers of interrupted backups past the grace period; every decision with its reason.
import type { BackupPruneResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { DEFAULT_LEFTOVER_GRACE_HOURS, pruneBackups } from '../../core/backup/prune';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { dim, formatBytes, green, red, table, yellow } from '../output/style';

export default defineCommand<BackupPruneResult>({
  path: ['backup', 'prune'],
  summary: 'Delete backups that retention no longer keeps (and stale leftovers), locally and on S3',
  help: [
    'Retention ([backup] retention in pglc.toml): days, count, keep_daily, keep_weekly, keep_monthly —',
    'a backup is kept when any rule keeps it; the newest and the newest verified backup are always kept.',
    'Without --env every environment\'s backups are pruned (each environment on its own).',
    'Examples:\n  pglc backup prune --dry-run\n  pglc backup prune --env prod',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--dry-run', 'print what would be deleted and why, delete nothing')
      .option('--grace <hours>', `leftovers (incomplete backups) younger than this are kept (default ${DEFAULT_LEFTOVER_GRACE_HOURS})`),
  async run({ opts }, ctx) {
    const grace = opts.grace === undefined ? undefined : Number(opts.grace);
    if (grace !== undefined && !(Number.isFinite(grace) && grace >= 0)) {
      throw new PglcError('usage', { what: `--grace ${String(opts.grace)} is not a number of hours`, why: 'it must be a number ≥ 0', fix: 'e.g. --grace 6' });
    }
    const { project, vars } = await openProject(ctx);
    const stores = openStores(project, vars);
    try {
      return await pruneBackups(
        project,
        stores,
        { dryRun: Boolean(opts.dryRun), ...(opts.env ? { environment: opts.env } : {}), ...(grace !== undefined ? { leftoverGraceHours: grace } : {}) },
        { ...ctx, env: vars },
      );
    } finally {
      stores.close();
    }
  },
  render(r) {
    const lines: string[] = [];
    if (!r.policyActive) lines.push(yellow('No retention rule is on ([backup] retention): no backup is deleted. Set one with `pglc backup config --retention 30 --retention-count 10`.'));
    const rows = r.decisions.map((d) => [
      d.action === 'delete' ? (r.dryRun ? red('would delete') : red('deleted')) : green('keep'),
      d.id,
      d.location,
      formatBytes(d.size),
      d.summary.replace(/^(kept|deleted): /, ''),
    ]);
    const left = r.leftovers.map((l) => [l.action === 'delete' ? (r.dryRun ? red('would delete') : red('deleted')) : dim('keep'), l.id, l.location, formatBytes(l.size), l.reason]);
    if (rows.length + left.length) lines.push(table([...rows, ...left], ['', 'backup', 'where', 'size', 'why']));
    else lines.push('No backups.');
    for (const e of r.storeErrors) lines.push(yellow(`Not pruned: ${e.store} — ${e.error.what}: ${e.error.why}`));
    lines.push(
      r.dryRun
        ? `Would delete ${r.deleted} (${formatBytes(r.freedBytes)}). Run without --dry-run to delete.`
        : `${green('✔')} Deleted ${r.deleted} (${formatBytes(r.freedBytes)}).`,
    );
    return lines.join('\n');
  },
});
