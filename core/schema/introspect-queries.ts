// The catalog queries behind introspect.ts: one set-based query per object kind (never one
// query per object), each returning rows in a deterministic order.
// Invariants: objects in system schemas and objects that belong to an extension are left out;
// every definition comes from the server's own pg_get_*def functions, run with an empty
// search_path so that every name in them is schema-qualified; OIDs are returned as text and
// never leave introspect.ts.

/** User schemas: not pg_*, not information_schema. */
export const USER_NAMESPACE = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`;

/** The object (class, oid) is not a member of an extension. */
export function notExtensionMember(classTable: string, oidExpr: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '${classTable}'::regclass AND e.objid = ${oidExpr} AND e.deptype = 'e')`;
}

/**
 * JSON array of grants from an ACL (NULL meaning the built-in default for `kind`), without the
 * owner's own entries. kindSql: acldefault's letter as SQL ('r' relation, 's' sequence, 'f' function,
 * 'T' type, 'n' schema), or undefined when NULL means no privileges (columns, default ACLs).
 */
export function grantsJson(aclExpr: string, kindSql: string | undefined, ownerExpr: string): string {
  const acl = kindSql === undefined ? aclExpr : `coalesce(${aclExpr}, pg_catalog.acldefault(${kindSql}, ${ownerExpr}))`;
  return `(SELECT coalesce(json_agg(json_build_object(
      'grantee', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END,
      'privilege', a.privilege_type, 'grantable', a.is_grantable)
      ORDER BY CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(a.grantee) END, a.privilege_type), '[]'::json)
    FROM pg_catalog.aclexplode(${acl}) a WHERE a.grantee <> ${ownerExpr})`;
}

/** A collation name for DDL (pg_catalog collations unqualified), when `collOid` differs from `typeCollOid`. */
export function collationName(collOid: string, typeCollOid: string): string {
  return `CASE WHEN ${collOid} <> 0 AND ${collOid} <> ${typeCollOid} THEN
      (SELECT CASE WHEN cn.nspname = 'pg_catalog' THEN pg_catalog.quote_ident(co.collname)
              ELSE pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) END
       FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = ${collOid}) END`;
}

const owner = (expr: string) => `CASE WHEN ${expr} = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN 'CURRENT_USER' ELSE pg_catalog.pg_get_userbyid(${expr}) END`;

export const schemasQuery = `
SELECT n.oid::text AS oid, n.nspname AS name, ${owner('n.nspowner')} AS owner,
  pg_catalog.obj_description(n.oid, 'pg_namespace') AS comment,
  ${grantsJson('n.nspacl', `'n'`, 'n.nspowner')} AS grants
FROM pg_catalog.pg_namespace n
WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_namespace', 'n.oid')}
ORDER BY n.nspname`;

export const extensionsQuery = `
SELECT e.oid::text AS oid, e.extname AS name, n.nspname AS schema, e.extversion AS version,
  pg_catalog.obj_description(e.oid, 'pg_extension') AS comment
FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'
ORDER BY e.extname`;

/** Extension members: (class, oid) → extension, to map dependencies on them to the extension. */
export const extensionMembersQuery = `
SELECT d.classid::regclass::text AS cls, d.objid::text AS oid, d.refobjid::text AS ext
FROM pg_catalog.pg_depend d
WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'`;

export const typesQuery = `
SELECT t.oid::text AS oid, n.nspname AS schema, t.typname AS name, t.typtype AS typtype,
  ${owner('t.typowner')} AS owner,
  pg_catalog.obj_description(t.oid, 'pg_type') AS comment,
  ${grantsJson('t.typacl', `'T'`, 't.typowner')} AS grants,
  CASE WHEN t.typtype = 'e' THEN (SELECT json_agg(en.enumlabel ORDER BY en.enumsortorder) FROM pg_catalog.pg_enum en WHERE en.enumtypid = t.oid) END AS enum_values,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
  t.typnotnull AS not_null,
  CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS default_expr,
  CASE WHEN t.typtype = 'd' THEN ${collationName('t.typcollation', '(SELECT bt.typcollation FROM pg_catalog.pg_type bt WHERE bt.oid = t.typbasetype)')} END AS collation,
  CASE WHEN t.typtype = 'd' THEN (SELECT coalesce(json_agg(json_build_object(
      'name', c.conname, 'definition', pg_catalog.pg_get_constraintdef(c.oid), 'validated', c.convalidated,
      'comment', pg_catalog.obj_description(c.oid, 'pg_constraint')) ORDER BY c.conname), '[]'::json)
    FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c') END AS domain_constraints,
  CASE WHEN t.typtype = 'c' THEN (SELECT json_agg(json_build_object('name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod),
      'collation', ${collationName('a.attcollation', '(SELECT at.typcollation FROM pg_catalog.pg_type at WHERE at.oid = a.atttypid)')}) ORDER BY a.attnum)
    FROM pg_catalog.pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS attributes,
  CASE WHEN t.typtype = 'r' THEN (SELECT json_build_object(
      'subtype', pg_catalog.format_type(r.rngsubtype, NULL),
      'opclass', CASE WHEN NOT oc.opcdefault THEN pg_catalog.quote_ident(ocn.nspname) || '.' || pg_catalog.quote_ident(oc.opcname) END,
      'collation', ${collationName('r.rngcollation', '(SELECT st.typcollation FROM pg_catalog.pg_type st WHERE st.oid = r.rngsubtype)')},
      'canonical', CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::regproc::text END,
      'subtypeDiff', CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::regproc::text END,
      'multirange', (SELECT pg_catalog.quote_ident(mn.nspname) || '.' || pg_catalog.quote_ident(mt.typname) FROM pg_catalog.pg_type mt JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = r.rngmultitypid))
    FROM pg_catalog.pg_range r JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace
    WHERE r.rngtypid = t.oid) END AS range
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_type', 't.oid')}
  AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = t.typrelid) = 'c'))
ORDER BY n.nspname, t.typname`;

/** Array and row types: a dependency on `_t` is one on `t`, on a table's row type one on the table. */
export const typeLinksQuery = `
SELECT t.oid::text AS oid, nullif(t.typelem, 0)::text AS elem, nullif(t.typrelid, 0)::text AS rel
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE ${USER_NAMESPACE} AND (t.typelem <> 0 OR t.typrelid <> 0)`;

export const relationsQuery = `
SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS relkind,
  c.relpersistence AS persistence, coalesce(c.reloptions, '{}') AS options,
  c.relrowsecurity AS row_security, c.relforcerowsecurity AS force_row_security,
  ${owner('c.relowner')} AS owner,
  pg_catalog.obj_description(c.oid, 'pg_class') AS comment,
  ${grantsJson('c.relacl', `(CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END)::"char"`, 'c.relowner')} AS grants,
  CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
  CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
  c.relispartition AS is_partition,
  CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS view_definition,
  (SELECT coalesce(json_agg(json_build_object('schema', pn.nspname, 'table', pc.relname) ORDER BY i.inhseqno), '[]'::json)
     FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE i.inhrelid = c.oid) AS parents,
  CASE WHEN c.relkind = 'S' THEN (SELECT json_build_object('dataType', pg_catalog.format_type(s.seqtypid, NULL),
      'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
      'cache', s.seqcache::text, 'cycle', s.seqcycle) FROM pg_catalog.pg_sequence s WHERE s.seqrelid = c.oid) END AS sequence,
  CASE WHEN c.relkind = 'S' THEN (SELECT json_build_object('schema', on_.nspname, 'table', oc.relname, 'column', oa.attname, 'internal', d.deptype = 'i')
     FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class oc ON oc.oid = d.refobjid JOIN pg_catalog.pg_namespace on_ ON on_.oid = oc.relnamespace
     JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
     WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
     LIMIT 1) END AS owned_by
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S') AND ${USER_NAMESPACE} AND ${notExtensionMember('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname`;

export const columnsQuery = `
SELECT a.attrelid::text AS rel, a.attname AS name, a.attnum::int AS attnum,
  row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum)::int AS position,
  pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  CASE WHEN a.attgenerated = '' AND a.attidentity = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS default_expr,
  CASE WHEN a.attgenerated = 's' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated,
  a.attidentity AS identity, a.attislocal AS local, a.attinhcount AS inherited,
  ${collationName('a.attcollation', '(SELECT t.typcollation FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid)')} AS collation,
  pg_catalog.col_description(a.attrelid, a.attnum) AS comment,
  ${grantsJson('a.attacl', undefined, '0::oid')} AS grants,
  CASE WHEN a.attidentity <> '' THEN (SELECT json_build_object('name', sc.relname, 'dataType', pg_catalog.format_type(s.seqtypid, NULL),
      'start', s.seqstart::text, 'increment', s.seqincrement::text, 'min', s.seqmin::text, 'max', s.seqmax::text,
      'cache', s.seqcache::text, 'cycle', s.seqcycle)
    FROM pg_catalog.pg_depend dd JOIN pg_catalog.pg_sequence s ON s.seqrelid = dd.objid JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid
    WHERE dd.classid = 'pg_class'::regclass AND dd.refclassid = 'pg_class'::regclass AND dd.refobjid = a.attrelid AND dd.refobjsubid = a.attnum AND dd.deptype = 'i'
    LIMIT 1) END AS identity_sequence
FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`;

export const constraintsQuery = `
SELECT c.conrelid::text AS rel, c.oid::text AS oid, c.conname AS name, c.contype AS contype,
  pg_catalog.pg_get_constraintdef(c.oid) AS definition, c.convalidated AS validated,
  c.condeferrable AS deferrable, c.condeferred AS deferred, c.connoinherit AS no_inherit,
  c.conindid::text AS index_oid,
  (c.conparentid <> 0 OR (c.coninhcount > 0 AND NOT c.conislocal)) AS inherited,
  (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]'::json) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
     JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n) AS columns,
  CASE WHEN c.contype = 'f' THEN json_build_object('schema', fn.nspname, 'table', fc.relname,
     'columns', (SELECT coalesce(json_agg(a.attname ORDER BY k.i), '[]'::json) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
        JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n),
     'onUpdate', c.confupdtype, 'onDelete', c.confdeltype, 'match', c.confmatchtype) END AS foreign_key,
  pg_catalog.obj_description(c.oid, 'pg_constraint') AS comment
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = c.confrelid LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('p', 'u', 'f', 'c', 'x')
ORDER BY c.conrelid, c.conname`;

export const indexesQuery = `
SELECT i.indexrelid::text AS oid, i.indrelid::text AS rel, ic.relname AS name,
  pg_catalog.pg_get_indexdef(i.indexrelid) AS definition, i.indisunique AS unique, am.amname AS method,
  (SELECT json_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, false) ORDER BY k) FROM generate_series(1, i.indnkeyatts) k) AS keys,
  (SELECT coalesce(json_agg(pg_catalog.pg_get_indexdef(i.indexrelid, k, false) ORDER BY k), '[]'::json) FROM generate_series(i.indnkeyatts + 1, i.indnatts) k) AS include,
  pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
  pg_catalog.obj_description(i.indexrelid, 'pg_class') AS comment,
  EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) AS backs_constraint,
  ic.relispartition AS is_partition
FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1::oid[])
ORDER BY ic.relname`;

export const functionsQuery = `
SELECT p.oid::text AS oid, n.nspname AS schema, p.proname AS name,
  pg_catalog.pg_get_function_identity_arguments(p.oid) AS identity_args,
  (SELECT coalesce(string_agg(pg_catalog.format_type(x.t, NULL), ', ' ORDER BY x.i), '') FROM unnest(p.proargtypes) WITH ORDINALITY x(t, i)) AS arg_types,
  p.prokind AS prokind, pg_catalog.pg_get_function_result(p.oid) AS returns, l.lanname AS language,
  pg_catalog.pg_get_functiondef(p.oid) AS definition,
  (SELECT coalesce(json_agg(coalesce(x.name, '') ORDER BY x.i), '[]'::json) FROM unnest(p.proargnames, coalesce(p.proargmodes, array_fill('i'::"char", ARRAY[coalesce(array_length(p.proargnames, 1), 0)]))) WITH ORDINALITY x(name, mode, i) WHERE x.mode IN ('i', 'b', 'v')) AS arg_names,
  p.pronargdefaults AS arg_defaults,
  ${owner('p.proowner')} AS owner,
  pg_catalog.obj_description(p.oid, 'pg_proc') AS comment,
  ${grantsJson('p.proacl', `'f'`, 'p.proowner')} AS grants
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE p.prokind <> 'a' AND ${USER_NAMESPACE} AND ${notExtensionMember('pg_proc', 'p.oid')}
  -- a range type's constructor functions come with the type
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'i')
ORDER BY n.nspname, p.proname, 4`;

export function triggersQuery(serverNum: number): string {
  return `
SELECT t.tgrelid::text AS rel, t.oid::text AS oid, t.tgname AS name, pg_catalog.pg_get_triggerdef(t.oid) AS definition,
  t.tgenabled AS enabled, fn.nspname AS function_schema, f.proname AS function_name,
  (SELECT coalesce(string_agg(pg_catalog.format_type(x.t, NULL), ', ' ORDER BY x.i), '') FROM unnest(f.proargtypes) WITH ORDINALITY x(t, i)) AS function_args,
  pg_catalog.obj_description(t.oid, 'pg_trigger') AS comment
FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_proc f ON f.oid = t.tgfoid JOIN pg_catalog.pg_namespace fn ON fn.oid = f.pronamespace
WHERE t.tgrelid = ANY($1::oid[]) AND NOT t.tgisinternal${serverNum >= 130000 ? ' AND t.tgparentid = 0' : ''}
ORDER BY t.tgrelid, t.tgname`;
}

export const policiesQuery = `
SELECT p.polrelid::text AS rel, p.oid::text AS oid, p.polname AS name, p.polcmd AS cmd, p.polpermissive AS permissive,
  (SELECT coalesce(json_agg(r.name ORDER BY r.name), '[]'::json) FROM (SELECT CASE WHEN x = 0 THEN 'PUBLIC' ELSE pg_catalog.pg_get_userbyid(x) END AS name FROM unnest(p.polroles) x) r) AS roles,
  pg_catalog.pg_get_expr(p.polqual, p.polrelid) AS using_expr,
  pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) AS check_expr,
  pg_catalog.obj_description(p.oid, 'pg_policy') AS comment
FROM pg_catalog.pg_policy p
WHERE p.polrelid = ANY($1::oid[])
ORDER BY p.polrelid, p.polname`;

export const defaultPrivilegesQuery = `
SELECT pg_catalog.pg_get_userbyid(d.defaclrole) AS role,
  d.defaclrole = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = current_user) AS is_current,
  n.nspname AS schema, d.defaclobjtype AS objtype,
  ${grantsJson('d.defaclacl', undefined, 'd.defaclrole')} AS grants
FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
ORDER BY 1, 3 NULLS FIRST, 4`;

/** pg_depend between user objects; rewrite rules and column defaults resolved to what they belong to. */
export const dependenciesQuery = `
SELECT d.classid::regclass::text AS cls,
  CASE d.classid WHEN 'pg_rewrite'::regclass THEN (SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = d.objid)::text
                 WHEN 'pg_attrdef'::regclass THEN (SELECT ad.adrelid FROM pg_catalog.pg_attrdef ad WHERE ad.oid = d.objid)::text
                 ELSE d.objid::text END AS oid,
  CASE d.classid WHEN 'pg_attrdef'::regclass THEN (SELECT ad.adnum FROM pg_catalog.pg_attrdef ad WHERE ad.oid = d.objid)::int
                 WHEN 'pg_rewrite'::regclass THEN 0 ELSE d.objsubid END AS sub,
  d.refclassid::regclass::text AS ref_cls, d.refobjid::text AS ref_oid, d.refobjsubid AS ref_sub
FROM pg_catalog.pg_depend d
WHERE d.deptype IN ('n', 'a') AND d.objid >= 16384 AND d.refobjid >= 16384`;
