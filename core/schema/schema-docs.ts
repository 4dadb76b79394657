// `pglc schema docs`: reads one side and writes its documentation (render-docs.ts), to stdout or a file.
// Invariant: read-only on the database; only the named output file is written.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SchemaDocsResult } from '../../protocol/index';
import type { OpenedProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import type { OperationContext } from '../operation-context';
import { renderDocs } from './render-docs';
import { loadSchemaSide, localScratchServer } from './schema-source';

/**
 * @example const r = await schemaDocs(opened, { source: 'local', format: 'html', output: 'schema.html' }, ctx); r.file
 */
export async function schemaDocs(opened: OpenedProject, opts: { source: string; format?: string; output?: string }, ctx: OperationContext): Promise<SchemaDocsResult> {
  const format = opts.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'html') {
    throw new PglcError('usage', { what: `Unknown format "${format}"`, why: 'pglc schema docs writes markdown or html', fix: 'Pass --format markdown or --format html.' });
  }
  const side = await loadSchemaSide(opened, opts.source, () => localScratchServer(opened, ctx), ctx);
  const text = renderDocs(side.model, format, `Schema of ${side.label}${side.database ? ` (${side.database})` : ''}`);
  const base = { source: side.label, format, tables: side.model.tables.length } as const;
  if (!opts.output) return { ...base, text };
  const file = resolve(ctx.cwd, opts.output);
  await writeFile(file, text);
  return { ...base, file };
}
