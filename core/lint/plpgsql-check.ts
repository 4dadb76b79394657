// plpgsql_check over the project's PL/pgSQL functions: the migrations are applied to a scratch
// database on a server pglc may create databases on (the embedded local PostgreSQL, or the test
// cluster), the extension is created there, and every PL/pgSQL function — a trigger function once
// for each table whose trigger calls it — is checked; each problem is mapped back to the line of
// the migration file whose CREATE FUNCTION made the function as it finally is.
// Why a database: plpgsql_check resolves the tables, columns and types a body uses, which only
// a database that has them can do; why a scratch one: checking must never touch a user's data.
// Invariants: the scratch database is always dropped; without the extension on that server, or
// when the migrations do not build a database, nothing is checked and the result says why (a
// note, not a failure of the lint); findings carry absolute offsets into the migration file
// (lintFile's `external` findings, so inline directives apply to them too).

import type { OpenedProject } from '../environments/open-environment';
import { withConnection } from '../db/connect';
import { isPglcError } from '../errors';
import { progress, type OperationContext } from '../operation-context';
import { applyMigrations } from '../schema/schema-source';
import { withScratchDatabase, type ScratchServer } from '../schema/scratch-database';
import { lineStarts } from '../sql/text-position';
import type { LintFinding } from './finding';
import type { Severity } from './rule';
import type { FunctionState, SchemaState } from './schema-state/model';

/** One problem plpgsql_check reported, before it is placed in a file. */
export interface PlpgsqlProblem {
  schema: string;
  name: string;
  /** Argument types as PostgreSQL prints them (`integer, text`). */
  args: string;
  /** The table of the trigger it was checked for. */
  table?: string;
  /** Line in the function body (1: the body's first line). */
  lineno?: number;
  level: string;
  sqlstate?: string;
  message: string;
  detail?: string;
  hint?: string;
}

export interface PlpgsqlCheckResult {
  status: 'checked' | 'unavailable' | 'failed';
  /** Why nothing was checked, or what was left out (a trigger function no trigger uses). */
  notes: string[];
  /** Functions checked (a trigger function counts once per table). */
  checked: number;
  problems: PlpgsqlProblem[];
}

const PLPGSQL_FUNCTIONS = `
SELECT p.oid::int AS oid, n.nspname AS schema, p.proname AS name, pg_catalog.oidvectortypes(p.proargtypes) AS args,
       p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype AS is_trigger,
       p.prorettype = 'pg_catalog.event_trigger'::pg_catalog.regtype AS is_event_trigger,
       ARRAY(SELECT t.tgrelid::regclass::text FROM pg_catalog.pg_trigger t WHERE t.tgfoid = p.oid AND NOT t.tgisinternal ORDER BY 1) AS tables
  FROM pg_catalog.pg_proc p
  JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
  JOIN pg_catalog.pg_language l ON l.oid = p.prolang
 WHERE l.lanname = 'plpgsql'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
 ORDER BY 2, 3, 4`;

interface Row {
  oid: number;
  schema: string;
  name: string;
  args: string;
  is_trigger: boolean;
  is_event_trigger: boolean;
  tables: string[];
}

interface CheckRow {
  lineno: number | null;
  level: string | null;
  sqlstate: string | null;
  message: string | null;
  detail: string | null;
  hint: string | null;
}

/**
 * Applies the project's migrations to a scratch database on `server` and checks every PL/pgSQL
 * function there with plpgsql_check.
 * @example const r = await runPlpgsqlCheck(opened, server, ctx); r.problems[0].message
 */
export async function runPlpgsqlCheck(opened: OpenedProject, server: ScratchServer, ctx: OperationContext): Promise<PlpgsqlCheckResult> {
  const available = await withConnection(server.admin, { applicationName: 'pglc lint' }, (c) =>
    c.query("SELECT 1 FROM pg_catalog.pg_available_extensions WHERE name = 'plpgsql_check'"),
  ).then((r) => (r.rowCount ?? 0) > 0);
  if (!available) {
    return { status: 'unavailable', checked: 0, problems: [], notes: ['Function bodies were not checked: the plpgsql_check extension is not installed on the local PostgreSQL (Debian/Ubuntu: apt-get install postgresql-<major>-plpgsql-check).'] };
  }
  progress(ctx, 'lint.functions', 'Checking PL/pgSQL functions with plpgsql_check…');
  return withScratchDatabase(server, 'lint', async (target) => {
    try {
      await applyMigrations(opened, target, { ...ctx, report: () => undefined });
    } catch (e) {
      if (!isPglcError(e) || e.code !== 'shadow-build-failed') throw e;
      return { status: 'failed' as const, checked: 0, problems: [], notes: [`Function bodies were not checked: ${e.what} (${e.why}).`] };
    }
    return withConnection(target, { applicationName: 'pglc lint' }, async (c) => {
      await c.query('CREATE EXTENSION IF NOT EXISTS plpgsql_check');
      const rows = (await c.query<Row>(PLPGSQL_FUNCTIONS)).rows;
      const problems: PlpgsqlProblem[] = [];
      const notes: string[] = [];
      let checked = 0;
      for (const f of rows) {
        if (f.is_event_trigger) continue;
        const relations = f.is_trigger ? f.tables : [undefined];
        if (f.is_trigger && relations.length === 0) {
          notes.push(`Trigger function ${f.schema}.${f.name}() was not checked: no trigger calls it (plpgsql_check needs the table).`);
          continue;
        }
        const seen = new Set<string>();
        for (const table of relations) {
          checked++;
          const r = await c.query<CheckRow>(
            'SELECT lineno, level, sqlstate, message, detail, hint FROM plpgsql_check_function_tb($1::oid::regprocedure, COALESCE($2::regclass, 0::oid::regclass), fatal_errors => false)',
            [f.oid, table ?? null],
          );
          for (const p of r.rows) {
            if (!p.message) continue;
            // one trigger function on several tables reports most problems once per table
            const key = `${p.lineno}\n${p.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const problem: PlpgsqlProblem = { schema: f.schema, name: f.name, args: f.args, level: p.level ?? 'error', message: p.message };
            if (table) problem.table = table;
            if (p.lineno !== null) problem.lineno = p.lineno;
            if (p.sqlstate && p.sqlstate !== '00000') problem.sqlstate = p.sqlstate;
            if (p.detail) problem.detail = p.detail;
            if (p.hint) problem.hint = p.hint;
            problems.push(problem);
          }
        }
      }
      return { status: 'checked' as const, checked, problems, notes };
    });
  });
}

/** `int4` and `integer`, `timestamptz` and `timestamp with time zone`: one spelling to compare. */
function normalizeType(t: string): string {
  const s = t.trim().toLowerCase().replace(/\s+/g, ' ').replace(/^pg_catalog\./, '');
  const alias: Record<string, string> = {
    int: 'integer', int4: 'integer', int8: 'bigint', int2: 'smallint', float8: 'double precision', float4: 'real', bool: 'boolean',
    timestamptz: 'timestamp with time zone', timestamp: 'timestamp without time zone', timetz: 'time with time zone', time: 'time without time zone',
    varchar: 'character varying', char: 'character', decimal: 'numeric',
  };
  return alias[s] ?? s;
}

/** The function of the replayed schema a problem is about (its final definition). */
export function functionOf(state: SchemaState, p: PlpgsqlProblem): FunctionState | undefined {
  const candidates = [...state.functions.values()].filter((f) => f.schema === p.schema && f.name === p.name);
  if (candidates.length <= 1) return candidates[0];
  const args = p.args ? p.args.split(',').map(normalizeType) : [];
  return candidates.find((f) => f.args.length === args.length && f.args.every((a, i) => normalizeType(a) === args[i])) ?? candidates.find((f) => f.args.length === args.length);
}

const SEVERITY: Record<string, Severity> = { error: 'error', warning: 'warning', 'warning extra': 'info', performance: 'info' };

/**
 * The problems of functions created in the file `path` (text `text`) as lint findings of the rule
 * plpgsql-check, at the line of the body plpgsql_check names (the CREATE FUNCTION when it names none).
 */
export function plpgsqlFindings(problems: readonly PlpgsqlProblem[], state: SchemaState, path: string, text: string): LintFinding[] {
  const starts = lineStarts(text);
  const out: LintFinding[] = [];
  for (const p of problems) {
    const f = functionOf(state, p);
    if (!f || f.createdAt.path !== path) continue;
    let start = f.createdAt.start;
    let end = f.createdAt.end;
    if (f.bodyStart !== undefined && p.lineno !== undefined) {
      // line 1 of a body is the line its opening quote is on
      const bodyLine = starts.findIndex((s, i) => s <= (f.bodyStart as number) && (starts[i + 1] ?? Infinity) > (f.bodyStart as number));
      const line = bodyLine + p.lineno - 1;
      const lineStart = line === bodyLine ? (f.bodyStart as number) : (starts[line] ?? start);
      const lineEnd = (starts[line + 1] ?? text.length + 1) - 1;
      const content = text.slice(lineStart, lineEnd);
      const lead = content.length - content.trimStart().length;
      start = lineStart + lead;
      end = Math.max(start, lineStart + content.trimEnd().length);
    }
    const where = `${p.schema === 'public' ? '' : `${p.schema}.`}${p.name}(${p.table ? `) on ${p.table}` : ')'}`;
    const extra = [p.detail, p.hint && `hint: ${p.hint}`].filter(Boolean).join('; ');
    out.push({
      rule: 'plpgsql-check',
      severity: SEVERITY[p.level] ?? 'warning',
      message: `${p.message}${extra ? ` (${extra})` : ''} — plpgsql_check, in ${where}${p.sqlstate ? ` [${p.sqlstate}]` : ''}`,
      start,
      end,
      related: [],
      fixes: [],
    });
  }
  return out;
}
