// Inline lint directives in SQL comments:
//   -- pglc:disable <rule>[, <rule>…]               from here to the end of the file (or -- pglc:enable)
//   -- pglc:enable <rule>[, <rule>…]
//   -- pglc:disable-next-statement [<rule>, …]      the next statement only (no rule: every rule)
//   -- pglc:allow <rule>[, …]                        the next statement — or, written after it on
//                                                    its last line, that statement: "this destructive
//                                                    change is intended"
//   -- pglc:no-transaction                           (core/migrations: run outside a transaction)
// Anything after ` -- ` is a reason for the reader. Invariants: a directive is a line comment
// outside any statement (text inside strings, function bodies and statements is never read as
// one); each directive records which rules it silenced, so one that silenced nothing is reported
// (unused-directive) instead of lingering.

import { closestName } from '../../config/closest-name';
import { scanSql, type SqlToken } from '../../sql/lexer';
import type { LintDocument, LintStatementRef } from '../document';

export type DirectiveKind = 'disable' | 'enable' | 'disable-next-statement' | 'allow' | 'no-transaction';

export const DIRECTIVE_KINDS: readonly DirectiveKind[] = ['disable', 'enable', 'disable-next-statement', 'allow', 'no-transaction'];

export interface DirectiveRule {
  name: string;
  start: number;
  end: number;
}

export interface Directive {
  kind: DirectiveKind;
  /** The comment's range. */
  start: number;
  end: number;
  /** Rules named; empty means every rule (disable / enable / disable-next-statement only). */
  rules: DirectiveRule[];
  /** The statement a disable-next-statement / allow applies to (absent: none follows). */
  target?: { start: number; end: number };
  /** Rules it silenced something of ('*' when it names none). */
  used: Set<string>;
}

export interface DirectiveProblem {
  start: number;
  end: number;
  message: string;
}

const PATTERN = /^--\s*pglc:([A-Za-z-]*)(.*)$/s;

/** Index of the first statement starting at or after `offset`. */
function firstFrom(statements: readonly LintStatementRef[], offset: number): number {
  let lo = 0;
  let hi = statements.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((statements[mid] as LintStatementRef).start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The directives of a document, and the malformed ones (unknown directive or rule names).
 * `ruleNames` are the names a directive may use.
 * @example findDirectives(doc, names).directives[0] // { kind: 'allow', rules: [{ name: 'drop-column', … }], target: { … } }
 */
export function findDirectives(doc: LintDocument, ruleNames: readonly string[]): { directives: Directive[]; problems: DirectiveProblem[] } {
  const directives: Directive[] = [];
  const problems: DirectiveProblem[] = [];
  const text = doc.text;
  if (!text.includes('pglc:')) return { directives, problems };
  const statements = doc.statements;
  const known = new Set(ruleNames);
  const scanned = new Map<number, SqlToken[]>();
  for (let p = text.indexOf('pglc:'); p >= 0; p = text.indexOf('pglc:', p + 5)) {
    // inside a statement (a string, a body, a comment between its tokens): not a directive
    const next = firstFrom(statements, p + 1);
    const prev = statements[next - 1];
    if (prev && p < prev.end) continue;
    const gapStart = prev ? prev.end : 0;
    const gapEnd = statements[next]?.start ?? text.length;
    let tokens = scanned.get(gapStart);
    if (!tokens) {
      tokens = scanSql(text.slice(gapStart, gapEnd)).map((t) => ({ ...t, start: t.start + gapStart, end: t.end + gapStart }));
      scanned.set(gapStart, tokens);
    }
    const comment = tokens.find((t) => t.kind === 'line-comment' && t.start < p && p < t.end);
    if (!comment) continue;
    const body = text.slice(comment.start, comment.end);
    const m = PATTERN.exec(body);
    // `pglc:` further in (`-- see pglc:allow`) is prose, not a directive
    if (!m || body.indexOf('pglc:') !== p - comment.start) continue;
    const kind = (m[1] ?? '').toLowerCase();
    if (!(DIRECTIVE_KINDS as readonly string[]).includes(kind)) {
      const guess = closestName(kind, DIRECTIVE_KINDS);
      problems.push({ start: comment.start, end: comment.end, message: `Unknown directive "pglc:${kind}"${guess ? ` — did you mean "pglc:${guess}"?` : ''} Known: ${DIRECTIVE_KINDS.map((k) => `pglc:${k}`).join(', ')}.` });
      continue;
    }
    const d: Directive = { kind: kind as DirectiveKind, start: comment.start, end: comment.end, rules: [], used: new Set() };
    // the rules, up to a ` -- reason`
    const args = m[2] ?? '';
    const argsStart = comment.end - args.length;
    const reasonAt = args.search(/\s--/);
    const list = reasonAt >= 0 ? args.slice(0, reasonAt) : args;
    const re = /[^\s,]+/g;
    for (let w = re.exec(list); w; w = re.exec(list)) {
      const name = w[0];
      const start = argsStart + w.index;
      const r: DirectiveRule = { name, start, end: start + name.length };
      if (d.kind === 'no-transaction') continue;
      if (!known.has(name)) {
        const guess = closestName(name, ruleNames);
        problems.push({ start: r.start, end: r.end, message: `Unknown lint rule "${name}" in pglc:${d.kind}${guess ? ` — did you mean "${guess}"?` : ''}` });
        continue;
      }
      d.rules.push(r);
    }
    if (d.kind === 'allow' && d.rules.length === 0 && !problems.some((x) => x.start >= comment.start && x.end <= comment.end)) {
      problems.push({ start: comment.start, end: comment.end, message: 'pglc:allow names the rule it allows, e.g. "-- pglc:allow drop-column" — a destructive change is allowed one rule at a time.' });
      continue;
    }
    if (d.kind === 'disable-next-statement' || d.kind === 'allow') {
      // after a statement on the same line, `allow` means that statement
      const lineStart = text.lastIndexOf('\n', comment.start - 1) + 1;
      const trailing = d.kind === 'allow' && prev && prev.end >= lineStart;
      const target = trailing ? prev : statements[next];
      if (target) d.target = { start: target.start, end: target.end };
    }
    directives.push(d);
  }
  return { directives, problems };
}

/**
 * Whether a finding of `rule` starting at `offset` is silenced; marks the directive that did it
 * as used. Statement-scoped directives win over a file-wide disable (the latter then stays
 * unused for it, and is reported if it silences nothing else).
 */
export function isSilenced(directives: readonly Directive[], rule: string, offset: number): boolean {
  const names = (d: Directive): boolean => d.rules.length === 0 || d.rules.some((r) => r.name === rule);
  for (const d of directives) {
    if ((d.kind === 'disable-next-statement' || d.kind === 'allow') && d.target && offset >= d.target.start && offset <= d.target.end && names(d)) {
      d.used.add(d.rules.length ? rule : '*');
      return true;
    }
  }
  let active: Directive | undefined;
  for (const d of directives) {
    if (d.start > offset) break;
    if ((d.kind === 'disable' || d.kind === 'enable') && names(d)) active = d.kind === 'disable' ? d : undefined;
  }
  if (active) {
    active.used.add(active.rules.length ? rule : '*');
    return true;
  }
  return false;
}

/** The parts of directives that silenced nothing: a whole directive, or one rule name in it. */
export function unusedDirectives(directives: readonly Directive[]): { start: number; end: number; message: string }[] {
  const out: { start: number; end: number; message: string }[] = [];
  for (const d of directives) {
    if (d.kind === 'no-transaction' || d.kind === 'enable') continue;
    if (d.rules.length === 0) {
      if (!d.used.has('*')) out.push({ start: d.start, end: d.end, message: `This pglc:${d.kind} silences nothing${d.kind === 'disable-next-statement' && !d.target ? ' (no statement follows it)' : ''} — remove it.` });
      continue;
    }
    const unused = d.rules.filter((r) => !d.used.has(r.name));
    if (unused.length === d.rules.length) {
      const what = d.kind === 'disable' ? 'below it' : d.target ? 'in the statement it applies to' : 'here (no statement follows it)';
      out.push({ start: d.start, end: d.end, message: `${unused.map((r) => r.name).join(', ')} reports nothing ${what}, so this pglc:${d.kind} is not needed — remove it.` });
      continue;
    }
    for (const r of unused) out.push({ start: r.start, end: r.end, message: `${r.name} reports nothing here, so it is not needed in this pglc:${d.kind} — remove it from the list.` });
  }
  return out;
}
