// The schema before each migration of a project: every migration's Up section replayed in
// version order, for linting one file without linting them all again (the language server
// asks for the state before the migration being edited). Invariant: the same replay as
// `pglc db lint` (lintFile over the files discovered by core/migrations), so the editor and
// the CLI judge a file on the same schema.

import { readFile } from 'node:fs/promises';
import type { ProjectConfig } from '../config/project-config';
import { discoverMigrations } from '../migrations/discover';
import { migrationLabel } from '../migrations/migration-file';
import { loadSqlParser } from '../sql/parse';
import { buildLintDocument, type LintDocument } from './document';
import { lintFile } from './engine/lint-file';
import { createSchemaState, type SchemaState } from './schema-state/model';
import { lintSettings, type LintSettings } from './settings';

export interface MigrationSchema {
  version: string;
  label: string;
  /** Absolute paths of the files holding its Up and (split layouts) Down sections. */
  path: string;
  downPath?: string;
  /** A split layout's Down file as read from disk (up-without-down judges the Up file by it). */
  downDocument?: LintDocument;
  /** The schema before its Up section. */
  before: SchemaState;
  /** After its Up section. */
  afterUp: SchemaState;
}

export interface ProjectSchema {
  project: ProjectConfig;
  settings: LintSettings;
  migrations: MigrationSchema[];
}

/**
 * @example const ps = await loadProjectSchema(project); ps.migrations.find((m) => m.version === '0003')?.before.tables.has('public.users')
 */
export async function loadProjectSchema(project: ProjectConfig): Promise<ProjectSchema> {
  await loadSqlParser();
  const settings = lintSettings(project.lint);
  const files = await discoverMigrations(project);
  const migrations: MigrationSchema[] = [];
  let state = createSchemaState();
  for (const m of files) {
    const text = await readFile(m.path, 'utf8');
    const role = m.format === 'pglc' || m.format === 'dbmate' ? 'sections' : 'up';
    const label = migrationLabel(m);
    const { afterUp } = lintFile(buildLintDocument(text, { format: m.format, version: m.version, role }), { path: m.path, migration: { version: m.version, label }, settings, before: state });
    const entry: MigrationSchema = { version: m.version, label, path: m.path, before: state, afterUp };
    if (m.downPath) {
      entry.downPath = m.downPath;
      const downText = await readFile(m.downPath, 'utf8').catch(() => undefined);
      if (downText !== undefined) entry.downDocument = buildLintDocument(downText, { format: m.format, version: m.version, role: 'down' });
    }
    migrations.push(entry);
    state = afterUp;
  }
  return { project, settings, migrations };
}
