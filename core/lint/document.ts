// The shape the linter reads a file in: its sections (Up / Down / a plain file), how each runs
// (in the migration's transaction, outside one, or with its own BEGIN/COMMIT) and its statements
// with their ranges. The language server passes its DocumentModel, which has this shape;
// `pglc db lint` builds it here with buildLintDocument.
// Invariant: buildLintDocument cuts a file exactly as the language server's buildDocumentModel
// does — the same marker rules (findSectionMarkers), the same lexical splitter, one parse per
// splitter span — so the editor and the CLI lint the same statements
// (test/unit/lint-document.test.ts compares them). A section whose spans are one statement each
// is parsed in one call (10,000 calls of the parser cost more than 1,000), and used only when
// the parser cuts it exactly as the splitter did: then each span's statement and tree are what
// parsing the span alone gives (locations aside: statement-source.ts takes the offset off).

import type { MigrationFormat } from '../../protocol/index';
import { nonTransactionalStatement, transactionControl, type ExecutionMode } from '../migrations/execution-plan';
import { findSectionMarkers, hasNoTransactionDirective, type SectionMarker } from '../migrations/sections';
import { isCodeToken, scanSql, type SqlToken } from '../sql/lexer';
import { parseStatementsSync, type ParsedStatement } from '../sql/parse';
import { splitStatements, type SqlStatementSpan } from '../sql/split-statements';
import { isAscii } from '../sql/text-position';
import { offerTree } from './engine/statement-analysis';

export interface LintDocumentInfo {
  format: MigrationFormat;
  version: string;
  /** `sections`: one file with Up and Down; `up` / `down`: one side of a split layout (or Supabase's all-Up file). */
  role: 'sections' | 'up' | 'down';
}

export interface LintSection {
  kind: 'up' | 'down' | 'preamble' | 'file';
  start: number;
  end: number;
  mode: ExecutionMode;
  declared?: 'directive' | 'marker';
  statements: readonly number[];
  hasCode: boolean;
  marker?: { start: number; end: number; line: number; text: string };
}

export interface LintStatementRef {
  start: number;
  end: number;
  section: number;
  /** Parse node kind; absent when the statement did not parse (or is a psql meta-command). */
  kind?: string;
  meta?: true;
  /** Set when the statement has a syntax error. */
  error?: number;
  noTransaction?: string;
  transactionControl?: 'open' | 'close';
}

export interface LintDocument {
  text: string;
  migration?: LintDocumentInfo;
  sections: readonly LintSection[];
  statements: readonly LintStatementRef[];
}

interface Draft {
  kind: LintSection['kind'];
  start: number;
  end: number;
  marker?: SectionMarker;
  declared?: 'directive' | 'marker';
}

function drafts(text: string, tokens: SqlToken[], migration: LintDocumentInfo | undefined): Draft[] {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  if (!migration) return [{ kind: 'file', start: bom, end: text.length }];
  const directive = hasNoTransactionDirective(text, tokens);
  const whole = (kind: 'up' | 'down'): Draft[] => [{ kind, start: bom, end: text.length, ...(directive ? { declared: 'directive' as const } : {}) }];
  if (migration.role !== 'sections' || migration.format === 'supabase') return whole(migration.role === 'down' ? 'down' : 'up');
  const markers = findSectionMarkers(text, migration.format === 'dbmate' ? 'dbmate' : 'pglc', tokens);
  const first = markers[0];
  if (!first) return whole('up');
  const out: Draft[] = [];
  const hasUp = markers.some((m) => m.kind === 'up');
  if (!hasUp) out.push({ kind: 'up', start: bom, end: first.line.start, ...(directive ? { declared: 'directive' as const } : {}) });
  else if (tokens.some((t) => t.end <= first.line.start && isCodeToken(t))) out.push({ kind: 'preamble', start: bom, end: first.line.start });
  markers.forEach((m, i) => {
    const next = markers[i + 1];
    const d: Draft = { kind: m.kind, marker: m, start: m.line.next, end: next ? next.line.start : text.length };
    if (m.noTransaction) d.declared = 'marker';
    else if (directive) d.declared = 'directive';
    out.push(d);
  });
  return out;
}

/**
 * The spans of a section parsed in one call, each as parsing it alone gives it (a statement
 * from 0 to the span's length) with where it starts in the parsed text in UTF-8 bytes; undefined
 * — parse each span — when the section has a meta-command, a syntax error, non-ASCII text
 * (byte and string offsets part), fewer than two spans, or a span the parser does not see as
 * exactly one statement.
 */
export function parseTogether(text: string, spans: readonly SqlStatementSpan[], sectionTokens: readonly SqlToken[]): { statement: ParsedStatement; byteBase: number }[] | undefined {
  const first = spans[0];
  const last = spans[spans.length - 1];
  if (!first || !last || spans.length < 2 || spans.some((s) => s.meta)) return undefined;
  const sql = text.slice(first.start, last.end);
  if (!isAscii(sql)) return undefined;
  let from = 0;
  while (from < sectionTokens.length && (sectionTokens[from] as SqlToken).start < first.start) from++;
  let to = from;
  while (to < sectionTokens.length && (sectionTokens[to] as SqlToken).start < last.end) to++;
  const whole = parseStatementsSync(sql, sectionTokens.slice(from, to), first.start);
  if (!whole.ok || whole.statements.length !== spans.length) return undefined;
  const out: { statement: ParsedStatement; byteBase: number }[] = [];
  for (let i = 0; i < spans.length; i++) {
    const span = spans[i] as SqlStatementSpan;
    const p = whole.statements[i] as ParsedStatement;
    const at = span.start - first.start;
    if (p.start !== at || p.end !== span.end - first.start) return undefined;
    out.push({ statement: { ...p, text: span.text, start: 0, end: span.text.length, line: 1, column: 1 }, byteBase: at });
  }
  return out;
}

/**
 * Sections and statements of `text` (a migration when `migration` is given, else a plain file).
 * `handOver`: the statements' parse trees go to their analysis (offerTree), for a caller that
 * lints the document next (pglc db lint) — the trees then live until their statement is
 * analysed, which a long-running process that only cuts files (the language server reading a
 * project) should not pay for. Requires loadSqlParser() to have resolved.
 * @example buildLintDocument('-- Up\ncreate table t ();\n-- Down\ndrop table t;\n', { format: 'pglc', version: '0001', role: 'sections' })
 *   .sections.map((s) => s.kind) // ['up', 'down']
 */
export function buildLintDocument(text: string, migration?: LintDocumentInfo, handOver = false): LintDocument {
  const tokens = scanSql(text);
  const sections: LintSection[] = [];
  const statements: LintStatementRef[] = [];
  let errors = 0;
  let k = 0;
  for (const d of drafts(text, tokens, migration)) {
    while (k < tokens.length && (tokens[k] as SqlToken).start < d.start) k++;
    const from = k;
    while (k < tokens.length && (tokens[k] as SqlToken).start < d.end) k++;
    const sectionTokens = tokens.slice(from, k);
    const ids: number[] = [];
    const sectionIndex = sections.length;
    const spans = splitStatements(text, sectionTokens);
    const together = parseTogether(text, spans, sectionTokens);
    spans.forEach((span, n) => {
      if (span.meta) {
        ids.push(statements.length);
        statements.push({ start: span.start, end: span.end, section: sectionIndex, meta: true });
        return;
      }
      const one = together?.[n];
      const parsed = one ? { ok: true as const, statements: [one.statement] } : parseStatementsSync(span.text);
      const only = parsed.ok && parsed.statements.length === 1 ? parsed.statements[0] : undefined;
      // the whole span is one statement: its tree is the one the replay's analysis would parse again
      if (handOver && only && only.start === 0 && only.end === span.text.length) offerTree(span.text, only.kind, only.node, one?.byteBase ?? 0);
      if (parsed.ok && parsed.statements.length > 0) {
        for (const p of parsed.statements) {
          const s: LintStatementRef = { start: span.start + p.start, end: span.start + p.end, section: sectionIndex, kind: p.kind };
          const reason = nonTransactionalStatement(p.kind, p.node);
          if (reason) s.noTransaction = reason;
          const control = transactionControl(p.kind, p.node);
          if (control) s.transactionControl = control;
          ids.push(statements.length);
          statements.push(s);
        }
        return;
      }
      const s: LintStatementRef = { start: span.start, end: span.end, section: sectionIndex };
      if (!parsed.ok) s.error = errors++;
      ids.push(statements.length);
      statements.push(s);
    });
    const section: LintSection = { kind: d.kind, start: d.start, end: d.end, mode: 'transaction', statements: ids, hasCode: sectionTokens.some(isCodeToken) };
    if (d.declared) {
      section.declared = d.declared;
      section.mode = 'no-transaction';
    } else if (ids.some((i) => statements[i]?.noTransaction)) section.mode = 'no-transaction';
    else if (ids.some((i) => statements[i]?.transactionControl)) section.mode = 'own-transaction';
    if (d.marker) section.marker = { start: d.marker.line.start, end: d.marker.line.end, line: d.marker.line.number - 1, text: d.marker.line.text };
    sections.push(section);
  }
  const doc: LintDocument = { text, sections, statements };
  if (migration) doc.migration = migration;
  return doc;
}
