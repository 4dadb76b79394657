// `pglc schema show`: the real shape of an environment (or of the migrations' shadow
// database) as text, JSON, Mermaid, DBML or SQL. Invariant: read-only; the SQL form is the diff
// from an empty database, so it is exactly what `schema diff` would create.

import type { SchemaShowFormat, SchemaShowResult } from '../../protocol/index';
import type { OpenedProject } from '../environments/open-environment';
import { PglcError } from '../errors';
import type { OperationContext } from '../operation-context';
import { planDirection } from '../diff/diff-models';
import { erdOf } from './erd';
import { emptyModel, type SchemaModel } from './model';
import { renderDbml } from './render-dbml';
import { renderMermaid } from './render-mermaid';
import { renderSchemaText } from './render-text';
import { loadSchemaSide, localScratchServer } from './schema-source';

export const SHOW_FORMATS: SchemaShowFormat[] = ['text', 'json', 'mermaid', 'dbml', 'sql'];

/** The DDL that creates `m` in a fresh database (which already has `public`). */
export function schemaSql(m: SchemaModel): string {
  const base = emptyModel();
  base.schemas = m.schemas.filter((s) => s.name === 'public');
  return `${planDirection(base, m).steps.map((s) => s.sql).join('\n')}\n`;
}

/**
 * @example const r = await showSchema(opened, { source: 'staging', format: 'mermaid' }, ctx); r.text
 */
export async function showSchema(opened: OpenedProject, opts: { source: string; format?: SchemaShowFormat }, ctx: OperationContext): Promise<SchemaShowResult> {
  const format = opts.format ?? 'text';
  if (!SHOW_FORMATS.includes(format)) {
    throw new PglcError('usage', { what: `Unknown format "${format}"`, why: `pglc schema show writes ${SHOW_FORMATS.join(', ')}`, fix: 'Pass one of those to --format.' });
  }
  const t0 = performance.now();
  const side = await loadSchemaSide(opened, opts.source, () => localScratchServer(opened, ctx), ctx);
  const m = side.model;
  const text = format === 'text' ? renderSchemaText(m)
    : format === 'mermaid' ? renderMermaid(erdOf(m, side.label))
      : format === 'dbml' ? renderDbml(erdOf(m, side.label))
        : format === 'sql' ? schemaSql(m)
          : undefined;
  return { source: side.label, ...(side.database ? { database: side.database } : {}), format, model: m, ...(text !== undefined ? { text } : {}), durationMs: Math.round(performance.now() - t0) };
}
