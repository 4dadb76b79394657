// Short human labels for statements ("CREATE TABLE public.users", "DROP INDEX CONCURRENTLY
// users_email_idx") for the outline and hovers, from PostgreSQL's parse tree, with a lexical
// fallback for statements the parser rejected or kinds not listed here.
// Invariant: a label is one line of at most LABEL_MAX characters and never empty.

import type { SqlNode } from '../core/sql/parse';
import { quoteIdent } from '../core/sql/quote';

const LABEL_MAX = 80;

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A name as it would be written: quoted only when it must be (`"own profile"`, `"Users"`). */
function ident(v: unknown): string | undefined {
  const s = str(v);
  return s && !/^[a-z_][a-z0-9_$]*$/.test(s) ? quoteIdent(s) : s;
}

/** `schema.name` of a RangeVar node. */
function rangeVar(v: unknown): string | undefined {
  const r = obj(v);
  if (!r) return undefined;
  const inner = obj(r.RangeVar) ?? r;
  const rel = ident(inner.relname);
  if (!rel) return undefined;
  const schema = ident(inner.schemaname);
  return schema ? `${schema}.${rel}` : rel;
}

/** A list of `{ String: { sval } }` nodes joined with dots (qualified names). */
function dotted(v: unknown): string | undefined {
  if (!Array.isArray(v)) return undefined;
  const parts = v.map((x) => ident(obj(obj(x)?.String)?.sval)).filter((x): x is string => !!x);
  return parts.length ? parts.join('.') : undefined;
}

/** One object of a DropStmt / CommentStmt: a List of names, a bare String, a TypeName, a function. */
function objectName(v: unknown): string | undefined {
  const o = obj(v);
  if (!o) return undefined;
  if (o.List) return dotted(obj(o.List)?.items);
  if (o.String) return ident(obj(o.String)?.sval);
  if (o.TypeName) return dotted(obj(o.TypeName)?.names);
  if (o.ObjectWithArgs) return dotted(obj(o.ObjectWithArgs)?.objname);
  if (o.RangeVar) return rangeVar(o);
  return undefined;
}

/** `OBJECT_MATVIEW` → `MATERIALIZED VIEW`. */
export function objectTypeWords(objtype: unknown): string {
  const t = String(objtype ?? '').replace(/^OBJECT_/, '');
  const special: Record<string, string> = {
    MATVIEW: 'MATERIALIZED VIEW',
    FOREIGN_TABLE: 'FOREIGN TABLE',
    TABCONSTRAINT: 'CONSTRAINT',
    DOMCONSTRAINT: 'CONSTRAINT',
    FDW: 'FOREIGN DATA WRAPPER',
    FOREIGN_SERVER: 'SERVER',
    ACCESS_METHOD: 'ACCESS METHOD',
    EVENT_TRIGGER: 'EVENT TRIGGER',
    STATISTIC_EXT: 'STATISTICS',
    TSCONFIGURATION: 'TEXT SEARCH CONFIGURATION',
    TSDICTIONARY: 'TEXT SEARCH DICTIONARY',
    TSPARSER: 'TEXT SEARCH PARSER',
    TSTEMPLATE: 'TEXT SEARCH TEMPLATE',
    LARGEOBJECT: 'LARGE OBJECT',
    OPCLASS: 'OPERATOR CLASS',
    OPFAMILY: 'OPERATOR FAMILY',
    DEFACL: 'DEFAULT PRIVILEGES',
  };
  return special[t] ?? t.replace(/_/g, ' ');
}

function join(...parts: (string | undefined | false)[]): string {
  return parts.filter((p): p is string => !!p).join(' ');
}

const TRANSACTION_WORDS: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE SAVEPOINT',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK TO SAVEPOINT',
  TRANS_STMT_PREPARE: 'PREPARE TRANSACTION',
  TRANS_STMT_COMMIT_PREPARED: 'COMMIT PREPARED',
  TRANS_STMT_ROLLBACK_PREPARED: 'ROLLBACK PREPARED',
};

/** The label from the parse tree, or undefined for kinds this table does not know. */
function labelFromTree(kind: string, n: SqlNode, text: string): string | undefined {
  switch (kind) {
    case 'CreateStmt':
      return join('CREATE', n.relation && obj(n.relation)?.relpersistence === 't' ? 'TEMPORARY' : undefined, 'TABLE', rangeVar(n.relation));
    case 'IndexStmt':
      return join('CREATE', n.unique === true && 'UNIQUE', 'INDEX', n.concurrent === true && 'CONCURRENTLY', ident(n.idxname) ?? `ON ${rangeVar(n.relation) ?? ''}`);
    case 'AlterTableStmt':
      return join('ALTER', objectTypeWords(n.objtype ?? 'OBJECT_TABLE'), rangeVar(n.relation));
    case 'DropStmt': {
      const names = Array.isArray(n.objects) ? n.objects.map(objectName).filter((x): x is string => !!x) : [];
      return join('DROP', objectTypeWords(n.removeType), n.concurrent === true && 'CONCURRENTLY', names.join(', '));
    }
    case 'RenameStmt':
      return join('ALTER', objectTypeWords(n.renameType), rangeVar(n.relation) ?? objectName(n.object), 'RENAME');
    case 'InsertStmt':
      return join('INSERT INTO', rangeVar(n.relation));
    case 'UpdateStmt':
      return join('UPDATE', rangeVar(n.relation));
    case 'DeleteStmt':
      return join('DELETE FROM', rangeVar(n.relation));
    case 'MergeStmt':
      return join('MERGE INTO', rangeVar(n.relation));
    case 'SelectStmt':
      return /^\s*with\b/i.test(text) ? 'WITH … SELECT' : /^\s*values\b/i.test(text) ? 'VALUES' : 'SELECT';
    case 'CreateFunctionStmt':
      return join('CREATE', n.replace === true && 'OR REPLACE', n.is_procedure === true ? 'PROCEDURE' : 'FUNCTION', dotted(n.funcname));
    case 'ViewStmt':
      return join('CREATE', n.replace === true && 'OR REPLACE', 'VIEW', rangeVar(n.view));
    case 'CreateTableAsStmt': {
      const into = rangeVar(obj(n.into)?.rel);
      return n.objtype === 'OBJECT_MATVIEW' ? join('CREATE MATERIALIZED VIEW', into) : join('CREATE TABLE', into, 'AS');
    }
    case 'CreateSchemaStmt':
      return join('CREATE SCHEMA', ident(n.schemaname));
    case 'CreateEnumStmt':
      return join('CREATE TYPE', dotted(n.typeName), 'AS ENUM');
    case 'CompositeTypeStmt':
      return join('CREATE TYPE', rangeVar(n.typevar));
    case 'CreateDomainStmt':
      return join('CREATE DOMAIN', dotted(n.domainname));
    case 'AlterEnumStmt':
      return join('ALTER TYPE', dotted(n.typeName));
    case 'CreateExtensionStmt':
      return join('CREATE EXTENSION', ident(n.extname));
    case 'CommentStmt':
      return join('COMMENT ON', objectTypeWords(n.objtype), objectName(n.object));
    case 'GrantStmt':
      return join(n.is_grant === true ? 'GRANT' : 'REVOKE', 'ON', objectTypeWords(n.objtype), Array.isArray(n.objects) ? n.objects.map(objectName).filter(Boolean).join(', ') : undefined);
    case 'GrantRoleStmt':
      return n.is_grant === true ? 'GRANT role' : 'REVOKE role';
    case 'CreateTrigStmt':
      return join('CREATE', n.replace === true && 'OR REPLACE', 'TRIGGER', ident(n.trigname), 'ON', rangeVar(n.relation));
    case 'CreatePolicyStmt':
      return join('CREATE POLICY', ident(n.policy_name), 'ON', rangeVar(n.table));
    case 'AlterPolicyStmt':
      return join('ALTER POLICY', ident(n.policy_name), 'ON', rangeVar(n.table));
    case 'CreateSeqStmt':
      return join('CREATE SEQUENCE', rangeVar(n.sequence));
    case 'AlterSeqStmt':
      return join('ALTER SEQUENCE', rangeVar(n.sequence));
    case 'CreateRoleStmt':
      return join('CREATE', n.stmt_type === 'ROLESTMT_USER' ? 'USER' : n.stmt_type === 'ROLESTMT_GROUP' ? 'GROUP' : 'ROLE', ident(n.role));
    case 'TruncateStmt':
      return join('TRUNCATE', Array.isArray(n.relations) ? n.relations.map(rangeVar).filter(Boolean).join(', ') : undefined);
    case 'RefreshMatViewStmt':
      return join('REFRESH MATERIALIZED VIEW', n.concurrent === true && 'CONCURRENTLY', rangeVar(n.relation));
    case 'VacuumStmt': {
      const rels = Array.isArray(n.rels) ? n.rels.map((r) => rangeVar(obj(obj(r)?.VacuumRelation)?.relation)).filter(Boolean) : [];
      return join(n.is_vacuumcmd === true ? 'VACUUM' : 'ANALYZE', rels.join(', '));
    }
    case 'CopyStmt':
      return join('COPY', rangeVar(n.relation), n.is_from === true ? 'FROM' : 'TO');
    case 'VariableSetStmt':
      return n.kind === 'VAR_RESET' || n.kind === 'VAR_RESET_ALL' ? join('RESET', str(n.name) ?? 'ALL') : join('SET', str(n.name));
    case 'DoStmt':
      return 'DO';
    case 'TransactionStmt':
      return TRANSACTION_WORDS[String(n.kind)] ?? leadingWords(text);
    case 'CreatedbStmt':
      return join('CREATE DATABASE', ident(n.dbname));
    case 'DropdbStmt':
      return join('DROP DATABASE', ident(n.dbname));
    default:
      return undefined;
  }
}

// Words that may start a statement and precede its object's name.
const LEADING = new Set(
  ('abort alter analyze begin call checkpoint close cluster comment commit concurrently copy create database ' +
    'deallocate declare delete discard do drop end exists explain extension fetch foreign function grant if import ' +
    'index insert into listen load lock materialized merge move not notify on or prepare procedure publication ' +
    'reassign refresh reindex release replace reset revoke role rollback savepoint schema security select sequence ' +
    'set show start subscription system table tablespace temp temporary transaction trigger truncate type ' +
    'unique unlisten update user vacuum values view with').split(' '),
);

/** `create extension if not exists pgcrypto` → `CREATE EXTENSION IF NOT EXISTS pgcrypto`. */
function leadingWords(text: string): string | undefined {
  const words = text.trim().split(/\s+/);
  const out: string[] = [];
  for (const w of words) {
    const bare = w.replace(/[;(,].*$/, '');
    if (LEADING.has(bare.toLowerCase())) {
      out.push(bare.toUpperCase());
      if (bare !== w) break;
      continue;
    }
    if (out.length && bare) out.push(bare);
    break;
  }
  return out.length ? out.join(' ') : undefined;
}

function clip(label: string): string {
  const one = label.replace(/\s+/g, ' ').trim();
  return one.length > LABEL_MAX ? `${one.slice(0, LABEL_MAX - 1)}…` : one;
}

/**
 * A short label for a statement: from the parse tree when `kind`/`node` are given, else from
 * its leading keywords.
 * @example statementLabel('IndexStmt', { idxname: 'i', concurrent: true }, 'create index concurrently i on t (a)') === 'CREATE INDEX CONCURRENTLY i'
 */
export function statementLabel(kind: string | undefined, node: SqlNode | undefined, text: string): string {
  const fromTree = kind && node ? labelFromTree(kind, node, text) : undefined;
  return clip(fromTree ?? leadingWords(text) ?? (text.split(/\r?\n|\r/)[0] || 'statement'));
}
