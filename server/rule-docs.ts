// Where a lint rule's documentation is, for the diagnostics' code link (codeDescription): the
// rule's section of docs/lint.md as shipped with the extension (the VSIX carries it next to
// dist/), opened at the rule's heading (`file:///…/docs/lint.md#L412`; VS Code opens a file link
// at the line its `#L` fragment names). Why local: it is the documentation of the installed
// version, and it opens offline.
// Invariants: the file is read once, on the first link asked for; a rule without a heading, or
// docs that cannot be read, give no link rather than a wrong one.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** docs/lint.md beside the folder of this bundle (dist/server.js → docs/lint.md; server/ in the repository). */
export const RULE_DOCS_PATH = join(__dirname, '..', 'docs', 'lint.md');

let headings: Map<string, number> | undefined;
let base: string | undefined;

/** 1-based line of every `### <rule>` heading of the docs. */
export function ruleHeadings(text: string): Map<string, number> {
  const out = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^### ([a-z0-9-]+)\s*$/.exec(line);
    if (m?.[1] && !out.has(m[1])) out.set(m[1], i + 1);
  });
  return out;
}

/**
 * @example ruleDocHref('require-concurrent-index') // 'file:///…/docs/lint.md#L212'
 */
export function ruleDocHref(rule: string, path = RULE_DOCS_PATH): string | undefined {
  if (!headings || base !== path) {
    base = path;
    try {
      headings = ruleHeadings(readFileSync(path, 'utf8'));
    } catch {
      headings = new Map();
    }
  }
  const line = headings.get(rule);
  return line === undefined ? undefined : `${pathToFileURL(path).href}#L${line}`;
}
