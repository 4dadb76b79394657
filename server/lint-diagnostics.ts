// Schema lint findings of a migration as LSP diagnostics: the rule's name as the code with a
// link to its section of the docs shipped with the extension (codeDescription, rule-docs.ts),
// the exact range of the offending clause, related
// information (where the table was created). Fixes do not travel with the diagnostics: a long
// migration has a thousand findings, and code actions (code-actions.ts) resolve the fixes of
// the few under the cursor from the same lint run.
// Invariant: a function of the model and the project's schema before this migration (no I/O):
// the same lint as `pglc db lint`, on the statements the editor already split — derived from the
// previous version's lint where that gives the same result (lint-runs.ts).

import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { LintFinding } from '../core/lint/finding';
import type { MigrationSchema } from '../core/lint/project-schema';
import type { TableSize } from '../core/lint/rule';
import type { LintSettings } from '../core/lint/settings';
import type { LintFacts } from '../protocol/index';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { DocumentModel } from './document-model';
import { lintFindings } from './lint-runs';
import { ruleDocHref } from './rule-docs';

export interface LintInputs {
  settings: LintSettings;
  /** The migration this document is (its schema before, label and files). */
  migration: MigrationSchema;
  /** Table sizes of the active environment (`pglc/lintFacts`), by `schema.name`. */
  sizes?: ReadonlyMap<string, TableSize>;
  /** Migrations the active environment has not applied (their tables will be new there). */
  pendingVersions?: ReadonlySet<string>;
  /** The facts themselves (which environment, when read), for hovers. */
  facts?: LintFacts;
}

const SEVERITY: Record<LintFinding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

/**
 * @example computeLintDiagnostics(model, document, '/p/pglc/migrations/0002_x.sql', { settings, migration })[0].code // 'require-concurrent-index'
 */
export function computeLintDiagnostics(model: DocumentModel, document: TextDocument, path: string, inputs: LintInputs): Diagnostic[] {
  return lintModel(model, path, inputs).map((f) => toDiagnostic(f, document));
}

/** The findings of a migration's model (none for a plain SQL file). */
export function lintModel(model: DocumentModel, path: string, inputs: LintInputs): LintFinding[] {
  if (!model.migration) return [];
  return lintFindings(model, path, inputs);
}

const uris = new Map<string, string>();

/** file:// URI of a path (a finding of a long migration points at the same few files hundreds of times). */
function uriOf(path: string): string {
  let uri = uris.get(path);
  if (uri === undefined) {
    if (uris.size > 10_000) uris.clear();
    uri = pathToFileURL(path).href;
    uris.set(path, uri);
  }
  return uri;
}

export function toDiagnostic(f: LintFinding, document: TextDocument): Diagnostic {
  {
    const d: Diagnostic = {
      range: { start: document.positionAt(f.start), end: document.positionAt(f.end) },
      severity: SEVERITY[f.severity],
      code: f.rule,
      source: DIAGNOSTIC_SOURCE,
      message: f.message,
    };
    const href = ruleDocHref(f.rule);
    if (href) d.codeDescription = { href };
    const related = f.related.filter((r) => r.location.path);
    if (related.length) {
      d.relatedInformation = related.map((r) => ({
        message: r.message,
        location: { uri: uriOf(r.location.path), range: { start: { line: r.location.line, character: r.location.character }, end: { line: r.location.endLine, character: r.location.endCharacter } } },
      }));
    }
    return d;
  }
}
