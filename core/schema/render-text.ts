// `pglc schema show` for people: every table with its columns, keys and references, then the
// other objects by kind. Invariant: everything the model holds is at least counted, so an
// object never vanishes from the overview just because it has no detailed line.

import type { SchemaModel } from './model';

/**
 * @example renderSchemaText(model).split('\n')[0] // 'table public.users'
 */
export function renderSchemaText(m: SchemaModel): string {
  const out: string[] = [];
  for (const t of m.tables) {
    const flags = [t.kind === 'partitioned' && `partitioned by ${t.partitionKey}`, t.partitionOf && `partition of ${t.partitionOf.schema}.${t.partitionOf.table} ${t.partitionOf.bound}`, t.rowSecurity && 'RLS', t.unlogged && 'unlogged'].filter(Boolean);
    out.push(`table ${t.schema}.${t.name}${flags.length ? `  (${flags.join(', ')})` : ''}`);
    const width = Math.max(0, ...t.columns.map((c) => c.name.length));
    for (const c of t.columns) {
      const extra = [c.notNull && 'not null', c.identity && `identity ${c.identity.generation}`, c.default !== undefined && `default ${c.default}`, c.generated !== undefined && `generated ${c.generated}`].filter(Boolean);
      out.push(`  ${c.name.padEnd(width)}  ${c.type}${extra.length ? `  ${extra.join(', ')}` : ''}`);
    }
    for (const c of t.constraints) out.push(`  ${c.name}: ${c.definition}${c.validated ? '' : ' (not valid)'}`);
    out.push('');
  }
  for (const v of m.views) out.push(`${v.materialized ? 'materialized view' : 'view'} ${v.schema}.${v.name}${v.options.length ? `  (${v.options.join(', ')})` : ''}  ${v.columns.map((c) => c.name).join(', ')}`);
  for (const t of m.types) out.push(`${t.kind} ${t.schema}.${t.name}${t.kind === 'enum' ? `  ${t.values.join(', ')}` : ''}`);
  for (const f of m.functions) out.push(`${f.kind === 'procedure' ? 'procedure' : 'function'} ${f.schema}.${f.name}(${f.identityArgs})`);
  for (const t of m.triggers) out.push(`trigger ${t.name} on ${t.schema}.${t.table}`);
  for (const p of m.policies) out.push(`policy ${p.name} on ${p.schema}.${p.table}  ${p.command} to ${p.roles.join(', ')}`);
  for (const s of m.sequences) out.push(`sequence ${s.schema}.${s.name}${s.ownedBy ? `  owned by ${s.ownedBy.table}.${s.ownedBy.column}` : ''}`);
  for (const e of m.extensions) out.push(`extension ${e.name} ${e.version}`);
  const counts = [`${m.tables.length} tables`, `${m.views.length} views`, `${m.indexes.length} indexes`, `${m.functions.length} functions`, `${m.triggers.length} triggers`, `${m.policies.length} policies`, `${m.types.length} types`, `${m.sequences.length} sequences`];
  out.push('', counts.join(', '));
  return `${out.join('\n').replace(/^\n+/, '')}\n`;
}
