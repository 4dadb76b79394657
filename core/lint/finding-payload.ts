// A LintFinding (string offsets in one text) as it crosses a process boundary: LSP-style
// 0-based line / UTF-16 character ranges, the absolute and project-relative path. Invariant:
// the only conversion from engine findings to protocol/lint.ts, used by `pglc db lint --json`,
// its text renderer and the language server alike.

import { relative, sep } from 'node:path';
import type { LintFindingPayload, LintRange, LintTextEdit } from '../../protocol/index';
import { lineColumnAt, lineStarts } from '../sql/text-position';
import type { LintFinding } from './finding';
import type { SourceLocation } from './schema-state/model';

/** Offsets → ranges for one text, with its line starts computed once. */
export function rangeMapper(text: string): (start: number, end: number) => LintRange {
  const starts = lineStarts(text);
  const pos = (i: number) => {
    const lc = lineColumnAt(text, i, starts);
    return { line: lc.line - 1, character: lc.column - 1 };
  };
  return (start, end) => ({ start: pos(start), end: pos(end) });
}

function locationRange(l: SourceLocation): LintRange {
  return { start: { line: l.line, character: l.character }, end: { line: l.endLine, character: l.endCharacter } };
}

/** `path` relative to the project root, with forward slashes (the payload's `file`). */
export function projectFile(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/**
 * `file`: projectFile(root, path), when the caller converts many findings of one file.
 * @example toFindingPayload(finding, text, '/p/pglc/migrations/0002_x.sql', '/p').range.start.line // 0-based
 */
export function toFindingPayload(f: LintFinding, text: string, path: string, root: string, map: (start: number, end: number) => LintRange = rangeMapper(text), file = projectFile(root, path)): LintFindingPayload {
  const out: LintFindingPayload = {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    path,
    file,
    range: map(f.start, f.end),
  };
  if (f.related.length) out.related = f.related.filter((r) => r.location.path).map((r) => ({ message: r.message, path: r.location.path, range: locationRange(r.location) }));
  if (f.fixes.length) {
    out.fixes = f.fixes.map((fix) => ({
      title: fix.title,
      ...(fix.preferred ? { preferred: true } : {}),
      edits: fix.edits.map((e): LintTextEdit => ('createFile' in e ? { path: e.createFile, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: e.text, createFile: true } : { path, range: map(e.start, e.end), newText: e.text })),
    }));
  }
  if (f.impact) out.impact = f.impact;
  return out;
}
