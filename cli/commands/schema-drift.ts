// `pglc schema drift [--env ENV] [--absorb NAME]`: what an environment has that its applied
// migrations do not create (and the reverse); --absorb writes the catch-up migration and records
// it as applied there, changing nothing else.
import type { SchemaDriftResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { schemaDrift } from '../../core/diff/schema-drift';
import { defineCommand } from '../command-definition';
import { columnOrderLines } from './column-order-lines';
import { bold, dim, green, yellow } from '../output/style';

export default defineCommand<SchemaDriftResult>({
  path: ['schema', 'drift'],
  summary: 'Show what an environment\'s schema has that its applied migrations do not create; --absorb records a catch-up migration',
  help: [
    'Examples:',
    '  pglc schema drift --env staging',
    '  pglc schema drift --env staging --absorb staging_hotfixes   # writes the migration, marks it applied on staging',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--absorb <name>', 'write the catch-up migration (self-checked) and record it as applied on the environment')
      .option('--sql', 'print only the catch-up migration')
      .option('--confirm <database>', 'the database name, required on protected environments with --absorb'),
  async run({ opts }, ctx) {
    const opened = await openProject(ctx);
    return schemaDrift(opened, {
      ...(typeof opts.env === 'string' ? { env: opts.env } : {}),
      ...(typeof opts.absorb === 'string' ? { absorb: opts.absorb } : {}),
      ...(typeof opts.confirm === 'string' ? { confirm: opts.confirm } : {}),
    }, ctx);
  },
  render(r, { opts }) {
    const where = `${bold(r.environment)} ${dim(`${r.database}, migrations up to ${r.upTo ?? '(none applied)'}`)}`;
    const order = r.columnOrder.length
      ? [dim(`Column order differs in ${r.columnOrder.length} table${r.columnOrder.length === 1 ? '' : 's'} (not drift: no migration can move columns):`), ...columnOrderLines(r.columnOrder, r.environment)]
      : [];
    if (r.identical) return [`${green('✔')} ${where}: no drift — the schema is what the applied migrations build.`, ...order].join('\n');
    if (opts.sql) return r.migration;
    const out = [where];
    const list = (label: string, xs: string[]) => {
      if (!xs.length) return;
      out.push(yellow(`${xs.length} ${label}:`));
      for (const x of xs) out.push(`  ${x}`);
    };
    list(`object${r.unmanaged.length === 1 ? '' : 's'} that no migration creates`, r.unmanaged);
    list(`object${r.missing.length === 1 ? '' : 's'} the migrations create that ${r.environment} lacks`, r.missing);
    list(`object${r.different.length === 1 ? '' : 's'} shaped differently`, r.different);
    out.push(...order);
    for (const n of r.notes) out.push(dim(n));
    if (r.absorbed) out.push(`${green('✔')} Wrote ${r.absorbed.file} and recorded it as applied on ${r.environment}`);
    else out.push(dim(`See the catch-up SQL with --sql; absorb it with --absorb <name>.`));
    return out.join('\n');
  },
});
