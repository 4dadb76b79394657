// Decides how a section runs: wrapped in one transaction (the default), statement by statement
// outside a transaction (it contains a statement PostgreSQL refuses inside a transaction block,
// or declares `-- pglc:no-transaction`), or as written (it has its own BEGIN/COMMIT).
// Statements are found with PostgreSQL's parser (libpg-query); when it cannot parse the text
// (a syntax error the server will report, or syntax newer than the parser) the lexical
// splitter and keyword patterns stand in.
// Invariant: nothing pglc cannot execute gets past planning — psql meta-commands and
// `COPY … FROM STDIN` are `migration-invalid` at their line before any SQL is sent.

import { PglcError } from '../errors';
import { scanSql, type SqlToken } from '../sql/lexer';
import { isSqlParserLoaded, parseStatementsSync, type SqlNode, type SqlSyntaxError } from '../sql/parse';
import { splitStatements, type SqlStatementSpan } from '../sql/split-statements';
import { sectionPosition } from './error-position';
import type { MigrationSection } from './migration-file';

export type ExecutionMode = 'transaction' | 'no-transaction' | 'own-transaction';

export interface PlannedStatement extends SqlStatementSpan {
  /** Parse node kind (e.g. `IndexStmt`) when the parser understood the section. */
  kind?: string;
  /** Why this statement cannot run in a transaction block, e.g. `CREATE INDEX CONCURRENTLY`. */
  noTransaction?: string;
  /** BEGIN / COMMIT / ROLLBACK …: the section manages its own transaction. */
  transactionControl?: 'open' | 'close';
}

export interface ExecutionPlan {
  mode: ExecutionMode;
  /** Statements with section-relative offsets (line/column relative to the section's sql). */
  statements: PlannedStatement[];
  /** The statement that decided the mode (not set for 'transaction' or a declared directive). */
  decidedBy?: PlannedStatement;
  /** The mode was declared in the file rather than detected. */
  declared: boolean;
  /** Set when libpg-query could not parse the section (the lexical fallback was used). */
  parseError?: SqlSyntaxError;
}

function defElems(list: unknown): { name: string; arg: unknown }[] {
  if (!Array.isArray(list)) return [];
  return list
    .map((x) => (x as { DefElem?: { defname?: string; arg?: unknown } }).DefElem)
    .filter((d): d is { defname?: string; arg?: unknown } => !!d)
    .map((d) => ({ name: (d.defname ?? '').toLowerCase(), arg: d.arg }));
}

/** A DefElem's value is false/off/0 (an option given without a value is true). */
function isFalse(arg: unknown): boolean {
  if (arg === undefined) return false;
  const a = arg as { String?: { sval?: string }; Boolean?: { boolval?: boolean }; Integer?: { ival?: number } };
  if (a.Boolean) return a.Boolean.boolval !== true;
  if (a.Integer) return !a.Integer.ival;
  const s = (a.String?.sval ?? '').toLowerCase();
  return s === 'false' || s === 'off' || s === '0' || s === 'no';
}

function option(node: SqlNode, key: string, name: string): { present: boolean; off: boolean } {
  const d = defElems(node[key]).find((e) => e.name === name);
  return { present: !!d, off: d ? isFalse(d.arg) : false };
}

/**
 * The statement's name when PostgreSQL refuses to run it inside a transaction block
 * (PreventInTransactionBlock in the server's source), else undefined.
 * @example nonTransactionalStatement('IndexStmt', { concurrent: true }) === 'CREATE INDEX CONCURRENTLY'
 */
export function nonTransactionalStatement(kind: string, node: SqlNode): string | undefined {
  switch (kind) {
    case 'IndexStmt':
      return node.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return node.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt': {
      const c = option(node, 'params', 'concurrently');
      if (c.present && !c.off) return 'REINDEX CONCURRENTLY';
      if (node.kind === 'REINDEX_OBJECT_DATABASE') return 'REINDEX DATABASE';
      if (node.kind === 'REINDEX_OBJECT_SYSTEM') return 'REINDEX SYSTEM';
      return undefined;
    }
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'VACUUM' : undefined;
    case 'ClusterStmt':
      return node.relation ? undefined : 'CLUSTER without a table';
    case 'AlterSystemStmt':
      return 'ALTER SYSTEM';
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'AlterDatabaseStmt':
      return option(node, 'options', 'tablespace').present ? 'ALTER DATABASE … SET TABLESPACE' : undefined;
    case 'CreateTableSpaceStmt':
      return 'CREATE TABLESPACE';
    case 'DropTableSpaceStmt':
      return 'DROP TABLESPACE';
    case 'CreateSubscriptionStmt': {
      // Only creating the replication slot is refused in a transaction block.
      const connect = option(node, 'options', 'connect');
      const slot = option(node, 'options', 'create_slot');
      return connect.off || slot.off ? undefined : 'CREATE SUBSCRIPTION';
    }
    case 'DropSubscriptionStmt':
      // refused when the subscription has a slot, which only the server knows: assume it has
      return 'DROP SUBSCRIPTION';
    case 'AlterSubscriptionStmt': {
      if (node.kind === 'ALTER_SUBSCRIPTION_REFRESH') return 'ALTER SUBSCRIPTION … REFRESH PUBLICATION';
      if (['ALTER_SUBSCRIPTION_SET_PUBLICATION', 'ALTER_SUBSCRIPTION_ADD_PUBLICATION', 'ALTER_SUBSCRIPTION_DROP_PUBLICATION'].includes(String(node.kind))) {
        return option(node, 'options', 'refresh').off ? undefined : 'ALTER SUBSCRIPTION … PUBLICATION (with refresh)';
      }
      return undefined;
    }
    case 'DiscardStmt':
      return node.target === 'DISCARD_ALL' ? 'DISCARD ALL' : undefined;
    case 'AlterTableStmt': {
      const cmds = Array.isArray(node.cmds) ? node.cmds : [];
      const detach = cmds.some((c) => {
        const cmd = (c as { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }).AlterTableCmd;
        return cmd?.subtype === 'AT_DetachPartition' && cmd.def?.PartitionCmd?.concurrent === true;
      });
      return detach ? 'DETACH PARTITION CONCURRENTLY' : undefined;
    }
    case 'TransactionStmt':
      if (node.kind === 'TRANS_STMT_COMMIT_PREPARED') return 'COMMIT PREPARED';
      if (node.kind === 'TRANS_STMT_ROLLBACK_PREPARED') return 'ROLLBACK PREPARED';
      return undefined;
    default:
      return undefined;
  }
}

/** BEGIN/START open, COMMIT/ROLLBACK/PREPARE TRANSACTION close; savepoints run fine inside our transaction. */
export function transactionControl(kind: string, node: SqlNode): 'open' | 'close' | undefined {
  if (kind !== 'TransactionStmt') return undefined;
  switch (node.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'open';
    case 'TRANS_STMT_COMMIT':
    case 'TRANS_STMT_ROLLBACK':
    case 'TRANS_STMT_PREPARE':
      return 'close';
    default:
      return undefined;
  }
}

/** The leading words of a statement, upper-cased (quoted names become `"`), for the fallback. */
function leadingWords(sql: string, span: SqlStatementSpan, tokens: SqlToken[], max = 16): string[] {
  const words: string[] = [];
  for (const t of tokens) {
    if (t.start < span.start) continue;
    if (t.start >= span.end || words.length >= max) break;
    if (t.kind === 'word') words.push(sql.slice(t.start, t.end).toUpperCase());
    else if (t.kind === 'quoted-ident' || t.kind === 'string' || t.kind === 'number') words.push('"');
  }
  return words;
}

const FALLBACK_NO_TRANSACTION: [RegExp, string][] = [
  [/^CREATE (UNIQUE )?INDEX CONCURRENTLY\b/, 'CREATE INDEX CONCURRENTLY'],
  [/^DROP INDEX CONCURRENTLY\b/, 'DROP INDEX CONCURRENTLY'],
  [/^REINDEX\b.*\bCONCURRENTLY\b/, 'REINDEX CONCURRENTLY'],
  [/^REINDEX (DATABASE|SYSTEM)\b/, 'REINDEX DATABASE'],
  [/^VACUUM\b/, 'VACUUM'],
  [/^ALTER SYSTEM\b/, 'ALTER SYSTEM'],
  [/^CREATE DATABASE\b/, 'CREATE DATABASE'],
  [/^DROP DATABASE\b/, 'DROP DATABASE'],
  [/^CREATE TABLESPACE\b/, 'CREATE TABLESPACE'],
  [/^DROP TABLESPACE\b/, 'DROP TABLESPACE'],
  [/^CREATE SUBSCRIPTION\b/, 'CREATE SUBSCRIPTION'],
  [/^DROP SUBSCRIPTION\b/, 'DROP SUBSCRIPTION'],
  [/^ALTER SUBSCRIPTION \S+ REFRESH\b/, 'ALTER SUBSCRIPTION … REFRESH PUBLICATION'],
  [/^DISCARD ALL\b/, 'DISCARD ALL'],
  [/^ALTER TABLE\b.*\bDETACH PARTITION\b.*\bCONCURRENTLY\b/, 'DETACH PARTITION CONCURRENTLY'],
  [/^(COMMIT|ROLLBACK) PREPARED\b/, 'COMMIT PREPARED'],
];

/** Keyword-pattern version of nonTransactionalStatement, for text the parser rejected. */
export function nonTransactionalByWords(words: string[]): string | undefined {
  const line = words.join(' ');
  return FALLBACK_NO_TRANSACTION.find(([re]) => re.test(line))?.[1];
}

function transactionControlByWords(words: string[]): 'open' | 'close' | undefined {
  const line = words.join(' ');
  if (/^(BEGIN|START TRANSACTION)\b/.test(line) && !/^BEGIN ATOMIC\b/.test(line)) return 'open';
  if (/^(COMMIT|END|ROLLBACK|ABORT|PREPARE TRANSACTION)\b/.test(line) && !/^(COMMIT|ROLLBACK) PREPARED\b/.test(line) && !/\bTO\b/.test(line)) return 'close';
  return undefined;
}

/** Every keyword that nonTransactionalStatement, transactionControl or COPY detection depends on. */
const MAY_MATTER = /\b(concurrently|vacuum|system|database|tablespace|subscription|cluster|discard|prepared?|begin|start|commit|end|rollback|abort|copy)\b/i;

function isCopyFromStdin(kind: string, node: SqlNode): boolean {
  return kind === 'CopyStmt' && node.is_from === true && !node.filename && !node.is_program;
}

/**
 * How `section` runs, and its statements. Throws `migration-invalid` for psql meta-commands and
 * COPY … FROM STDIN. Requires loadSqlParser() to have resolved.
 * @example planSection(upSection, '0007_idx.sql').mode // 'no-transaction' when it has CREATE INDEX CONCURRENTLY
 */
export function planSection(section: MigrationSection, relPath: string): ExecutionPlan {
  const sql = section.sql;
  const tokens = scanSql(sql);
  const spans = splitStatements(sql, tokens);

  const meta = spans.find((s) => s.meta);
  if (meta) {
    const at = sectionPosition(section, meta.start);
    throw new PglcError('migration-invalid', {
      what: `${relPath} contains a psql meta-command (${meta.text.split(/\s+/)[0]}) at line ${at.line}`,
      why: `meta-commands such as \\i, \\set or \\copy are psql's, not SQL: the server cannot run them (${relPath}:${at.line}:${at.column})`,
      fix: 'Replace it with plain SQL (inline the included file, use literal values instead of variables), then run the command again. Nothing was applied.',
      details: { file: relPath, line: at.line, column: at.column, text: meta.text },
    });
  }

  // Without one of these words no statement can need special handling: skip the (costlier) parse.
  const parsed = isSqlParserLoaded() && MAY_MATTER.test(sql) ? parseStatementsSync(sql, tokens) : undefined;
  let statements: PlannedStatement[];
  let parseError: SqlSyntaxError | undefined;
  if (parsed?.ok) {
    statements = parsed.statements.map((p) => {
      const s: PlannedStatement = { text: p.text, start: p.start, end: p.end, line: p.line, column: p.column, kind: p.kind };
      const reason = nonTransactionalStatement(p.kind, p.node);
      if (reason) s.noTransaction = reason;
      const control = transactionControl(p.kind, p.node);
      if (control) s.transactionControl = control;
      if (isCopyFromStdin(p.kind, p.node)) throw copyFromStdin(section, relPath, s);
      return s;
    });
  } else {
    if (parsed && !parsed.ok) parseError = parsed.error;
    statements = spans.map((span) => {
      const s: PlannedStatement = { ...span };
      const words = leadingWords(sql, span, tokens);
      const reason = nonTransactionalByWords(words);
      if (reason) s.noTransaction = reason;
      const control = transactionControlByWords(words);
      if (control) s.transactionControl = control;
      if (/^COPY\b.*\bFROM STDIN\b/.test(words.join(' '))) throw copyFromStdin(section, relPath, s);
      return s;
    });
  }

  const plan: ExecutionPlan = { mode: 'transaction', statements, declared: false };
  if (parseError) plan.parseError = parseError;
  const noTx = statements.find((s) => s.noTransaction);
  const control = statements.find((s) => s.transactionControl);
  if (section.noTransaction) {
    plan.mode = 'no-transaction';
    plan.declared = true;
  } else if (noTx) {
    plan.mode = 'no-transaction';
    plan.decidedBy = noTx;
  } else if (control) {
    plan.mode = 'own-transaction';
    plan.decidedBy = control;
  }
  const unclosed = unclosedTransaction(statements);
  if (unclosed) {
    const at = sectionPosition(section, unclosed.start);
    throw new PglcError('migration-invalid', {
      what: `${relPath} opens a transaction at line ${at.line} and never commits it`,
      why: `its ${truncateWords(unclosed.text)} has no matching COMMIT, so everything after it would be rolled back when the connection closes (${relPath}:${at.line}:${at.column})`,
      fix: 'Add COMMIT at the end, or remove BEGIN and let pglc wrap the migration in a transaction. Nothing was applied.',
      details: { file: relPath, line: at.line, column: at.column },
    });
  }
  return plan;
}

/** The last BEGIN / START TRANSACTION that no COMMIT / ROLLBACK closes, if any. */
function unclosedTransaction(statements: PlannedStatement[]): PlannedStatement | undefined {
  let open: PlannedStatement | undefined;
  for (const s of statements) {
    if (s.transactionControl === 'open') open ??= s;
    else if (s.transactionControl === 'close') open = undefined;
  }
  return open;
}

function truncateWords(text: string): string {
  return text.split(/\s+/).slice(0, 2).join(' ').toUpperCase();
}

function copyFromStdin(section: MigrationSection, relPath: string, s: SqlStatementSpan): PglcError {
  const at = sectionPosition(section, s.start);
  return new PglcError('migration-invalid', {
    what: `${relPath} uses COPY … FROM STDIN at line ${at.line}`,
    why: `the rows of COPY FROM STDIN come from psql's input, which pglc does not send (${relPath}:${at.line}:${at.column})`,
    fix: 'Use INSERT … VALUES for the rows (or COPY from a file the server can read, or a seed file). Nothing was applied.',
    details: { file: relPath, line: at.line, column: at.column },
  });
}
