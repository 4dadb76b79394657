// The ways `pglc db lint` prints findings: text for people (grouped by file, `line:col`),
// GitHub Actions workflow commands (annotations on the pull request's diff), and SARIF 2.1.0
// (code scanning). Invariant: pure functions of a DbLintResult; every format shows the same
// findings with 1-based line and column.

import type { DbLintResult, LintFindingPayload, LintSeverity } from '../../protocol/index';
import { repositoryUrl } from '../repository-url';
import { bold, dim, red, yellow, cyan } from './style';

const ORDER: Record<LintSeverity, number> = { error: 0, warning: 1, info: 2 };

/**
 * Where a rule's documentation lives on the web: the repository's docs/lint.md (package.json
 * `repository`, one heading per rule). The editor links to the copy shipped with the extension.
 * @example ruleDocUrl('drop-column') // 'https://github.com/o/r/blob/HEAD/docs/lint.md#drop-column'
 */
export function ruleDocUrl(rule: string, repository = repositoryUrl): string {
  return `${repository}/blob/HEAD/docs/lint.md${rule ? `#${rule}` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function byFile(findings: readonly LintFindingPayload[]): Map<string, LintFindingPayload[]> {
  const out = new Map<string, LintFindingPayload[]>();
  for (const f of findings) {
    const list = out.get(f.file) ?? [];
    list.push(f);
    out.set(f.file, list);
  }
  return out;
}

export function lintText(r: DbLintResult): string {
  const lines: string[] = [];
  const colour = (s: LintSeverity, t: string) => (s === 'error' ? red(t) : s === 'warning' ? yellow(t) : cyan(t));
  for (const [file, list] of byFile(r.findings)) {
    lines.push(bold(file));
    for (const f of list) {
      const at = `${f.range.start.line + 1}:${f.range.start.character + 1}`;
      lines.push(`  ${dim(at.padEnd(7))} ${colour(f.severity, f.severity.padEnd(7))} ${f.message} ${dim(f.rule)}`);
    }
    lines.push('');
  }
  const version = `PostgreSQL ${r.postgresVersion.major} (${r.postgresVersion.source === 'server' ? `the server of ${r.environment ?? 'the environment'}` : r.postgresVersion.source === 'config' ? 'pglc.toml' : 'newest supported; set [lint] postgres_version or pass --env'})`;
  const c = r.counts;
  const total = c.error + c.warning + c.info;
  const summary = total === 0 ? `No problems in ${plural(r.files.length, 'file')}` : `${plural(total, 'problem')} (${plural(c.error, 'error')}, ${plural(c.warning, 'warning')}, ${c.info} info) in ${plural(r.files.length, 'file')}`;
  lines.push(`${summary} · rules assumed ${version}${r.failed ? ` · failing: findings at or above ${r.failOn}` : ''}`);
  const fn = r.functions;
  if (fn?.status === 'checked') lines.push(dim(`plpgsql_check: ${plural(fn.checked, 'function')} checked, ${plural(fn.problems, 'problem')}`));
  for (const n of fn?.notes ?? []) lines.push(dim(n));
  return lines.join('\n');
}

/** GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=rule::message`. */
export function lintGithub(r: DbLintResult): string {
  const esc = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => esc(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const level = (s: LintSeverity) => (s === 'info' ? 'notice' : s);
  return r.findings
    .map((f) => `::${level(f.severity)} file=${prop(f.file)},line=${f.range.start.line + 1},col=${f.range.start.character + 1},endLine=${f.range.end.line + 1},endColumn=${f.range.end.character + 1},title=${prop(f.rule)}::${esc(f.message)}`)
    .join('\n');
}

/** SARIF 2.1.0 with one run, the rules that reported something, and one result per finding. */
export function lintSarif(r: DbLintResult, version: string): string {
  const rules = [...new Set(r.findings.map((f) => f.rule))].sort();
  const level = (s: LintSeverity) => (s === 'info' ? 'note' : s);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'pglc', version, informationUri: ruleDocUrl(''), rules: rules.map((id) => ({ id, helpUri: ruleDocUrl(id) })) } },
        results: [...r.findings]
          .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line || ORDER[a.severity] - ORDER[b.severity]))
          .map((f) => ({
            ruleId: f.rule,
            ruleIndex: rules.indexOf(f.rule),
            level: level(f.severity),
            message: { text: f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: f.file },
                  region: { startLine: f.range.start.line + 1, startColumn: f.range.start.character + 1, endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1 },
                },
              },
            ],
          })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
