// CodeLens on migration files from the latest `pglc/migrationStatus` the client sent: "▶ Apply"
// on pending ones, "↶ Rollback" on the last applied one, "✓ applied …" otherwise, and warnings
// for modified and out-of-order migrations. Documents match status rows by absolute path.
// Invariant: a plain function of (model, document, status); the server never asks a database —
// without a status there are no status lenses (only the client's problem, if it sent one).

import { resolve } from 'node:path';
import type { CodeLens } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { compareVersions } from '../core/migrations/version';
import { EditorCommands, type MigrationStatusParams, type MigrationStatusRow } from '../protocol/index';
import type { DocumentModel } from './document-model';
import { isInside } from './migration-document';

export interface CodeLensContext {
  /** Absolute path of the document. */
  path: string;
  status?: MigrationStatusParams;
  /** IANA zone for "applied at" times (default: the server's local zone). */
  timeZone?: string;
}

/** `2026-11-20 14:02` in `timeZone`; the input unchanged when it is not a date. */
export function formatAppliedAt(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-CA', {
    ...(timeZone ? { timeZone } : {}),
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

function appliedTitle(row: MigrationStatusRow, timeZone?: string): string {
  const parts = ['✓ applied'];
  if (row.appliedAt) parts[0] += ` ${formatAppliedAt(row.appliedAt, timeZone)}`;
  if (row.durationMs !== undefined) parts.push(`${Math.round(row.durationMs)} ms`);
  return parts.join(' · ');
}

const isPending = (r: MigrationStatusRow): boolean => r.state === 'pending' || r.state === 'out-of-order';
const isApplied = (r: MigrationStatusRow): boolean => r.state === 'applied' || r.state === 'modified' || r.state === 'missing';

/** The line the lenses sit on: the Up marker's, else the first line. */
function lensLine(model: DocumentModel): number {
  return model.sections.find((s) => s.kind === 'up' && s.marker)?.marker?.line ?? 0;
}

/**
 * @example computeCodeLenses(model, doc, { path: '/p/pglc/migrations/0002_x.sql', status })
 *   // [{ range: …line 0…, command: { title: '▶ Apply (and 1 earlier pending)', command: 'pglc.migrate.applyUpTo', arguments: ['0002'] } }]
 */
export function computeCodeLenses(model: DocumentModel, _document: TextDocument, ctx: CodeLensContext): CodeLens[] {
  if (!model.migration || model.migration.role === 'down') return [];
  const status = ctx.status;
  if (!status || !isInside(ctx.path, status.root)) return [];
  const line = lensLine(model);
  const lens = (title: string, command = '', args?: unknown[]): CodeLens => ({
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    command: { title, command, ...(args ? { arguments: args } : {}) },
  });
  if (!status.status) return status.problem ? [lens(`⚠ ${status.problem}`, EditorCommands.showOutput)] : [];

  const rows = status.status.rows;
  const row = rows.find((r) => r.file !== undefined && resolve(status.root, r.file) === ctx.path);
  if (!row) return [];
  const lastApplied = rows.filter(isApplied).reduce<MigrationStatusRow | undefined>(
    (max, r) => (!max || compareVersions(r.version, max.version) > 0 ? r : max),
    undefined,
  );
  const rollback = lastApplied?.version === row.version ? [lens('↶ Rollback', EditorCommands.rollbackLast, [row.version])] : [];
  const apply = (): CodeLens => {
    const earlier = rows.filter((r) => isPending(r) && compareVersions(r.version, row.version) < 0).length;
    return lens(earlier ? `▶ Apply (and ${earlier} earlier pending)` : '▶ Apply', EditorCommands.applyUpTo, [row.version]);
  };
  switch (row.state) {
    case 'pending':
      return [apply()];
    case 'out-of-order':
      return [lens('↯ out of order'), apply()];
    case 'modified':
      return [lens('⚠ modified since applied'), ...rollback];
    case 'applied':
      return [lens(appliedTitle(row, ctx.timeZone)), ...rollback];
    case 'missing':
      return [];
  }
}
