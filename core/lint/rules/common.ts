// Phrases and decisions several rules share: how a table is named in a message (with its size
// when an environment is connected), whether a table is new (empty) in this migration, how much
// a lock on it matters, and the edit that moves a migration out of its transaction.
// Invariant: pure functions of what the RuleContext answered; no rule-specific policy here.

import type { AlterTableCmd, AlterTableStmt, RangeVar } from 'libpg-query';
import { listOf, nodeAs } from '../ast/nodes';
import type { StatementSource, TextRange } from '../ast/statement-source';
import type { FixEdit, RelationInfo, RuleContext, RuleFinding, TableSize } from '../rule';
import type { SchemaEffect } from '../schema-state/effects';
import { alterTableCommandRanges, qnameOf, rangeVarRange } from '../schema-state/effects';
import type { QName } from '../schema-state/model';

/** 12,345,678 → `12M`; 1,234 → `1.2k`. */
export function compactCount(n: number): string {
  const units: [number, string][] = [[1e9, 'B'], [1e6, 'M'], [1e3, 'k']];
  for (const [v, u] of units) {
    if (n >= v) {
      const x = n / v;
      return `${x >= 100 ? Math.round(x) : Number(x.toFixed(1))}${u}`;
    }
  }
  return String(Math.max(0, Math.round(n)));
}

/** 3_300_000_000 → `3.1 GB`. */
export function compactBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v >= 100 ? Math.round(v) : Number(v.toFixed(1))} ${units[i]}`;
}

/** ` (12M rows, 3.1 GB)` for a table with a known size, else ''. */
export function sizeText(size: TableSize | undefined): string {
  if (!size) return '';
  return ` (${compactCount(size.rows)} row${size.rows === 1 ? '' : 's'}, ${compactBytes(size.bytes)})`;
}

/** `orders`, or `audit.orders` outside public. */
export function tableName(rel: Pick<RelationInfo, 'schema' | 'name'> | undefined, written?: QName): string {
  if (rel) return rel.schema === 'public' ? rel.name : `${rel.schema}.${rel.name}`;
  if (written) return written.schema && written.schema !== 'public' ? `${written.schema}.${written.name}` : written.name;
  return 'the table';
}

/** `orders (12M rows, 3.1 GB)` */
export function tableWithSize(rel: RelationInfo | undefined, written?: QName): string {
  return `${tableName(rel, written)}${sizeText(rel?.size)}`;
}

/** Tables below both limits are small: a lock or scan on them is brief. */
const SMALL_ROWS = 10_000;
const SMALL_BYTES = 10 * 1024 * 1024;
const LARGE_ROWS = 10_000_000;
const LARGE_BYTES = 10 * 1024 ** 3;

/** How much a lock or rewrite of `rel` matters, from its size (undefined when unknown). */
export function impactOf(rel: RelationInfo | undefined): RuleFinding['impact'] {
  if (!rel?.size) return undefined;
  if (rel.size.rows < SMALL_ROWS && rel.size.bytes < SMALL_BYTES) return 'low';
  if (rel.size.rows >= LARGE_ROWS || rel.size.bytes >= LARGE_BYTES) return 'high';
  return undefined;
}

/** A table the migration itself created (or an earlier, not yet applied one): empty, nobody waits on it. */
export function isNewTable(rel: RelationInfo | undefined): boolean {
  return rel !== undefined && rel.created !== 'earlier';
}

/** Why a new table is exempt, for messages of related rules. */
export function createdNote(rel: RelationInfo): string {
  return rel.created === 'pending' ? `created by ${rel.createdBy ?? 'an earlier migration'}, not applied yet` : 'created in this migration';
}

/** Fields common to findings about a table: its size's impact and where it was created. */
export function aboutTable(rel: RelationInfo | undefined): Pick<RuleFinding, 'impact' | 'related'> {
  const out: Pick<RuleFinding, 'impact' | 'related'> = {};
  const impact = impactOf(rel);
  if (impact) out.impact = impact;
  if (rel) out.related = [{ message: `${tableName(rel)} is created here`, ref: { kind: 'table', table: rel.key } }];
  return out;
}

/**
 * The edits that make the statement run outside a transaction: dbmate's `transaction:false` on
 * the marker, or pglc's `-- pglc:no-transaction` line. Empty when it already does, or when no
 * declaration can help (an explicit BEGIN block, a plain file).
 */
export function outsideTransactionEdits(ctx: RuleContext): FixEdit[] {
  const tx = ctx.transaction();
  if (tx.kind === 'none' || tx.kind === 'block' || !ctx.isMigration()) return [];
  if (ctx.migrationFormat() === 'dbmate') return [{ anchor: { at: 'marker-end' }, text: ' transaction:false' }];
  return [{ anchor: { at: 'file-top' }, text: '-- pglc:no-transaction' }];
}

/** Statement-relative range of the i-th command of an ALTER TABLE (the whole statement if unknown). */
export function commandRange(src: StatementSource, relation: RangeVar | undefined, cmds: unknown, i: number): TextRange {
  const count = Array.isArray(cmds) ? cmds.length : 0;
  return alterTableCommandRanges(src, relation, count)?.[i] ?? src.all;
}

/**
 * The commands of `subtype` in an ALTER TABLE on a table (not an index, view or sequence), with
 * the table's name as written and each command's statement-relative range; none otherwise.
 * @example tableCommands(node, src, 'AT_DropColumn')[0]?.cmd.name // 'note'
 */
export function tableCommands(node: Record<string, unknown>, src: StatementSource, subtype: string): readonly { q: QName; cmd: AlterTableCmd; range: TextRange }[] {
  // seven rules ask about the commands of the same ALTER TABLE (src is its source, node its tree)
  const memo = src.memo();
  let bySubtype = memo.get('tableCommands') as ReadonlyMap<string, readonly TableCommand[]> | undefined;
  if (!bySubtype) memo.set('tableCommands', (bySubtype = tableCommandsBySubtype(node, src)));
  return bySubtype.get(subtype) ?? NO_COMMANDS;
}

type TableCommand = { q: QName; cmd: AlterTableCmd; range: TextRange };
const NO_COMMANDS: readonly TableCommand[] = [];

function tableCommandsBySubtype(node: Record<string, unknown>, src: StatementSource): Map<string, TableCommand[]> {
  const out = new Map<string, TableCommand[]>();
  const n = node as AlterTableStmt;
  const q = qnameOf(n.relation);
  if (!q || (n.objtype && n.objtype !== 'OBJECT_TABLE')) return out;
  for (const { cmd, i } of commandsOf(n.cmds)) {
    const subtype = String(cmd.subtype ?? '');
    let list = out.get(subtype);
    if (!list) out.set(subtype, (list = []));
    list.push({ q, cmd, range: commandRange(src, n.relation, n.cmds, i) });
  }
  return out;
}

/** The commands of an ALTER TABLE with their index. */
export function commandsOf(cmds: unknown): { cmd: AlterTableCmd; i: number }[] {
  const out: { cmd: AlterTableCmd; i: number }[] = [];
  (Array.isArray(cmds) ? cmds : []).forEach((c, i) => {
    const cmd = nodeAs(c, 'AlterTableCmd');
    if (cmd) out.push({ cmd, i });
  });
  return out;
}

/** `CREATE [UNIQUE] INDEX … ON table`: up to the end of the table's name. */
export function headRange(src: StatementSource, relation: RangeVar | undefined): TextRange {
  const name = rangeVarRange(src, relation);
  return name === src.all ? src.all : { start: 0, end: name.end };
}

/** The offset just after the first token `word` (lower case) at or after `from`, if any. */
export function afterWord(src: StatementSource, word: string, from = 0): number | undefined {
  for (let i = src.tokenAt(from); i < src.tokens.length; i++) {
    if (src.word(i) === word) return src.tokens[i]?.end;
  }
  return undefined;
}

/** A name for SQL text: bare when it is a plain lower-case identifier, else quoted. */
export function sqlIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

export function sqlQName(q: QName): string {
  return q.schema ? `${sqlIdent(q.schema)}.${sqlIdent(q.name)}` : sqlIdent(q.name);
}

/** Reserved words that need quoting as identifiers (the common ones; quoting more is harmless). */
const RESERVED = new Set(['all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with']);

/** The relations of a list of RangeVars. */
export function relationsOf(list: unknown): QName[] {
  return listOf(list, 'RangeVar').flatMap((rv) => {
    const q = qnameOf(rv);
    return q ? [q] : [];
  });
}

/** The table a lock-taking effect locks (undefined: none, or a lock that does not block). */
export function lockedTable(e: SchemaEffect): QName | undefined {
  switch (e.op) {
    case 'add-column':
    case 'drop-column':
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
    case 'add-identity':
    case 'drop-identity':
    case 'add-constraint':
    case 'drop-constraint':
    case 'attach-partition':
    case 'detach-partition':
    case 'create-trigger':
      return e.table;
    case 'create-index':
      return e.concurrent ? undefined : e.table;
    case 'rename':
      return e.kind === 'table' || e.kind === 'column' || e.kind === 'constraint' ? (e.table ?? e.target) : undefined;
    case 'drop':
      return e.kind === 'table' ? e.target : e.kind === 'index' || e.kind === 'trigger' ? e.table : undefined;
    case 'data':
      return e.verb === 'truncate' ? e.table : undefined;
    default:
      return undefined;
  }
}
