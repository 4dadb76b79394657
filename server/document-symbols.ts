// The outline of a document: in migrations, the Up and Down sections as namespaces holding their
// statements; in plain .sql files, the statements. Labels come from the parse tree
// ("CREATE TABLE users"), kinds from the statement type.
// Invariant: every child's range lies inside its parent's, and selectionRange inside range (LSP
// requires both; VS Code drops the outline otherwise).

import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { DocumentModel, ModelSection, ModelStatement, OffsetRange } from './document-model';

const KINDS: Record<string, SymbolKind> = {
  CreateStmt: SymbolKind.Struct,
  CreateTableAsStmt: SymbolKind.Struct,
  ViewStmt: SymbolKind.Interface,
  RefreshMatViewStmt: SymbolKind.Interface,
  IndexStmt: SymbolKind.Key,
  CreateFunctionStmt: SymbolKind.Function,
  DoStmt: SymbolKind.Function,
  CreateSchemaStmt: SymbolKind.Module,
  CreateEnumStmt: SymbolKind.Enum,
  AlterEnumStmt: SymbolKind.EnumMember,
  CompositeTypeStmt: SymbolKind.TypeParameter,
  CreateDomainStmt: SymbolKind.TypeParameter,
  CreateExtensionStmt: SymbolKind.Package,
  CreateSeqStmt: SymbolKind.Number,
  AlterSeqStmt: SymbolKind.Number,
  CreateTrigStmt: SymbolKind.Event,
  CreatePolicyStmt: SymbolKind.Boolean,
  AlterPolicyStmt: SymbolKind.Boolean,
  GrantStmt: SymbolKind.Key,
  GrantRoleStmt: SymbolKind.Key,
  CreateRoleStmt: SymbolKind.Object,
  AlterTableStmt: SymbolKind.Property,
  RenameStmt: SymbolKind.Property,
  CommentStmt: SymbolKind.String,
  DropStmt: SymbolKind.Null,
  TruncateStmt: SymbolKind.Null,
  InsertStmt: SymbolKind.Operator,
  UpdateStmt: SymbolKind.Operator,
  DeleteStmt: SymbolKind.Operator,
  MergeStmt: SymbolKind.Operator,
  CopyStmt: SymbolKind.Operator,
  SelectStmt: SymbolKind.Variable,
  VariableSetStmt: SymbolKind.Variable,
  TransactionStmt: SymbolKind.Event,
};

/** The outline symbol kind of a statement kind (`Field` when unknown or unparsed). */
export function symbolKindOf(kind: string | undefined): SymbolKind {
  return (kind && KINDS[kind]) || SymbolKind.Field;
}

function lspRange(document: TextDocument, r: OffsetRange): DocumentSymbol['range'] {
  return { start: document.positionAt(r.start), end: document.positionAt(r.end) };
}

/** From `start` to the end of its line, clipped to `end`. */
function firstLine(text: string, r: OffsetRange): OffsetRange {
  const n = text.slice(r.start, r.end).search(/\r|\n/);
  return { start: r.start, end: n < 0 ? r.end : r.start + n };
}

function statementSymbol(document: TextDocument, text: string, s: ModelStatement): DocumentSymbol {
  return {
    name: s.label,
    detail: s.meta ? 'psql meta-command' : s.kind ?? 'syntax error',
    kind: s.meta ? SymbolKind.String : symbolKindOf(s.kind),
    range: lspRange(document, s),
    selectionRange: lspRange(document, firstLine(text, s)),
  };
}

const MODE_DETAIL = { transaction: 'in a transaction', 'no-transaction': 'outside a transaction', 'own-transaction': 'its own transaction' } as const;

function sectionSymbol(document: TextDocument, text: string, model: DocumentModel, section: ModelSection): DocumentSymbol {
  const start = section.marker?.start ?? section.start;
  // trailing blank lines are not part of the section — but an unterminated quote runs to the end
  const lastStatement = model.statements[section.statements[section.statements.length - 1] ?? -1];
  const end = Math.max(section.marker?.end ?? start, start + text.slice(start, section.end).trimEnd().length, lastStatement?.end ?? start);
  const selection = section.marker ?? { start, end: start };
  return {
    name: section.kind === 'up' ? 'Up' : 'Down',
    detail: MODE_DETAIL[section.mode],
    kind: SymbolKind.Namespace,
    range: lspRange(document, { start, end }),
    selectionRange: lspRange(document, selection),
    children: section.statements.map((i) => statementSymbol(document, text, model.statements[i] as ModelStatement)),
  };
}

/**
 * @example computeDocumentSymbols(model, doc).map((s) => s.name) // ['Up', 'Down']
 */
export function computeDocumentSymbols(model: DocumentModel, document: TextDocument): DocumentSymbol[] {
  const text = document.getText();
  return model.sections.flatMap((section) =>
    section.kind === 'up' || section.kind === 'down'
      ? [sectionSymbol(document, text, model, section)]
      : section.statements.map((i) => statementSymbol(document, text, model.statements[i] as ModelStatement)),
  );
}
