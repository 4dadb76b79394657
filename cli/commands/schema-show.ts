// `pglc schema show`: the real shape of an environment, or of the migrations (--migrations).
import type { SchemaShowFormat, SchemaShowResult } from '../../protocol/index';
import { openProject } from '../../core/environments/open-environment';
import { SHOW_FORMATS, showSchema } from '../../core/schema/show-schema';
import { defineCommand } from '../command-definition';

export default defineCommand<SchemaShowResult>({
  path: ['schema', 'show'],
  summary: 'Show the schema of an environment (or of the migrations) as text, JSON, Mermaid, DBML or SQL',
  help: [
    'Examples:',
    '  pglc schema show --env staging',
    '  pglc schema show --migrations --format sql',
    '  pglc schema show --format mermaid > schema.mmd',
  ].join('\n'),
  configure: (cmd) =>
    cmd
      .option('--format <format>', `${SHOW_FORMATS.join(', ')} (default text)`)
      .option('--migrations', 'the schema the migrations build (a shadow database on the local server) instead of an environment'),
  async run({ opts }, ctx) {
    const opened = await openProject(ctx);
    const source = opts.migrations ? 'migrations' : opts.env ?? opened.project.defaultEnvironment;
    return showSchema(opened, { source, format: (opts.format as SchemaShowFormat | undefined) ?? 'text' }, ctx);
  },
  render: (r) => r.text ?? `${JSON.stringify(r.model, null, 2)}\n`,
});
