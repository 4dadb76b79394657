// Hover on a statement: its label and parse-node kind, and how it runs — inside the migration's
// transaction, outside one (and why: which statement PostgreSQL refuses in a transaction block,
// or the file's declaration), or in the section's own BEGIN/COMMIT.
// Invariant: a plain function of the model; the explanation uses the same rules as
// `pglc db migrate` (core's nonTransactionalStatement / transactionControl via the model).

import { MarkupKind, type Hover, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { statementAt, type DocumentModel, type ModelSection, type ModelStatement } from './document-model';

function lineOf(document: TextDocument, offset: number): number {
  return document.positionAt(offset).line + 1;
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** One paragraph on whether and why the statement runs in a transaction. */
function transactionText(model: DocumentModel, document: TextDocument, s: ModelStatement, section: ModelSection): string {
  const noun = section.kind === 'down' ? 'rollback' : 'migration';
  if (section.kind === 'preamble') return `Above ${code(model.markerNames.up)}: this statement belongs to no section and would never run.`;
  if (section.kind === 'file') {
    if (s.noTransaction) return `${s.noTransaction} cannot run inside a transaction block: run it on its own.`;
    if (s.transactionControl) return s.transactionControl === 'open' ? 'Opens a transaction block.' : 'Ends a transaction block.';
    return 'Can run inside a transaction.';
  }
  switch (section.mode) {
    case 'transaction':
      return `Runs inside the ${noun}'s transaction: if any statement of this section fails, none of it is applied.`;
    case 'own-transaction': {
      const by = section.decidedBy !== undefined ? model.statements[section.decidedBy] : undefined;
      const where = by ? ` (${code(by.label)} on line ${lineOf(document, by.start)})` : '';
      return `This section manages its own transaction${where}: pglc runs it as written, without wrapping it in another.`;
    }
    case 'no-transaction': {
      const each = 'each statement commits on its own, so a failure leaves the earlier ones applied';
      if (s.noTransaction) {
        const declared = section.declared ? ` (${declaration(model, section)})` : '';
        return `${s.noTransaction} cannot run inside a transaction: this ${noun} runs outside one${declared} — ${each}.`;
      }
      if (section.declared) return `Runs outside a transaction: ${declaration(model, section)} — ${each}.`;
      const by = section.decidedBy !== undefined ? model.statements[section.decidedBy] : undefined;
      const reason = by?.noTransaction ?? 'a statement that cannot run in a transaction block';
      const where = by ? ` on line ${lineOf(document, by.start)}` : '';
      return `Runs outside a transaction: this ${noun} has ${reason}${where}, which cannot run inside one — ${each}.`;
    }
  }
}

function declaration(model: DocumentModel, section: ModelSection): string {
  return section.declared === 'marker'
    ? `its marker says ${code(`${section.kind === 'down' ? model.markerNames.down : model.markerNames.up} transaction:false`)}`
    : `the file declares ${code('-- pglc:no-transaction')}`;
}

/**
 * @example computeHover(model, doc, { line: 3, character: 4 })?.contents // { kind: 'markdown', value: '**CREATE INDEX CONCURRENTLY i** · `IndexStmt`\n\nCREATE INDEX CONCURRENTLY cannot run inside a transaction: …' }
 */
export function computeHover(model: DocumentModel, document: TextDocument, position: Position): Hover | null {
  const s = statementAt(model, document.offsetAt(position));
  if (!s) return null;
  const section = model.sections[s.section] as ModelSection;
  let body: string;
  let kind: string;
  if (s.meta) {
    kind = 'psql meta-command';
    body = 'pglc does not run psql meta-commands: only psql can (pglc sends SQL to the server).';
  } else if (s.error !== undefined) {
    kind = 'not parsed';
    body = `PostgreSQL's parser rejects it: ${model.syntaxErrors[s.error]?.message ?? 'syntax error'}.`;
  } else {
    kind = code(s.kind ?? 'statement');
    body = transactionText(model, document, s, section);
  }
  return {
    contents: { kind: MarkupKind.Markdown, value: `**${s.label.replace(/([*_`\\[\]])/g, '\\$1')}** · ${kind}\n\n${body}` },
    range: { start: document.positionAt(s.start), end: document.positionAt(s.end) },
  };
}
