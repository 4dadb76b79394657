// Schema lint across process boundaries: `pglc db lint --json` (findings for CI and the
// editor) and the facts of a connected environment it used. Invariant: plain JSON; no fact
// carries a password or row data — only table sizes and the server version.

export type LintSeverity = 'error' | 'warning' | 'info';

/** A 0-based line / UTF-16 character position (as LSP counts). */
export interface LintPosition {
  line: number;
  character: number;
}

export interface LintRange {
  start: LintPosition;
  end: LintPosition;
}

export interface LintTextEdit {
  /** Absolute path of the file the edit applies to. */
  path: string;
  range: LintRange;
  newText: string;
  /** The edit creates this file (with newText as its content). */
  createFile?: true;
}

export interface LintFindingPayload {
  /** The rule's name: diagnostic code, directive name and docs page (docs/lint/<rule>.md). */
  rule: string;
  severity: LintSeverity;
  message: string;
  /** Absolute path of the file. */
  path: string;
  /** Path relative to the project root, with forward slashes. */
  file: string;
  range: LintRange;
  related?: { message: string; path: string; range: LintRange }[];
  fixes?: { title: string; preferred?: boolean; edits: LintTextEdit[] }[];
  /** The table's size made it worth less ('low') or more ('high'). */
  impact?: 'low' | 'high';
}

/** Size of one table on the connected environment (estimates: pg_class.reltuples, pg_relation_size). */
export interface LintTableFact {
  schema: string;
  name: string;
  rows: number;
  bytes: number;
}

/** Read-only facts of an environment (`pglc db lint --env`) for table-aware findings. */
export interface LintFacts {
  environment: string;
  /** host:port/database — never a password. */
  target: string;
  serverVersion: { major: number; minor: number; text: string };
  tables: LintTableFact[];
  /** ISO time the facts were read. */
  readAt: string;
}

export interface DbLintResult {
  /** Files linted, relative to the project root. */
  files: string[];
  findings: LintFindingPayload[];
  counts: Record<LintSeverity, number>;
  /** The PostgreSQL major version the rules assumed, and where it came from. */
  postgresVersion: { major: number; source: 'server' | 'config' | 'default' };
  /** Findings at or above this level fail the run (exit code 1). */
  failOn: 'error' | 'warning';
  failed: boolean;
  /** Environment whose facts were used (--env). */
  environment?: string;
  /** plpgsql_check of the PL/pgSQL functions (--functions, or --env local): done, or why not. */
  functions?: { status: 'checked' | 'unavailable' | 'failed'; checked: number; problems: number; notes: string[] };
}
