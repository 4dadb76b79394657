// `pglc restore old`: databases restores replaced (kept for undo) and leftovers of interrupted runs.
import type { ReplacedDatabasesResult } from '../../protocol/index';
import { listOldDatabases } from '../../core/restore/old-databases';
import { defineCommand } from '../command-definition';
import { bold, dim, formatBytes, table, yellow } from '../output/style';

export default defineCommand<ReplacedDatabasesResult>({
  path: ['restore', 'old'],
  summary: 'List the databases restores replaced (kept for undo) and leftovers of interrupted restores',
  async run({ opts }, ctx) {
    return listOldDatabases({ ...(opts.env ? { env: opts.env } : {}) }, ctx);
  },
  render(r) {
    const lines: string[] = [];
    if (!r.databases.length) lines.push(`No replaced databases on ${r.environment} (${r.server}).`);
    else {
      lines.push(table(r.databases.map((d) => [
        d.name, d.database, d.replacedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), formatBytes(d.sizeBytes), d.backupId ?? dim('—'),
        d.undoable ? 'restore undo brings it back' : d.expired ? yellow('expired') : '',
      ]), ['database', 'was', 'replaced', 'size', 'by backup', '']));
    }
    if (r.leftovers.length) {
      lines.push('', bold('Leftovers of interrupted restores (the next restore drops them, or `pglc restore drop-old NAME`):'));
      lines.push(table(r.leftovers.map((l) => [l.name, formatBytes(l.sizeBytes)])));
    }
    return lines.join('\n');
  },
});
