// `pglc backup config [--encrypt] [--compress ALGO[:LEVEL]] [--retention DAYS] [--retention-count N] [--keep-daily N]
// [--keep-weekly N] [--keep-monthly N]`: edits [backup] in pglc.toml in place. --encrypt generates
// a key once (when BACKUP_ENCRYPTION_KEY is not set) and prints it; it is never written to a file.
import type { BackupConfigResult } from '../../protocol/index';
import { DEFAULT_COMPRESSION, formatCompression, parseCompression } from '../../core/backup/compression';
import { editBackupConfig, type BackupSettingsChange } from '../../core/backup/config-edit';
import { generateKey, KEY_VARIABLE, parseKey } from '../../core/crypto/backup-key';
import { PglcError } from '../../core/errors';
import { effectiveEnv } from '../../core/config/dotenv';
import { defineCommand } from '../command-definition';
import { bold, dim, green, yellow } from '../output/style';

const NUMBERS = [
  ['retention', 'days', '--retention'],
  ['retentionCount', 'count', '--retention-count'],
  ['keepDaily', 'keepDaily', '--keep-daily'],
  ['keepWeekly', 'keepWeekly', '--keep-weekly'],
  ['keepMonthly', 'keepMonthly', '--keep-monthly'],
] as const;

export default defineCommand<BackupConfigResult>({
  path: ['backup', 'config'],
  summary: 'Set encryption and retention in pglc.toml (comments kept)',
  usesEnvironment: false,
  help: [
    'Retention keeps a backup when ANY rule keeps it; 0 turns a rule off. Examples:',
    '  pglc backup config --retention 30 --retention-count 10',
    '  pglc backup config --keep-daily 7 --keep-weekly 4 --keep-monthly 12',
    '  pglc backup config --encrypt      # prints a new key once if BACKUP_ENCRYPTION_KEY is not set',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--encrypt', 'encrypt new backups (AES-256-GCM)')
      .option('--no-encrypt', 'do not encrypt new backups')
      .option('--compress <algo[:level]>', 'compression of new backups: zstd (default, level 3), zstd:9, gzip:6, none')
      .option('--retention <days>', 'keep backups younger than DAYS')
      .option('--retention-count <n>', 'keep the N newest backups')
      .option('--keep-daily <n>', 'keep the newest backup of each of the last N days with backups')
      .option('--keep-weekly <n>', 'keep the newest backup of each of the last N ISO weeks with backups')
      .option('--keep-monthly <n>', 'keep the newest backup of each of the last N months with backups'),
  async run({ opts }, ctx) {
    const retention: NonNullable<BackupSettingsChange['retention']> = {};
    for (const [opt, field, flag] of NUMBERS) {
      const raw = opts[opt];
      if (raw === undefined) continue;
      if (!/^\d+$/.test(String(raw))) throw new PglcError('usage', { what: `${flag} ${String(raw)} is not a whole number`, why: 'retention values are whole numbers ≥ 0 (0 turns the rule off)', fix: `e.g. ${flag} 7` });
      retention[field] = Number(raw);
    }
    const encryptGiven = typeof opts.encrypt === 'boolean';
    // Checked here so a typo is a usage error naming the flag, before pglc.toml is touched.
    const compression = opts.compress === undefined ? undefined : formatCompression(parseCompression(String(opts.compress)));
    const change: BackupSettingsChange = {
      ...(encryptGiven ? { encrypt: Boolean(opts.encrypt) } : {}),
      ...(compression ? { compression } : {}),
      ...(Object.keys(retention).length ? { retention } : {}),
    };
    const r = await editBackupConfig(ctx, change);
    const result: BackupConfigResult = {
      file: r.file,
      changed: r.changed,
      encrypt: r.project.backup.encrypt,
      compression: formatCompression(r.project.backup.compression ?? DEFAULT_COMPRESSION),
      retention: r.project.backup.retention,
    };
    if (encryptGiven && opts.encrypt) {
      const vars = effectiveEnv(r.project.root, ctx.env);
      const existing = vars[KEY_VARIABLE];
      if (existing && existing.trim()) result.existingKeyId = parseKey(existing).keyId;
      else result.generatedKey = { ...generateKey(), variable: KEY_VARIABLE };
    }
    return result;
  },
  render(r) {
    const lines = [r.changed.length ? `${green('✔')} Updated ${r.file}: ${r.changed.join(', ')}` : `No change to ${r.file}.`];
    const p = r.retention;
    const rules = [p.days && `younger than ${p.days} days`, p.count && `the ${p.count} newest`, p.keepDaily && `daily ${p.keepDaily}`, p.keepWeekly && `weekly ${p.keepWeekly}`, p.keepMonthly && `monthly ${p.keepMonthly}`].filter(Boolean);
    lines.push(`Encryption: ${r.encrypt ? 'on' : 'off'}. Compression: ${r.compression}. Retention keeps: ${rules.length ? rules.join(', ') : dim('everything (no rule on)')}.`);
    if (r.existingKeyId) lines.push(`${KEY_VARIABLE} is set (key id ${r.existingKeyId}); no new key generated.`);
    if (r.generatedKey) {
      lines.push(
        '',
        yellow(bold('⚠  A new encryption key — store it now, it is shown only this once:')),
        '',
        `   ${KEY_VARIABLE}=${r.generatedKey.key}`,
        `   (key id ${r.generatedKey.keyId})`,
        '',
        'Put it in a password manager AND where pglc runs: your shell or .env (git-ignored), the scheduled job\'s',
        'env file (~/.config/pglc/…), or the editor ("Set backup key"). pglc did not write it anywhere.',
        yellow('Without this key, encrypted backups cannot be restored.'),
      );
    }
    return lines.join('\n');
  },
});
