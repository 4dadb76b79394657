// `pglc schema diagram`: the ER diagram without the editor (SVG, Mermaid, DBML, or the laid-out JSON).
import type { SchemaDiagramFormat, SchemaDiagramResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { DIAGRAM_FORMATS, schemaDiagram } from '../../core/schema/schema-diagram';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<SchemaDiagramResult>({
  path: ['schema', 'diagram'],
  summary: 'Draw the ER diagram of an environment (or of the migrations) as SVG, Mermaid, DBML or JSON',
  help: [
    'Examples:',
    '  pglc schema diagram --format svg -o erd.svg',
    '  pglc schema diagram --migrations --format mermaid',
    '  pglc schema diagram --env staging --format dbml -o schema.dbml --schemas public,billing',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--format <format>', `${DIAGRAM_FORMATS.join(', ')} (default svg with -o, else json)`)
      .option('-o, --output <file>', 'write the diagram to this file')
      .option('--schemas <list>', 'only these schemas (comma-separated)')
      .option('--collapsed', 'tables without their columns')
      .option('--migrations', 'the schema the migrations build instead of an environment'),
  async run({ opts }, ctx) {
    const opened = await openProject(ctx);
    const source = opts.migrations ? 'migrations' : opts.env ?? opened.project.defaultEnvironment;
    const format = (opts.format as SchemaDiagramFormat | undefined) ?? (opts.output ? 'svg' : 'json');
    return schemaDiagram(opened, {
      source, format,
      ...(typeof opts.output === 'string' ? { output: opts.output } : {}),
      ...(typeof opts.schemas === 'string' ? { schemas: opts.schemas.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
      collapsed: Boolean(opts.collapsed),
    }, ctx);
  },
  render: (r) => (r.file ? `${green('✔')} Wrote ${r.file} (${r.diagram.tables.length} tables, ${r.diagram.relations.length} relations)` : r.text ?? `${JSON.stringify(r.diagram, null, 2)}\n`),
});
