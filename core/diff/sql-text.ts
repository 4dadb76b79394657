// Names and literals in generated DDL, quoted the way PostgreSQL's own quote_ident does: only
// when needed (upper case, odd characters, keywords), so migrations read like hand-written ones
// and match what pg_get_*def prints.
// Invariant: every identifier that reaches generated SQL goes through ident()/qname(), which
// falls back to core/sql/quote's quoteIdent whenever bare would be ambiguous; every value
// through literal().

import { quoteIdent, quoteLiteral } from '../sql/quote';

// PostgreSQL's reserved, type/function-name and column-name keywords (kwlist.h): a name equal to
// one of these must be quoted somewhere, so it is quoted everywhere.
const KEYWORDS = new Set(`all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate
collation column concurrently constraint create cross current_catalog current_date current_role current_schema current_time
current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full
grant group having ilike in initially inner intersect into is isnull join lateral leading left like limit localtime
localtimestamp natural not notnull null offset on only or order outer overlaps placing primary references returning right
select session_user similar some symmetric system_user table tablesample then to trailing true union unique user using
variadic verbose when where window with between bigint bit boolean char character coalesce dec decimal exists extract float
greatest grouping inout int integer interval json json_array json_arrayagg json_exists json_object json_objectagg json_query
json_scalar json_serialize json_table json_value least merge_action national nchar none normalize nullif numeric out overlay
position precision real row setof smallint substring time timestamp treat trim values varchar xmlattributes xmlconcat
xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi xmlroot xmlserialize xmltable`.split(/\s+/));

/** @example ident('users') === 'users'; ident('User') === '"User"'; ident('order') === '"order"' */
export function ident(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name) ? name : quoteIdent(name);
}

/** @example qname('public', 'users') === 'public.users' */
export function qname(schema: string, name: string): string {
  return `${ident(schema)}.${ident(name)}`;
}

export const literal = quoteLiteral;

/** `COMMENT ON … IS '…'` or `IS NULL`. */
export function commentSql(target: string, comment: string | undefined): string {
  return `COMMENT ON ${target} IS ${comment === undefined ? 'NULL' : literal(comment)};`;
}

/** A role in GRANT / TO lists: PUBLIC and CURRENT_USER as keywords, others as identifiers. */
export function roleName(role: string): string {
  return role === 'PUBLIC' || role === 'CURRENT_USER' ? role : ident(role);
}
