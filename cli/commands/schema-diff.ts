// `pglc schema diff [FROM] [TO]`: the migration that turns FROM's schema into TO's, proven by
// the self-check; exits 1 when the check found defects (the SQL and the defects are printed).
import type { SchemaDiffResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { schemaDiff } from '../../core/diff/schema-diff';
import { defineCommand } from '../command-definition';
import { columnOrderLines } from './column-order-lines';
import { bold, dim, green, red, yellow } from '../output/style';

export default defineCommand<SchemaDiffResult>({
  path: ['schema', 'diff'],
  summary: 'Generate the migration (Up and Down) from one schema to another, and prove it on a scratch copy',
  help: [
    'Each side is an environment from pglc.toml, `migrations` (the schema the migrations build) or a local backup (`backup:<id>`, `backup:latest`).',
    'Default: migrations → local. With one side: migrations → that side.',
    'Examples:',
    '  pglc schema diff                         # what local has that the migrations do not create',
    '  pglc schema diff staging                 # drift of staging against the migrations',
    '  pglc schema diff prod staging            # the migration that turns prod into staging',
    '  pglc schema diff --create-migration add_invoices',
  ].join('\n'),
  usesEnvironment: false,
  configure: (cmd) =>
    cmd
      .argument('[from]', 'environment, `migrations` or `backup:<id|latest>` (default migrations)')
      .argument('[to]', 'environment, `migrations` or `backup:<id|latest>` (default local)')
      .option('--create-migration <name>', 'write the Up and Down as the next migration file (only when the self-check passes)')
      .option('--no-check', 'skip the self-check (apply Up and Down to a scratch copy)')
      .option('--unsafe', 'plain forms instead of CREATE INDEX CONCURRENTLY and NOT VALID + VALIDATE')
      .option('--sql', 'print only the migration SQL'),
  async run({ args, opts }, ctx) {
    const opened = await openProject(ctx);
    const [a, b] = args;
    const from = b !== undefined ? a : 'migrations';
    const to = b !== undefined ? b : a ?? 'local';
    return schemaDiff(opened, {
      from, to,
      check: opts.check !== false,
      unsafe: Boolean(opts.unsafe),
      ...(typeof opts.createMigration === 'string' ? { createMigration: opts.createMigration } : {}),
    }, ctx);
  },
  failed: (r) => r.check?.ok === false,
  render(r, { opts }) {
    if (r.identical) return `${green('✔')} No schema differences between ${bold(r.from)} and ${bold(r.to)}.`;
    if (opts.sql) return r.migration;
    if (!r.migration) {
      // Only column order differs: said explicitly, never "no differences".
      return [
        `${yellow('!')} ${bold(`${r.from} → ${r.to}`)}: no statements to run — the only difference is the order of columns in ${r.columnOrder.length} table${r.columnOrder.length === 1 ? '' : 's'}:`,
        ...columnOrderLines(r.columnOrder, r.to),
        dim('PostgreSQL cannot move the columns of an existing table; pglc does not re-create a table for order alone (docs/schema.md, "Column order").'),
      ].join('\n');
    }
    const out = [r.migration.trimEnd(), ''];
    out.push(`${bold(`${r.from} → ${r.to}`)}: ${r.changed.length} object${r.changed.length === 1 ? '' : 's'} differ, ${r.up.statements.length} Up and ${r.down.statements.length} Down statements`);
    if (r.destructive.length) {
      out.push(yellow(`${r.destructive.length} destructive:`));
      for (const d of r.destructive) out.push(`  ${yellow('!')} ${d}`);
    }
    if (r.columnOrder.length) {
      out.push(yellow(`Column order differs in ${r.columnOrder.length} table${r.columnOrder.length === 1 ? '' : 's'} (not changed by the migration):`));
      out.push(...columnOrderLines(r.columnOrder, r.to));
    }
    if (!r.check) out.push(dim('Self-check skipped (--no-check).'));
    else if (r.check.ok) out.push(`${green('✔')} Self-check passed: Up turns a copy of ${r.from} into ${r.to}, Down turns it back${r.check.known?.length ? ' (column order as announced above)' : ''} ${dim(`(${r.check.durationMs} ms)`)}`);
    else {
      out.push(`${red('✖')} Self-check found defects — this migration is incomplete:`);
      for (const d of r.check.defects) {
        out.push(`  ${red('✖')} [${d.phase}] ${d.message}${d.objects.length ? `: ${d.objects.join(', ')}` : ''}`);
        if (d.statement) out.push(`      statement: ${d.statement.split('\n')[0]}`);
        for (const x of d.differences ?? []) out.push(`      ${x}`);
      }
    }
    if (r.created) out.push(`${green('✔')} Created ${r.created.file}`);
    return out.join('\n');
  },
});

