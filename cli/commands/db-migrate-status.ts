// `pglc db migrate:status`: every migration and its state on the environment.
import type { MigrationStatusResult } from '../../protocol/index';
import { migrationStatus } from '../../core/migrations/status';
import { openEnvironment } from '../../core/environments/open-environment';
import { defineCommand } from '../command-definition';
import { bold, dim, table, formatDuration } from '../output/style';
import { stateLabel } from './migration-rows';

export default defineCommand<MigrationStatusResult>({
  path: ['db', 'migrate:status'],
  summary: 'Show applied, pending, modified and missing migrations',
  async run({ opts }, ctx) {
    const { project, env, target } = await openEnvironment(ctx, opts.env);
    return migrationStatus(project, env, target, ctx);
  },
  render(r) {
    const head = `${bold(r.environment)} ${dim(`${r.database} · ${r.table}`)}`;
    if (r.rows.length === 0) return `${head}\nNo migrations yet. Create one with: pglc db migrate:create <name>`;
    const rows = r.rows.map((m) => [
      m.version,
      m.name,
      stateLabel[m.state],
      m.appliedAt ? dim(`${m.appliedAt.replace('T', ' ').slice(0, 16)}${m.durationMs !== undefined ? ` · ${formatDuration(m.durationMs)}` : ''}`) : '',
    ]);
    const c = r.counts;
    const summary = [`${c.applied} applied`, `${c.pending} pending`, c.modified && `${c.modified} modified`, c.missing && `${c.missing} missing`, c['out-of-order'] && `${c['out-of-order']} out of order`]
      .filter(Boolean)
      .join(', ');
    return `${head}\n${table(rows, ['version', 'name', 'state', 'applied'])}\n\n${summary}`;
  },
});
