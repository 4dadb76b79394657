// The restore plan and outcome in words, shared by `pglc restore` (dry run, the question before
// it runs, the report) and `pglc restore undo`. Invariant: pure formatting of protocol data.
import type { RestorePlan, RestoreResult } from '../../protocol/index';
import { bold, dim, formatBytes, formatDuration, green, red, table, yellow } from '../output/style';

export function planLines(plan: RestorePlan): string[] {
  const b = plan.backup;
  const t = plan.target;
  const lines = [
    bold(`Restore ${b.id}${plan.mode === 'full' ? '' : ` (${plan.mode})`} into ${t.environment}${t.protected ? red(' (protected)') : ''}`),
    `  Backup:  ${b.environment}/${b.database}, created ${b.createdAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}, ${formatBytes(b.size)}${b.encrypted ? ', encrypted' : ''}, PostgreSQL ${b.serverVersion}, ${b.tables} table(s)${b.rows !== undefined ? `, ${b.rows} rows` : ''}`,
    `  Target:  ${t.database} on ${t.server} (PostgreSQL ${t.serverVersion})${t.exists ? `, ${t.tables} table(s)${t.sizeBytes !== undefined ? `, ${formatBytes(t.sizeBytes)}` : ''}` : ', does not exist yet'}`,
    `  Checked: ${b.checks.join('; ')}`,
  ];
  const changed = plan.tables.filter((x) => x.action !== 'keep');
  if (changed.length) {
    lines.push('', table(changed.slice(0, 40).map((x) => [
      `${x.schema}.${x.name}`,
      x.action === 'remove' ? yellow(x.action) : x.action,
      x.currentRows === undefined ? dim('—') : `~${x.currentRows}`,
      x.backupRows === undefined ? dim('—') : `${x.backupRowsExact ? '' : '~'}${x.backupRows}`,
    ]), ['table', 'action', 'rows now', 'rows in backup']));
    if (changed.length > 40) lines.push(dim(`  … and ${changed.length - 40} more (--json lists all)`));
  }
  lines.push('', bold('Steps:'), ...plan.steps.map((s, i) => `  ${i + 1}. ${s}`));
  if (plan.nonAtomic.length) lines.push(bold('Not atomic:'), ...plan.nonAtomic.map((s) => `  - ${s}`));
  if (t.connections.length) lines.push(yellow(`${t.connections.length} open connection(s) to ${t.database}: ${t.connections.slice(0, 5).map((c) => `${c.application || 'pid ' + c.pid} (${c.user})`).join(', ')}`));
  for (const w of plan.warnings) lines.push(yellow(`⚠ ${w}`));
  lines.push(`Pre-restore backup: ${plan.preRestoreBackup.taken ? 'yes' : 'no'} (${plan.preRestoreBackup.reason}). Estimated time: ${formatDuration(plan.estimatedMs)}.`);
  return lines;
}

export function doneLines(r: RestoreResult): string[] {
  const d = r.done!;
  const p = r.plan;
  const lines = [
    `${green('✔')} Restored ${p.backup.id} into ${p.target.environment} (${p.target.database}) in ${formatDuration(d.durationMs)}: ${d.tablesRestored} table(s), ${d.rowsRestored} rows`,
    ...d.checks.map((c) => `  ${green('✔')} ${c}`),
  ];
  if (d.preRestoreBackup) lines.push(`  Pre-restore backup: ${d.preRestoreBackup.id} (${d.preRestoreBackup.location})`);
  if (d.anonymized) lines.push(`  Anonymized ${d.anonymized.rows} rows in ${d.anonymized.tables.length} table(s) with ${d.anonymized.rulesFile}`);
  if (d.oldDatabase) lines.push(`  The replaced database is kept as ${d.oldDatabase} (drop it with \`pglc restore drop-old ${d.oldDatabase}\`).`);
  lines.push(`  Undo: ${d.undo}`);
  for (const w of d.warnings) lines.push(yellow(`  ⚠ ${w}`));
  return lines;
}
