// Quick fixes for schema lint findings: each finding under the cursor (or the selection)
// offers its rule's safe rewrites (add CONCURRENTLY and run the migration outside a
// transaction, split ADD CONSTRAINT into NOT VALID + VALIDATE, use text / timestamptz /
// bigint, remove an unused directive) and "disable this rule for this statement".
// Invariant: fixes are computed from the current version of the document (never from a
// diagnostic of an older version), so their offsets always match the text they edit.

import { CodeActionKind, type CodeAction, type Range, type TextEdit } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentModel } from './document-model';
import { lintModel, toDiagnostic, type LintInputs } from './lint-diagnostics';

/**
 * @example computeCodeActions(model, document, path, inputs, { start: pos, end: pos })[0].title // 'Add CONCURRENTLY (and run this migration outside a transaction)'
 */
export function computeCodeActions(model: DocumentModel, document: TextDocument, path: string, inputs: LintInputs, range: Range): CodeAction[] {
  const from = document.offsetAt(range.start);
  const to = document.offsetAt(range.end);
  const out: CodeAction[] = [];
  for (const f of lintModel(model, path, inputs)) {
    if (f.end < from || f.start > to) continue;
    const diagnostic = toDiagnostic(f, document);
    for (const fix of f.fixes) {
      // a fix that creates a file (a split layout's Down) needs documentChanges: not offered yet
      if (fix.edits.some((e) => 'createFile' in e)) continue;
      const edits: TextEdit[] = fix.edits.flatMap((e) => ('createFile' in e ? [] : [{ range: { start: document.positionAt(e.start), end: document.positionAt(e.end) }, newText: e.text }]));
      const action: CodeAction = { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: { changes: { [document.uri]: edits } } };
      if (fix.preferred) action.isPreferred = true;
      out.push(action);
    }
  }
  return out;
}
