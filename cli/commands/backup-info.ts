// `pglc backup info <id|latest>`: the manifest of one backup, readable, and its last verification.
import type { BackupInfoResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { backupInfo } from '../../core/backup/list';
import { defineCommand } from '../command-definition';
import { bold, dim, formatBytes, formatDuration, green, red, table, yellow } from '../output/style';

export default defineCommand<BackupInfoResult>({
  path: ['backup', 'info'],
  summary: 'Show a backup\'s manifest: source, versions, format, compression, encryption key id, files, tables',
  configure: (cmd) => cmd.argument('<id>', 'backup id, unique id prefix, or "latest" (of --env when given)'),
  async run({ args, opts }, ctx) {
    const { project, vars } = await openProject(ctx);
    return backupInfo(project, args[0]!, { environment: opts.env }, { ...ctx, env: vars });
  },
  render(r) {
    const m = r.manifest;
    const rows: string[][] = [
      ['id', bold(m.id)],
      ...(m.name ? [['name', m.name]] : []),
      ['tags', m.tags.join(', ')],
      ['environment', `${m.environment} (${m.source})`],
      ['created', `${m.createdAt} (took ${formatDuration(m.durationMs)})`],
      ['PostgreSQL', `server ${m.serverVersion}, pg_dump ${m.pgDumpVersion}, pglc ${m.toolVersion}`],
      ['format', `${m.format}, ${m.scope}${m.tablesFilter ? ` (tables: ${m.tablesFilter.join(', ')})` : ''}`],
      ['compression', m.compression.algorithm === 'none' ? 'none' : `${m.compression.algorithm}${m.compression.level !== undefined ? ` level ${m.compression.level}` : ''}`],
      ['encryption', m.encryption.algorithm === 'none' ? yellow('none') : `AES-256-GCM, chunks of ${formatBytes(m.encryption.chunkSize)}, key id ${m.encryption.keyId}`],
      ['size', `${formatBytes(m.totalSize)} in ${m.files.length} file(s); database ${formatBytes(m.databaseSize)}`],
      ['location', `${r.location}${r.path ? ` — ${r.path}` : ''}`],
      ['verified', r.verify ? (r.verify.result === 'ok' ? green(`✔ ${r.verify.at}${r.verify.deep ? ' (deep)' : ''}`) : red(`✖ ${r.verify.at}: ${r.verify.message ?? 'failed'}`)) : dim('never (run `pglc backup verify`)')],
    ];
    const lines = [table(rows)];
    if (!r.complete) lines.push(red(`✖ Its files no longer match the manifest (damaged or incomplete): run \`pglc backup verify ${m.id}\` for details.`));
    for (const w of m.warnings) lines.push(`${yellow('⚠')} ${w}`);
    lines.push('', bold('Files'), table(m.files.map((f) => [f.name, formatBytes(f.size), dim(f.sha256)])));
    const shown = m.tables.slice(0, 30);
    lines.push('', bold(`Tables (${m.tables.length})`));
    lines.push(table(shown.map((t) => [`${t.schema}.${t.name}`, t.rows !== undefined ? `${t.rows} rows` : `~${t.rowEstimate} rows`, t.bytes !== undefined ? formatBytes(t.bytes) : ''])));
    if (m.tables.length > shown.length) lines.push(dim(`… and ${m.tables.length - shown.length} more (--json lists all)`));
    return lines.join('\n');
  },
});
