// The ER diagram as Mermaid `erDiagram` text (GitHub, GitLab and most Markdown viewers draw it).
// Invariants: entity names are the tables' `schema.name` made Mermaid-safe (`public__users`), so
// two schemas never merge; types lose spaces and parentheses, which Mermaid's grammar rejects;
// cardinality follows ErdRelation (}o--|| for many-to-one, |o--|| for one-to-one).

import type { ErdDiagram } from '../../protocol/index';

function entity(id: string): string {
  return id.replace(/\./g, '__').replace(/[^A-Za-z0-9_]/g, '_');
}

function typeWord(t: string): string {
  return t.replace(/\[\]/g, '_array').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'unknown';
}

function quoteComment(s: string): string {
  return s.replace(/"/g, "'").replace(/\s+/g, ' ');
}

/**
 * @example renderMermaid(erdOf(model, 'local')).startsWith('erDiagram')
 */
export function renderMermaid(d: ErdDiagram): string {
  const lines = ['erDiagram'];
  const ids = new Set(d.tables.map((t) => t.id));
  for (const t of d.tables) {
    lines.push(`  ${entity(t.id)} {`);
    for (const c of t.columns) {
      const keys = [c.primaryKey && 'PK', c.foreignKey && 'FK', c.unique && !c.primaryKey && 'UK'].filter(Boolean).join(', ');
      const comment = c.comment ? ` "${quoteComment(c.comment)}"` : '';
      lines.push(`    ${typeWord(c.type)} ${entity(c.name)}${keys ? ` ${keys}` : ''}${comment}`);
    }
    lines.push('  }');
  }
  for (const r of d.relations) {
    if (!ids.has(r.to)) continue;
    const left = r.fromCardinality === 'one' ? '|o' : '}o';
    const right = r.toCardinality === 'one' ? '||' : 'o|';
    lines.push(`  ${entity(r.from)} ${left}--${right} ${entity(r.to)} : "${quoteComment(r.fromColumns.join(', '))}"`);
  }
  return `${lines.join('\n')}\n`;
}
