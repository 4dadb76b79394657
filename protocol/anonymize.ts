// Anonymization facts across the process boundary (`pglc data anonymize … --json`, restore
// results and plans). Invariant: only a preview (asked for explicitly) carries original values —
// ten rows per table, next to their replacements; summaries and results never do.

export type AnonymizeStrategy = 'fake' | 'mask' | 'hash' | 'null' | 'keep';

export interface AnonymizeColumnRule {
  schema: string;
  table: string;
  column: string;
  strategy: AnonymizeStrategy;
  /** fake: the generator (a faker method such as `internet.email`), chosen or inferred. */
  generator?: string;
  /** Why this generator (e.g. "inferred from the column name `email`"). */
  reason?: string;
}

export interface AnonymizeTableSummary {
  schema: string;
  table: string;
  rows: number;
  columns: { column: string; strategy: AnonymizeStrategy; generator?: string; distinctValues?: number }[];
  durationMs: number;
}

export interface AnonymizeSummary {
  rulesFile: string;
  tables: AnonymizeTableSummary[];
  rows: number;
  /** Tables listed under skip. */
  skipped: string[];
  /** Columns that look like personal data and have no rule: `schema.table.column (why)`. */
  unruledPii: string[];
  /** Rows per second over the whole run. */
  rowsPerSecond: number;
  durationMs: number;
  warnings: string[];
}

export interface AnonymizePreviewTable {
  schema: string;
  table: string;
  columns: string[];
  /** Up to 10 rows: the ruled columns' values before and after. */
  rows: { before: (string | null)[]; after: (string | null)[] }[];
}

export interface PiiSuggestion {
  schema: string;
  table: string;
  column: string;
  type: string;
  strategy: AnonymizeStrategy;
  generator?: string;
  /** Evidence: "name matches `email`", "9 of 10 sampled values look like e-mail addresses". */
  evidence: string[];
  /** Already covered by the rules file. */
  ruled: boolean;
}

export interface AnonymizeResult {
  environment: string;
  database: string;
  mode: 'apply' | 'preview' | 'suggest';
  summary?: AnonymizeSummary;
  preview?: AnonymizePreviewTable[];
  suggestions?: PiiSuggestion[];
  /** suggest: a rules file (YAML) covering the suggestions, to start from. */
  suggestedYaml?: string;
}
