// `pglc schema docs`: documentation of a schema for people — every table and view with its
// comment, columns (type, nullable, default, comment), constraints, indexes, and relationships
// both ways (references and referenced by) — as Markdown or a standalone HTML page.
// Invariants: every name and comment is escaped for its format (Markdown table cells, HTML
// text), so a comment can never inject markup; the HTML page has no script and no external
// resource; the order is the model's (deterministic).

import type { SchemaModel, TableDef } from './model';

export type DocsFormat = 'markdown' | 'html';

interface Section {
  title: string;
  anchor: string;
  comment?: string;
  kind: string;
  columns: { name: string; type: string; nullable: boolean; default?: string; comment?: string; keys: string }[];
  constraints: string[];
  indexes: string[];
  references: { text: string; anchor: string }[];
  referencedBy: { text: string; anchor: string }[];
}

const anchorOf = (schema: string, name: string) => `${schema}-${name}`.toLowerCase().replace(/[^a-z0-9_-]+/g, '-');

function sections(m: SchemaModel): Section[] {
  const referencedBy = new Map<string, Section['referencedBy']>();
  for (const t of m.tables) {
    for (const c of t.constraints) {
      const f = c.foreignKey;
      if (!f) continue;
      const k = `${f.schema}.${f.table}`;
      const list = referencedBy.get(k) ?? [];
      list.push({ text: `${t.schema}.${t.name} (${c.columns.join(', ')})`, anchor: anchorOf(t.schema, t.name) });
      referencedBy.set(k, list);
    }
  }
  const tableSection = (t: TableDef): Section => {
    const pk = new Set(t.constraints.filter((c) => c.kind === 'primary-key').flatMap((c) => c.columns));
    const fk = new Set(t.constraints.filter((c) => c.kind === 'foreign-key').flatMap((c) => c.columns));
    return {
      title: `${t.schema}.${t.name}`,
      anchor: anchorOf(t.schema, t.name),
      ...(t.comment !== undefined ? { comment: t.comment } : {}),
      kind: t.partitionOf ? `partition of ${t.partitionOf.schema}.${t.partitionOf.table}` : t.kind === 'partitioned' ? `partitioned table (${t.partitionKey})` : 'table',
      columns: t.columns.map((c) => ({
        name: c.name, type: c.type, nullable: !c.notNull,
        ...(c.default !== undefined ? { default: c.default } : c.identity ? { default: `identity ${c.identity.generation}` } : c.generated !== undefined ? { default: `generated: ${c.generated}` } : {}),
        ...(c.comment !== undefined ? { comment: c.comment } : {}),
        keys: [pk.has(c.name) && 'PK', fk.has(c.name) && 'FK'].filter(Boolean).join(' '),
      })),
      constraints: t.constraints.map((c) => `${c.name}: ${c.definition}`),
      indexes: m.indexes.filter((i) => i.schema === t.schema && i.table === t.name).map((i) => i.definition),
      references: t.constraints.filter((c) => c.foreignKey).map((c) => ({ text: `${c.columns.join(', ')} → ${c.foreignKey!.schema}.${c.foreignKey!.table} (${c.foreignKey!.columns.join(', ')})`, anchor: anchorOf(c.foreignKey!.schema, c.foreignKey!.table) })),
      referencedBy: referencedBy.get(`${t.schema}.${t.name}`) ?? [],
    };
  };
  return [
    ...m.tables.map(tableSection),
    ...m.views.map((v) => ({
      title: `${v.schema}.${v.name}`, anchor: anchorOf(v.schema, v.name), ...(v.comment !== undefined ? { comment: v.comment } : {}),
      kind: v.materialized ? 'materialized view' : 'view',
      columns: v.columns.map((c) => ({ name: c.name, type: c.type, nullable: true, ...(c.comment !== undefined ? { comment: c.comment } : {}), keys: '' })),
      constraints: [], indexes: m.indexes.filter((i) => i.schema === v.schema && i.table === v.name).map((i) => i.definition), references: [], referencedBy: [],
    })),
  ];
}

/** A Markdown table cell: pipes and line breaks would end the cell or the row. */
function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>').replace(/</g, '&lt;');
}

function md(s: string): string {
  return s.replace(/([\\`*_{}[\]<>#|])/g, '\\$1');
}

function markdown(m: SchemaModel, title: string): string {
  const out = [`# ${md(title)}`, ''];
  const secs = sections(m);
  for (const s of secs) out.push(`- [${md(s.title)}](#${s.anchor}) — ${s.kind}`);
  for (const s of secs) {
    out.push('', `<a id="${s.anchor}"></a>`, `## ${md(s.title)}`, '', `*${s.kind}*`);
    if (s.comment) out.push('', md(s.comment));
    out.push('', '| column | type | null | default | keys | comment |', '|---|---|---|---|---|---|');
    for (const c of s.columns) out.push(`| ${cell(c.name)} | ${cell(c.type)} | ${c.nullable ? 'yes' : 'no'} | ${cell(c.default ?? '')} | ${c.keys} | ${cell(c.comment ?? '')} |`);
    if (s.constraints.length) out.push('', '**Constraints**', '', ...s.constraints.map((c) => `- \`${c.replace(/`/g, "'")}\``));
    if (s.indexes.length) out.push('', '**Indexes**', '', ...s.indexes.map((c) => `- \`${c.replace(/`/g, "'")}\``));
    if (s.references.length) out.push('', '**References**', '', ...s.references.map((r) => `- [${md(r.text)}](#${r.anchor})`));
    if (s.referencedBy.length) out.push('', '**Referenced by**', '', ...s.referencedBy.map((r) => `- [${md(r.text)}](#${r.anchor})`));
  }
  return `${out.join('\n')}\n`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function html(m: SchemaModel, title: string): string {
  const secs = sections(m);
  const out = [
    '<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
    `<title>${esc(title)}</title>`,
    '<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}table{border-collapse:collapse;width:100%}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}code{font:12px ui-monospace,monospace}.kind{color:#57606a}</style>',
    '</head><body>', `<h1>${esc(title)}</h1>`, '<ul>',
    ...secs.map((s) => `<li><a href="#${s.anchor}">${esc(s.title)}</a> <span class="kind">${esc(s.kind)}</span></li>`),
    '</ul>',
  ];
  for (const s of secs) {
    out.push(`<section id="${s.anchor}"><h2>${esc(s.title)}</h2><p class="kind">${esc(s.kind)}</p>`);
    if (s.comment) out.push(`<p>${esc(s.comment)}</p>`);
    out.push('<table><tr><th>column</th><th>type</th><th>null</th><th>default</th><th>keys</th><th>comment</th></tr>');
    for (const c of s.columns) out.push(`<tr><td>${esc(c.name)}</td><td><code>${esc(c.type)}</code></td><td>${c.nullable ? 'yes' : 'no'}</td><td><code>${esc(c.default ?? '')}</code></td><td>${c.keys}</td><td>${esc(c.comment ?? '')}</td></tr>`);
    out.push('</table>');
    const list = (label: string, items: string[]) => items.length && out.push(`<h3>${label}</h3><ul>${items.join('')}</ul>`);
    list('Constraints', s.constraints.map((c) => `<li><code>${esc(c)}</code></li>`));
    list('Indexes', s.indexes.map((c) => `<li><code>${esc(c)}</code></li>`));
    list('References', s.references.map((r) => `<li><a href="#${r.anchor}">${esc(r.text)}</a></li>`));
    list('Referenced by', s.referencedBy.map((r) => `<li><a href="#${r.anchor}">${esc(r.text)}</a></li>`));
    out.push('</section>');
  }
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}

/**
 * @example renderDocs(model, 'markdown', 'staging').startsWith('# staging')
 */
export function renderDocs(m: SchemaModel, format: DocsFormat, title: string): string {
  return format === 'html' ? html(m, title) : markdown(m, title);
}
