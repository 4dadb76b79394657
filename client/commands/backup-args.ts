// What the backup commands share: reading their argument (a row of the Backups view, a backup id,
// or nothing from the palette — then a quick pick of the active environment's backups), and
// reloading the Backups view (and with it the backup status bar) after they ran.
// Invariant: a backup command always reloads the view afterwards, also after a failure, so a
// partly done operation (a failed verify, a half upload) is shown as it is.

import type { BackupSummary } from '../../protocol/index';
import { expectedFailure } from '../failures';
import { cancelledByUser } from '../operations';
import { LOCATION_TEXT } from '../views/backups-tree';
import { formatAge, formatBytes } from '../format';
import { activeEnvironment } from './command-args';
import type { CommandContext } from './command-definition';

/** The backup a command acts on: an id, and its summary when the view knows it. */
export interface BackupTarget {
  id: string;
  summary?: BackupSummary;
  /** True for an incomplete leftover (only Delete accepts those). */
  leftover?: boolean;
}

/** A backup from a command argument: a Backups row (backup or leftover) or an id string. */
export function backupArg(ctx: CommandContext, arg: unknown): BackupTarget | undefined {
  if (typeof arg === 'string' && arg) {
    return { id: arg, summary: ctx.views.backups.current()?.list?.backups.find((b) => b.id === arg) };
  }
  const node = arg as { kind?: string; backup?: BackupSummary; leftover?: { id?: unknown } } | undefined;
  if (node?.kind === 'backup' && node.backup) return { id: node.backup.id, summary: node.backup };
  if (node?.kind === 'backup-leftover' && typeof node.leftover?.id === 'string') return { id: node.leftover.id, leftover: true };
  return undefined;
}

/** One line about a backup for pickers and confirmations: "14:05 · 2 MB · local · 3 h ago". */
export function backupFacts(b: BackupSummary): string {
  return [b.tags.join(', '), formatBytes(b.totalSize), b.encrypted ? '🔒' : '', LOCATION_TEXT[b.location], formatAge(b.createdAt)].filter(Boolean).join(' · ');
}

/**
 * The backup to act on: the argument's, else one the user picks among the active environment's
 * backups that `eligible` accepts. Throws `cancelled` when the pick is dismissed, `backup-not-found`
 * when there is nothing to pick.
 */
export async function targetBackup(
  ctx: CommandContext,
  arg: unknown,
  action: string,
  eligible: (b: BackupSummary) => boolean = () => true,
): Promise<BackupTarget> {
  const given = backupArg(ctx, arg);
  if (given) return given;
  const env = await activeEnvironment(ctx);
  await ctx.views.backups.reload();
  const snapshot = ctx.views.backups.current();
  if (snapshot?.error) throw snapshot.error;
  const backups = (snapshot?.list?.backups ?? []).filter((b) => b.complete && eligible(b));
  if (!backups.length) {
    throw expectedFailure('backup-not-found', `No backup of ${env} to ${action.toLowerCase()}`, `the backup store has none that ${action.toLowerCase()} applies to`, 'Create one with "Create Backup" first.');
  }
  const picked = await ctx.prompts.current().pick(
    backups.map((b) => ({ label: b.id, description: backupFacts(b), summary: b })),
    { title: `${action} — backups of ${env}`, placeHolder: 'Pick a backup' },
  );
  if (!picked) throw cancelledByUser(action);
  return { id: picked.summary.id, summary: picked.summary };
}

/** Reloads the Backups view (the backup status bar reads its status again after it). */
export async function reloadBackups(ctx: CommandContext): Promise<void> {
  await ctx.views.backups.reload();
}
