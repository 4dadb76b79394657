// Folding ranges: each migration section (from its marker line to its last non-blank line) and
// each statement that spans more than one line. Invariant: a range always covers at least two
// lines (VS Code ignores one-line ranges) and uses 0-based lines.

import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentModel } from './document-model';

/**
 * @example computeFoldingRanges(model, doc) // [{ startLine: 0, endLine: 5, kind: 'region' }, { startLine: 1, endLine: 4 }]
 */
export function computeFoldingRanges(model: DocumentModel, document: TextDocument): FoldingRange[] {
  const text = document.getText();
  const out: FoldingRange[] = [];
  const line = (offset: number): number => document.positionAt(offset).line;
  for (const section of model.sections) {
    if (section.kind !== 'up' && section.kind !== 'down') continue;
    const start = section.marker?.start ?? section.start;
    const body = text.slice(start, section.end).trimEnd();
    if (!body) continue;
    const startLine = line(start);
    const endLine = line(start + body.length);
    if (endLine > startLine) out.push({ startLine, endLine, kind: FoldingRangeKind.Region });
  }
  for (const s of model.statements) {
    const startLine = line(s.start);
    const endLine = line(s.end);
    if (endLine > startLine) out.push({ startLine, endLine });
  }
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
