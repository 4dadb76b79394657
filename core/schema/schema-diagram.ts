// `pglc schema diagram`: the ER diagram of an environment or of the migrations, laid out with
// elkjs, as JSON (what the editor's webview draws), SVG, Mermaid or DBML, optionally written to
// a file. Invariant: one diagram structure and one layout for every output, so the file and the
// editor show the same picture; an existing file is replaced only by an explicit -o.

import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SchemaDiagramFormat, SchemaDiagramResult } from '../../protocol/index';
import type { OpenedProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import { erdOf } from './erd';
import { layoutErd } from './erd-layout';
import { renderDbml } from './render-dbml';
import { renderMermaid } from './render-mermaid';
import { renderSvg } from './render-svg';
import { loadSchemaSide, localScratchServer } from './schema-source';
import { tableOrigins } from './table-origins';

export const DIAGRAM_FORMATS: SchemaDiagramFormat[] = ['json', 'svg', 'mermaid', 'dbml'];

export interface SchemaDiagramOptions {
  source: string;
  format?: SchemaDiagramFormat;
  /** Write the rendering here (relative to the working directory). */
  output?: string;
  schemas?: string[];
  collapsed?: boolean;
}

/**
 * @example const r = await schemaDiagram(opened, { source: 'local', format: 'svg', output: 'erd.svg' }, ctx); r.file
 */
export async function schemaDiagram(opened: OpenedProject, opts: SchemaDiagramOptions, ctx: OperationContext): Promise<SchemaDiagramResult> {
  const format = opts.format ?? 'json';
  if (!DIAGRAM_FORMATS.includes(format)) {
    throw new PglcError('usage', { what: `Unknown format "${format}"`, why: `pglc schema diagram writes ${DIAGRAM_FORMATS.join(', ')}`, fix: 'Pass one of those to --format.' });
  }
  const side = await loadSchemaSide(opened, opts.source, () => localScratchServer(opened, ctx), ctx);
  const diagram = erdOf(side.model, side.label, opts.schemas ? { schemas: opts.schemas } : {});
  if (format === 'json') diagram.origins = await tableOrigins(opened.project, diagram);
  if (format === 'json' || format === 'svg') diagram.layout = await layoutErd(diagram, { collapsed: opts.collapsed ?? false });
  const text = format === 'svg' ? renderSvg(diagram, diagram.layout!)
    : format === 'mermaid' ? renderMermaid(diagram)
      : format === 'dbml' ? renderDbml(diagram)
        : opts.output ? `${JSON.stringify(diagram, null, 2)}\n` : undefined;
  let file: string | undefined;
  if (opts.output) {
    file = resolve(ctx.cwd, opts.output);
    await writeFile(file, text ?? '');
    note(ctx, `Wrote ${opts.output} (${diagram.tables.length} tables, ${diagram.relations.length} relations)`, 'info');
  }
  const allSchemas = [...new Set([...side.model.tables.map((t) => t.schema), ...side.model.views.map((v) => v.schema)])].sort();
  return { diagram, allSchemas, format, ...(text !== undefined && !file ? { text } : {}), ...(file ? { file } : {}) };
}
