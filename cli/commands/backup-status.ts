// `pglc backup status`: the latest backup and whether it was verified, counts and sizes locally
// and on S3, oldest and newest, the schedule and its last run, what retention removes next.
import type { BackupStatusResult, StoreSummary } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { openStores } from '../../core/storage/open-stores';
import { backupStatus } from '../../core/backup/status';
import { defineCommand } from '../command-definition';
import { bold, dim, formatBytes, green, red, yellow } from '../output/style';
import { currentRuntime, homeOf } from './backup-schedule';

export default defineCommand<BackupStatusResult>({
  path: ['backup', 'status'],
  summary: 'Latest backup, verification, storage totals, schedule and last run, what prune removes next',
  help: 'Without --env it covers every environment\'s backups (the schedule shown is the default environment\'s).',
  async run({ opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    const stores = openStores(project, vars);
    try {
      return await backupStatus(project, stores, { ...(opts.env ? { environment: opts.env } : {}), runtime: currentRuntime(), home: homeOf(vars) }, { ...ctx, env: vars });
    } finally {
      stores.close();
    }
  },
  render(s) {
    const lines: string[] = [bold(`Backup status${s.environment ? ` — ${s.environment}` : ''}`), ''];
    if (s.latest) {
      const v = s.latest.lastVerifyResult === 'ok' ? green(`✔ verified ${s.latest.lastVerifiedAt}${s.latest.lastVerifyDeep ? ' (deep)' : ''}`)
        : s.latest.lastVerifyResult === 'failed' ? red(`✖ verify failed ${s.latest.lastVerifiedAt}`) : yellow('not verified');
      lines.push(`Latest backup:   ${s.latest.id} (${s.latest.createdAt}, ${formatBytes(s.latest.totalSize)}, ${s.latest.location}) ${v}`);
      if (s.latestVerified && s.latestVerified.id !== s.latest.id) lines.push(`Latest verified: ${s.latestVerified.id} (${s.latestVerified.createdAt})`);
    } else lines.push(yellow('No backups yet: create one with `pglc backup create`.'));
    lines.push('', bold('Storage'), storeLine('Local', s.local));
    if (s.remote) lines.push(storeLine('Remote', s.remote));
    else lines.push(dim(`Remote: none configured (storage = "${s.storage}")`));
    lines.push(`Encryption: ${s.encrypt ? 'on' : 'off'}`);
    lines.push('', bold('Schedule'));
    if (s.schedule) lines.push(`${s.schedule.cron} via ${s.schedule.via}${s.schedule.nextRun ? `, next run ${s.schedule.nextRun}` : ''}`);
    else lines.push(dim(s.scheduleError ?? 'none (set one with `pglc backup schedule --preset daily`)'));
    if (s.lastRun) {
      const r = s.lastRun;
      lines.push(`Last run: ${r.finishedAt} ${r.result === 'ok' ? green('ok') : red('failed')} — ${r.message}`);
    }
    lines.push('', bold('Retention'));
    if (!s.retention.active) lines.push(dim('no rule is on: nothing is pruned'));
    else {
      const p = s.retention.policy;
      lines.push([p.days && `${p.days} days`, p.count && `${p.count} newest`, p.keepDaily && `daily ${p.keepDaily}`, p.keepWeekly && `weekly ${p.keepWeekly}`, p.keepMonthly && `monthly ${p.keepMonthly}`].filter(Boolean).join(', '));
      if (s.retention.wouldDelete.length) {
        lines.push(`Next prune removes ${s.retention.wouldDelete.length}:`, ...s.retention.wouldDelete.map((d) => `  ${d.id} — ${d.summary.replace(/^deleted: /, '')}`));
      } else lines.push(dim('Next prune removes nothing.'));
    }
    return lines.join('\n');
  },
});

function storeLine(label: string, st: StoreSummary): string {
  if (st.error) return `${label}: ${st.store} — ${red(`${st.error.what}: ${st.error.why}`)}`;
  const range = st.count ? `, oldest ${st.oldest}, newest ${st.newest}` : '';
  return `${label}: ${st.store} — ${st.count} backup(s), ${formatBytes(st.totalSize)}${range}${st.leftovers ? yellow(`, ${st.leftovers} leftover(s)`) : ''}`;
}
