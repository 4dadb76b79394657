// `pglc db migrate:status`: every migration and its state on the environment, and the drift of
// its schema from what the applied migrations build (`--no-drift` leaves that out).
import type { MigrationStatusDrift, MigrationStatusResult } from '../../protocol/index';
import { migrationStatusWithDrift } from '../../core/diff/status-drift';
import { openEnvironment } from '../../core/environments/open-environment';
import { defineCommand } from '../command-definition';
import { bold, dim, green, table, formatDuration, yellow } from '../output/style';
import { columnOrderLines } from './column-order-lines';
import { stateLabel } from './migration-rows';

export default defineCommand<MigrationStatusResult>({
  path: ['db', 'migrate:status'],
  summary: 'Show applied, pending, modified and missing migrations, and the schema\'s drift from them',
  help: [
    'Drift compares the schema with a shadow database of the migrations applied there (as `pglc schema drift`).',
    'The shadow\'s model is cached in .pglc/cache, so drift costs one read of the schema while the applied',
    'migrations stay the same; a new build needs the local PostgreSQL running (it is never started for this).',
    'Examples:',
    '  pglc db migrate:status --env staging',
    '  pglc db migrate:status --no-drift --json     # the migration states only',
  ].join('\n'),
  configure: (cmd) => cmd.option('--no-drift', 'do not compare the schema with the applied migrations'),
  async run({ opts }, ctx) {
    const opened = await openEnvironment(ctx, opts.env);
    return migrationStatusWithDrift(opened, { drift: opts.drift !== false }, ctx);
  },
  render(r) {
    const head = `${bold(r.environment)} ${dim(`${r.database} · ${r.table}`)}`;
    const drift = r.drift ? ['', ...driftLines(r.drift, r.environment)] : [];
    if (r.rows.length === 0) return [`${head}\nNo migrations yet. Create one with: pglc db migrate:create <name>`, ...drift].join('\n');
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
    return [`${head}\n${table(rows, ['version', 'name', 'state', 'applied'])}\n\n${summary}`, ...drift].join('\n');
  },
});

/** "staging has 2 objects that no migration creates" and the lists, or why drift was not checked. */
function driftLines(d: MigrationStatusDrift, env: string): string[] {
  if (d.state === 'unavailable') {
    const p = d.problem;
    return [yellow(`Drift not checked — ${p ? `${p.what}: ${p.why}` : 'for an unknown reason'}`), ...(p ? [dim(p.fix)] : [])];
  }
  const upTo = d.upTo ? `migrations up to ${d.upTo}` : 'no migration applied';
  const out: string[] = [];
  if (d.identical) out.push(`${green('✔')} No drift: the schema is what the applied migrations build ${dim(`(${upTo})`)}`);
  else {
    const list = (n: number, label: string, mark: string, xs: string[]) => {
      if (!n) return;
      out.push(yellow(`Drift: ${env} has ${n} ${label}:`));
      for (const x of xs) out.push(`  ${mark} ${x}`);
    };
    list(d.unmanaged.length, `object${d.unmanaged.length === 1 ? '' : 's'} that no migration creates`, '+', d.unmanaged);
    if (d.missing.length) {
      out.push(yellow(`Drift: ${env} lacks ${d.missing.length} object${d.missing.length === 1 ? '' : 's'} that the migrations create:`));
      for (const x of d.missing) out.push(`  - ${x}`);
    }
    list(d.different.length, `object${d.different.length === 1 ? '' : 's'} shaped differently`, '~', d.different);
    out.push(dim(`Compared with ${upTo}. See the catch-up SQL: pglc schema drift --env ${env} --sql; absorb it: pglc schema drift --env ${env} --absorb <name>`));
  }
  if (d.columnOrder.length) {
    out.push(dim(`Column order differs in ${d.columnOrder.length} table${d.columnOrder.length === 1 ? '' : 's'} (not drift: no migration can move columns):`));
    out.push(...columnOrderLines(d.columnOrder, env));
  }
  for (const n of d.notes) out.push(dim(n));
  return out;
}
