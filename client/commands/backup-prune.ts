// `Postgres Lifecycle: Prune Backups` (Backups view toolbar) — runs `pglc backup prune --dry-run`
// for the active environment, shows its decisions (what is deleted and why, what is kept) in a
// modal, and only then prunes for real. Nothing to delete: it says so and stops.

import * as vscode from 'vscode';
import type { BackupPruneResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { formatBytes } from '../format';
import { reloadBackups } from './backup-args';
import { activeEnvironment, plural } from './command-args';
import { defineCommand } from './command-definition';

/** The modal's detail: one line per deletion (and stale leftover), then the kept ones. */
export function pruneDetail(r: BackupPruneResult): string {
  const del = r.decisions.filter((d) => d.action === 'delete');
  const keep = r.decisions.filter((d) => d.action === 'keep');
  const leftovers = r.leftovers.filter((l) => l.action === 'delete');
  const lines: string[] = [];
  if (del.length) lines.push('Deleted:', ...del.map((d) => `  ${d.id} (${formatBytes(d.size)}) — ${d.summary}`));
  if (leftovers.length) lines.push('Incomplete leftovers deleted:', ...leftovers.map((l) => `  ${l.id} (${formatBytes(l.size)}) — ${l.reason}`));
  if (keep.length) lines.push('Kept:', ...keep.map((d) => `  ${d.id} — ${d.summary}`));
  for (const e of r.storeErrors) lines.push(`⚠ ${e.store} could not be read: ${e.error.what} — ${e.error.why}`);
  return lines.join('\n');
}

export const backupPruneCommand = defineCommand({
  id: 'pglc.backup.prune',
  async run(ctx) {
    const env = await activeEnvironment(ctx);
    try {
      const plan = await runOperation<BackupPruneResult>(ctx, {
        title: `Checking what retention removes from ${env}`,
        busy: `checking retention of ${env}`,
        args: ['backup', 'prune', '--dry-run'],
        env,
      });
      if (plan.deleted === 0) {
        const why = plan.policyActive ? 'every backup is kept by a retention rule' : 'no retention rule is set in [backup] retention of pglc.toml';
        void vscode.window.showInformationMessage(`Nothing to prune on ${env}: ${why}.`);
        return plan;
      }
      const go = 'Prune';
      const answer = await ctx.prompts
        .current()
        .ask(`Prune ${plural(plan.deleted, 'backup')} of ${env} (${formatBytes(plan.freedBytes)})?`, { modal: true, detail: pruneDetail(plan) }, go);
      if (answer !== go) throw cancelledByUser('Prune Backups');
      const r = await runOperation<BackupPruneResult>(ctx, { title: `Pruning backups of ${env}`, busy: `pruning ${env}`, args: ['backup', 'prune'], env, guarded: true });
      const failed = r.decisions.filter((d) => d.error).length + r.leftovers.filter((l) => l.error).length;
      const message = `Pruned ${plural(r.deleted, 'backup')} of ${env}, freed ${formatBytes(r.freedBytes)}${failed ? `; ${failed} could not be deleted (see the output)` : ''}`;
      void (failed ? vscode.window.showWarningMessage(message) : vscode.window.showInformationMessage(message));
      return r;
    } finally {
      await reloadBackups(ctx);
    }
  },
});
