// `pglc backup create`: pg_dump → zstd → SHA-256 → AES-256-GCM → local store (manifest last),
// then — when [backup] storage = "s3" — the upload, whose failure keeps the backup local-only.
import type { BackupCreateResult, BackupFormat, BackupScope, BackupTag } from '../../protocol/index';
import { openEnvironment } from '../../core/environments/open-environment';
import { createAndStoreBackup } from '../../core/backup/create-and-store';
import { parseCompression } from '../../core/backup/compression';
import { PglcError } from '../../core/errors';
import { defineCommand } from '../command-definition';
import { dim, formatBytes, formatDuration, green, yellow } from '../output/style';
import { toolVersion } from '../tool-version';

const FORMATS: BackupFormat[] = ['custom', 'directory', 'plain'];
const TAGS: BackupTag[] = ['manual', 'scheduled', 'pre-migration', 'pre-restore'];

export default defineCommand<BackupCreateResult>({
  path: ['backup', 'create'],
  summary: 'Back up the environment\'s database (pg_dump, zstd, SHA-256, optional AES-256-GCM) into the backup store',
  help: [
    'Examples:',
    '  pglc backup create --env prod --name before-v2 --tag pre-migration',
    '  pglc backup create --format directory --jobs 4 --compress zstd:6',
    '  pglc backup create --schema-only --tables public.users,public.orders',
    'Encryption follows [backup] encrypt in pglc.toml (override with --encrypt / --no-encrypt);',
    'the key is BACKUP_ENCRYPTION_KEY (32 bytes, base64 or hex).',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--name <name>', 'a name, part of the id (e.g. weekly, before-v2)')
      .option('--schema-only', 'only the schema, no data')
      .option('--data-only', 'only the data, no schema')
      .option('--tables <list>', 'only these tables (comma-separated pg_dump patterns: schema.table, table, app.*)')
      .option('--format <format>', 'custom (default), directory (parallel with --jobs) or plain (SQL)')
      .option('--jobs <n>', 'parallel pg_dump workers (directory format)')
      .option('--compress <algo[:level]>', 'zstd (default, level 3), gzip or none, e.g. zstd:9, gzip:6')
      .option('--encrypt', 'encrypt with BACKUP_ENCRYPTION_KEY (default: [backup] encrypt)')
      .option('--no-encrypt', 'do not encrypt, whatever pglc.toml says')
      .option('--tag <tag>', `tag the backup: ${TAGS.join(', ')} (repeatable; default manual)`, (v: string, prev: string[] = []) => [...prev, ...v.split(',')], undefined)
      .option('--no-count-rows', 'skip exact row counts (verify --deep then checks tables, not rows)'),
  async run({ opts }, ctx) {
    if (opts.schemaOnly && opts.dataOnly) {
      throw new PglcError('usage', { what: '--schema-only and --data-only exclude each other', why: 'a backup is one of full, schema-only or data-only', fix: 'Pass at most one of them.' });
    }
    const format = (opts.format as string | undefined) ?? 'custom';
    if (!FORMATS.includes(format as BackupFormat)) {
      throw new PglcError('usage', { what: `--format ${format} is not a backup format`, why: `the formats are ${FORMATS.join(', ')}`, fix: 'Pass --format custom (default), directory or plain.' });
    }
    const tags = ((opts.tag as string[] | undefined) ?? []).map((t) => t.trim()).filter(Boolean);
    for (const t of tags) {
      if (!TAGS.includes(t as BackupTag)) throw new PglcError('usage', { what: `--tag ${t} is not a backup tag`, why: `the tags are ${TAGS.join(', ')}`, fix: 'Pass e.g. --tag pre-migration.' });
    }
    const jobs = opts.jobs === undefined ? undefined : Number(opts.jobs);
    const scope: BackupScope = opts.schemaOnly ? 'schema-only' : opts.dataOnly ? 'data-only' : 'full';
    const opened = await openEnvironment(ctx, opts.env);
    return createAndStoreBackup(
      opened,
      {
        name: opts.name as string | undefined,
        scope,
        tables: typeof opts.tables === 'string' ? opts.tables.split(',').map((t) => t.trim()).filter(Boolean) : undefined,
        format: format as BackupFormat,
        jobs,
        compression: opts.compress === undefined ? undefined : parseCompression(String(opts.compress)),
        // --encrypt is declared before --no-encrypt, so commander leaves it undefined unless given
        encrypt: opts.encrypt === undefined ? undefined : Boolean(opts.encrypt),
        tags: tags as BackupTag[],
        countRows: opts.countRows === false ? 'never' : 'always',
        toolVersion,
      },
      ctx,
    );
  },
  render(r) {
    const m = r.manifest;
    const enc = m.encryption.algorithm === 'none' ? 'not encrypted' : `encrypted, key id ${m.encryption.keyId}`;
    const comp = m.compression.algorithm === 'none' ? 'uncompressed' : `${m.compression.algorithm}${m.compression.level !== undefined ? `:${m.compression.level}` : ''}`;
    const lines = [
      `${green('✔')} Backup ${m.id} created: ${formatBytes(m.totalSize)} (${m.format}, ${comp}, ${enc}), ${m.tables.length} table(s) in ${formatDuration(m.durationMs)}`,
      dim(`  ${r.path}`),
    ];
    for (const w of m.warnings) lines.push(`${yellow('⚠')} ${w}`);
    if (r.upload?.uploaded) lines.push(`${green('✔')} Uploaded to ${r.upload.remote}`);
    else if (r.upload) lines.push(`${yellow('⚠')} Kept locally only${r.upload.error ? `: ${r.upload.error.what} — ${r.upload.error.why}` : ''}. Upload later with \`pglc backup upload ${m.id}\`.`);
    return lines.join('\n');
  },
});

