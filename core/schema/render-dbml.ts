// The ER diagram as DBML (dbdiagram.io, dbdocs): tables with columns, keys and notes, and one
// `Ref` per foreign key. Invariant: every name is double-quoted (DBML's quoting), so schemas,
// odd characters and keywords survive; notes use single quotes with escaping.

import type { ErdDiagram } from '../../protocol/index';

const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const note = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

/**
 * @example renderDbml(erdOf(model, 'local')).includes('Table "public"."users"')
 */
export function renderDbml(d: ErdDiagram): string {
  const out: string[] = [];
  const byId = new Map(d.tables.map((t) => [t.id, t]));
  for (const t of d.tables) {
    out.push(`Table ${q(t.schema)}.${q(t.name)} {`);
    for (const c of t.columns) {
      const settings = [c.primaryKey && 'pk', !c.nullable && !c.primaryKey && 'not null', c.unique && !c.primaryKey && 'unique', c.comment !== undefined && `note: ${note(c.comment)}`].filter(Boolean);
      out.push(`  ${q(c.name)} ${q(c.type)}${settings.length ? ` [${settings.join(', ')}]` : ''}`);
    }
    if (t.kind !== 'table') out.push(`  Note: ${note(`${t.kind}${t.comment ? `: ${t.comment}` : ''}`)}`);
    else if (t.comment) out.push(`  Note: ${note(t.comment)}`);
    out.push('}', '');
  }
  for (const r of d.relations) {
    const from = byId.get(r.from);
    const to = byId.get(r.to);
    if (!from || !to) continue;
    const cols = (cs: string[]) => (cs.length === 1 ? q(cs[0]!) : `(${cs.map(q).join(', ')})`);
    const op = r.fromCardinality === 'one' ? '-' : '>';
    out.push(`Ref ${q(r.name)}: ${q(from.schema)}.${q(from.name)}.${cols(r.fromColumns)} ${op} ${q(to.schema)}.${q(to.name)}.${cols(r.toColumns)}`);
  }
  return `${out.join('\n').trimEnd()}\n`;
}

