// Diagnostics of one document: every syntax error at the token PostgreSQL's parser points at,
// psql meta-commands (information: pglc runs SQL only), and — in migration files only — the
// problems that make `pglc db migrate` refuse a file without touching a database.
// Invariant: a plain function of the model (no I/O, no parsing), ordered by position.

import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentModel, OffsetRange } from './document-model';

export const DIAGNOSTIC_SOURCE = 'pglc';

function range(document: TextDocument, r: OffsetRange): Diagnostic['range'] {
  return { start: document.positionAt(r.start), end: document.positionAt(r.end) };
}

/**
 * @example computeDiagnostics(buildDocumentModel('select 1 frm y', 1), doc)[0].message // 'syntax error at or near "y"'
 */
export function computeDiagnostics(model: DocumentModel, document: TextDocument): Diagnostic[] {
  const out: (Diagnostic & { at: number })[] = [];
  const add = (r: OffsetRange, severity: DiagnosticSeverity, code: string, message: string): void => {
    out.push({ at: r.start, range: range(document, r), severity, code, source: DIAGNOSTIC_SOURCE, message });
  };
  for (const e of model.syntaxErrors) add(e, DiagnosticSeverity.Error, 'syntax-error', e.message);
  const migration = model.migration !== undefined;
  for (const s of model.statements) {
    if (s.meta) {
      add(s, DiagnosticSeverity.Information, 'psql-meta-command',
        migration
          ? `pglc does not run psql meta-commands: ${s.label} is psql's, not SQL — pglc db migrate refuses this file — replace it with plain SQL.`
          : `pglc does not run psql meta-commands: ${s.label} is psql's, not SQL (only psql can run this file).`);
    } else if (migration && s.copyFromStdin) {
      add(s, DiagnosticSeverity.Error, 'copy-from-stdin',
        'COPY … FROM STDIN reads its rows from psql\'s input, which pglc does not send — pglc db migrate refuses this file — use INSERT … VALUES (or a seed file).');
    }
  }
  if (migration) {
    for (const p of model.problems) add(p, p.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, p.code, p.message);
  }
  return out.sort((a, b) => a.at - b.at).map(({ at: _at, ...d }) => d);
}
