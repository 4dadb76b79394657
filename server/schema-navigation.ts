// Tables and columns under the cursor, from the schema model the linter replays: hover shows a
// table's definition (its columns, and where it was created) and go to definition jumps to the
// migration statement that created the table. Why from the replay and not a database: the
// language server never connects, and the migrations are where the definition lives.
// Invariants: a plain function of the model, the document and the lint inputs; a name that is
// not a table of the schema (a keyword, an alias, a function) gives nothing.

import { pathToFileURL } from 'node:url';
import { MarkupKind, type Hover, type Location, type Position } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compactBytes, compactCount } from '../core/lint/rules/common';
import { objectKey, type SchemaState, type TableState } from '../core/lint/schema-state/model';
import { isCodeToken, scanSql, type SqlToken } from '../core/sql/lexer';
import { statementAt, type DocumentModel } from './document-model';
import type { LintInputs } from './lint-diagnostics';
import { schemaAfterUp } from './lint-runs';

interface NameAt {
  schema?: string;
  name: string;
  start: number;
  end: number;
}

function identifier(text: string, t: SqlToken): string | undefined {
  const raw = text.slice(t.start, t.end);
  if (t.kind === 'word') return raw.toLowerCase();
  if (t.kind === 'quoted-ident' && raw.startsWith('"')) return raw.slice(1, -1).replace(/""/g, '"');
  return undefined;
}

/** The (possibly schema-qualified) identifier at `offset`, with its range in the document. */
function nameAt(model: DocumentModel, offset: number): NameAt | undefined {
  const s = statementAt(model, offset);
  if (!s || s.meta) return undefined;
  const text = model.text.slice(s.start, s.end);
  const tokens = scanSql(text).filter(isCodeToken);
  const rel = offset - s.start;
  const i = tokens.findIndex((t) => t.start <= rel && rel <= t.end && (t.kind === 'word' || t.kind === 'quoted-ident'));
  if (i < 0) return undefined;
  const t = tokens[i] as SqlToken;
  const name = identifier(text, t);
  if (!name) return undefined;
  const dot = tokens[i - 1];
  const prev = tokens[i - 2];
  if (dot && prev && text.slice(dot.start, dot.end) === '.') {
    const schema = identifier(text, prev);
    if (schema) return { schema, name, start: s.start + prev.start, end: s.start + t.end };
  }
  return { name, start: s.start + t.start, end: s.start + t.end };
}

/** The schema after this file's Up section, which holds the tables it creates too. */
function schemaOf(model: DocumentModel, path: string, inputs: LintInputs): SchemaState {
  return schemaAfterUp(model, path, inputs);
}

function tableAt(model: DocumentModel, path: string, inputs: LintInputs, offset: number): { at: NameAt; table: TableState } | undefined {
  const at = nameAt(model, offset);
  if (!at) return undefined;
  const state = schemaOf(model, path, inputs);
  const table = state.tables.get(objectKey(at.schema ?? 'public', at.name)) ?? (inputs.migration.before.tables.get(objectKey(at.schema ?? 'public', at.name)));
  return table ? { at, table } : undefined;
}

/** `\n\n12M rows, 3.1 GB on staging (estimates read 2026-12-07 13:05 UTC)` when the client sent the active environment's facts. */
function sizeLine(inputs: LintInputs, key: string): string {
  const f = inputs.facts;
  if (!f) return '';
  const size = inputs.sizes?.get(key);
  const read = `${f.readAt.slice(0, 16).replace('T', ' ')} UTC`;
  if (!size) return `\n\nNot on ${f.environment} (tables read ${read})`;
  return `\n\n**${compactCount(size.rows)} row${size.rows === 1 ? '' : 's'}, ${compactBytes(size.bytes)}** on ${f.environment} (estimates read ${read})`;
}

/**
 * @example computeSchemaHover(model, doc, path, inputs, pos)?.contents // { kind: 'markdown', value: '**orders** · table, created by 0001_orders …' }
 */
export function computeSchemaHover(model: DocumentModel, document: TextDocument, path: string, inputs: LintInputs, position: Position): Hover | null {
  const found = tableAt(model, path, inputs, document.offsetAt(position));
  if (!found) return null;
  const { at, table } = found;
  const where = table.createdAt.migration === inputs.migration.version ? 'created in this migration' : `created by ${table.createdAt.label ?? table.createdAt.migration ?? 'an earlier migration'}`;
  const esc = (s: string) => s.replace(/([*_`\\[\]|])/g, '\\$1');
  const title = table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
  const rows = table.columns.map((c) => `| ${esc(c.name)} | \`${c.type?.sql ?? '?'}\` | ${[c.notNull ? 'not null' : '', c.default ? `default \`${c.default.sql}\`` : '', c.generated ? `generated (${c.generated})` : '', c.identity ? `identity (${c.identity})` : ''].filter(Boolean).join(', ')} |`);
  const columns = rows.length ? `\n\n| column | type | |\n|---|---|---|\n${rows.join('\n')}` : '';
  const more = table.knownColumns ? '' : '\n\n(some columns come from elsewhere: LIKE, INHERITS or AS SELECT)';
  const constraints = table.constraints.length ? `\n\nConstraints: ${table.constraints.map((c) => `${esc(c.name)} (${c.kind}${c.valid ? '' : ', not valid'})`).join(', ')}` : '';
  return {
    contents: { kind: MarkupKind.Markdown, value: `**${esc(title)}** · ${table.kind === 'table' ? 'table' : table.kind}, ${esc(where)}${sizeLine(inputs, objectKey(table.schema, table.name))}${columns}${more}${constraints}` },
    range: { start: document.positionAt(at.start), end: document.positionAt(at.end) },
  };
}

/**
 * @example computeSchemaDefinition(model, doc, path, inputs, pos) // { uri: 'file:///p/pglc/migrations/0001_orders.sql', range: … }
 */
export function computeSchemaDefinition(model: DocumentModel, document: TextDocument, path: string, inputs: LintInputs, position: Position): Location | null {
  const found = tableAt(model, path, inputs, document.offsetAt(position));
  const loc = found?.table.createdAt;
  if (!loc?.path) return null;
  return { uri: pathToFileURL(loc.path).href, range: { start: { line: loc.line, character: loc.character }, end: { line: loc.endLine, character: loc.endCharacter } } };
}
