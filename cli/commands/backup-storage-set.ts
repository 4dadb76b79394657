// `pglc backup storage set local|s3 [--path] [--endpoint --region --bucket --prefix --path-style]`:
// edits [backup] in pglc.toml in place (comments kept). Credentials are never written there.
import type { BackupStorageSetResult } from '../../protocol/index';
import { editBackupConfig, type BackupSettingsChange } from '../../core/backup/config-edit';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { dim, green, yellow } from '../output/style';

export default defineCommand<BackupStorageSetResult>({
  path: ['backup', 'storage', 'set'],
  summary: 'Choose where backups are stored: local folder, or S3-compatible storage',
  usesEnvironment: false,
  help: [
    'Examples:',
    '  pglc backup storage set local --path backups',
    '  pglc backup storage set s3 --bucket my-backups --region eu-central-1                 # AWS S3',
    '  pglc backup storage set s3 --endpoint minio.example.com:9000 --bucket backups        # MinIO',
    '  pglc backup storage set s3 --endpoint s3.eu-central-003.backblazeb2.com --bucket b   # Backblaze B2',
    '  pglc backup storage set s3 --endpoint <account>.r2.cloudflarestorage.com --region auto --bucket b  # R2',
    '  pglc backup storage set s3 --endpoint storage.googleapis.com --region auto --bucket b  # GCS (HMAC keys)',
    'Credentials: BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY (or AWS_*) in the environment or .env — never pglc.toml.',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .argument('<kind>', 'local | s3')
      .option('--path <folder>', 'local backup folder (relative to the project)')
      .option('--endpoint <host>', 'S3 endpoint host[:port] or URL (omit for AWS S3)')
      .option('--region <region>', 'bucket region (e.g. eu-central-1; "auto" for R2 and GCS)')
      .option('--bucket <name>', 'bucket name')
      .option('--prefix <prefix>', 'key prefix inside the bucket (e.g. team/shop)')
      .option('--path-style', 'path-style addressing (MinIO and most self-hosted servers)')
      .option('--no-path-style', 'virtual-host addressing')
      .option('--access-key <key>', 'refused: credentials never go into pglc.toml')
      .option('--secret-key <key>', 'refused: credentials never go into pglc.toml'),
  async run({ args, opts }, ctx) {
    const kind = args[0]!;
    if (opts.accessKey !== undefined || opts.secretKey !== undefined) {
      throw new PglcError('usage', {
        what: 'pglc does not store storage credentials',
        why: 'pglc.toml is committed to git; a key written there leaks with the repository',
        fix: 'Set BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY in your shell, in .env (git-ignored), in the scheduled job\'s env file, or in the editor ("Set storage credentials").',
      });
    }
    if (kind !== 'local' && kind !== 's3') {
      throw new PglcError('usage', {
        what: `"${kind}" is not a storage kind`,
        why: 'storage is "local" or "s3"; Backblaze B2, Cloudflare R2, MinIO and Google Cloud Storage are S3-compatible',
        fix: 'Use `pglc backup storage set s3 --endpoint <provider endpoint> --bucket NAME` (see --help for endpoints).',
      });
    }
    const s3: NonNullable<BackupSettingsChange['s3']> = {};
    for (const k of ['endpoint', 'region', 'bucket', 'prefix'] as const) if (typeof opts[k] === 'string') s3[k] = opts[k] as string;
    if (typeof opts.pathStyle === 'boolean') s3.forcePathStyle = opts.pathStyle;
    if (kind === 'local' && Object.keys(s3).length) {
      throw new PglcError('usage', { what: 'S3 options were given with `storage set local`', why: '--endpoint, --region, --bucket, --prefix and --path-style configure S3', fix: 'Use `pglc backup storage set s3 …`.' });
    }
    const change: BackupSettingsChange = { storage: kind, ...(typeof opts.path === 'string' ? { path: opts.path } : {}), ...(Object.keys(s3).length ? { s3 } : {}) };
    const r = await editBackupConfig(ctx, change);
    const backup = r.project.backup;
    if (kind === 's3' && !backup.s3?.bucket) {
      throw new PglcError('usage', {
        what: 'S3 storage needs a bucket',
        why: '[backup.s3] has no bucket (pglc.toml was changed to storage = "s3" anyway; give the bucket now)',
        fix: 'Run `pglc backup storage set s3 --bucket NAME`.',
      });
    }
    const variables = ['BACKUP_S3_ACCESS_KEY', 'BACKUP_S3_SECRET_KEY'];
    const set = Boolean((ctx.env.BACKUP_S3_ACCESS_KEY && ctx.env.BACKUP_S3_SECRET_KEY) || (ctx.env.AWS_ACCESS_KEY_ID && ctx.env.AWS_SECRET_ACCESS_KEY));
    return {
      file: r.file,
      storage: kind,
      changed: r.changed,
      path: backup.path,
      ...(kind === 's3' ? { s3: { ...backup.s3 }, credentials: { variables, set } } : {}),
    };
  },
  render(r) {
    const lines = [r.changed.length ? `${green('✔')} Updated ${r.file}: ${r.changed.join(', ')}` : `${r.file} already says so; nothing changed.`];
    if (r.storage === 'local') lines.push(`Backups are stored in ${r.path} (keep it git-ignored).`);
    else {
      const s = r.s3 ?? {};
      lines.push(`Backups are stored locally in ${r.path} and uploaded to s3://${s.bucket}${s.prefix ? `/${s.prefix}` : ''}${s.endpoint ? ` at ${s.endpoint}` : ''} after each backup.`);
      lines.push(r.credentials?.set ? dim('Credentials: found in the environment.') : yellow('Credentials: set BACKUP_S3_ACCESS_KEY and BACKUP_S3_SECRET_KEY (environment or .env) — pglc never stores them.'));
    }
    return lines.join('\n');
  },
});
