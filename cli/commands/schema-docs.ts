// `pglc schema docs`: documentation of an environment's (or the migrations') schema as Markdown or HTML.
import type { SchemaDocsResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { schemaDocs } from '../../core/schema/schema-docs';
import { defineCommand } from '../command-definition';
import { green } from '../output/style';

export default defineCommand<SchemaDocsResult>({
  path: ['schema', 'docs'],
  summary: 'Write documentation of the schema (tables, columns, types, constraints, comments, relationships) as Markdown or HTML',
  help: ['Examples:', '  pglc schema docs --format html -o schema.html', '  pglc schema docs --migrations > SCHEMA.md'].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--format <format>', 'markdown (default) or html')
      .option('-o, --output <file>', 'write to this file')
      .option('--migrations', 'the schema the migrations build instead of an environment'),
  async run({ opts }, ctx) {
    const opened = await openProject(ctx);
    const source = opts.migrations ? 'migrations' : opts.env ?? opened.project.defaultEnvironment;
    return schemaDocs(opened, {
      source,
      ...(typeof opts.format === 'string' ? { format: opts.format } : {}),
      ...(typeof opts.output === 'string' ? { output: opts.output } : {}),
    }, ctx);
  },
  render: (r) => (r.file ? `${green('✔')} Wrote ${r.file} (${r.tables} tables)` : r.text),
});
