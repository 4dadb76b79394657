// The lint inputs of a migration document: its project's settings ([lint] of pglc.toml) and
// the schema the earlier migrations leave (core/lint/project-schema.ts), read from disk once
// per project and kept until a migration file or pglc.toml changes. Invariants: file reads
// only (never a database); a project that cannot be read (broken pglc.toml, two migrations
// with one version) gives no lint inputs — the syntax diagnostics still show — rather than
// findings on a wrong schema.

import { dirname } from 'node:path';
import type { EnvVars } from '../core/config/dotenv';
import { findProjectRoot, loadProject } from '../core/config/load-config';
import { loadProjectSchema, type MigrationSchema, type ProjectSchema } from '../core/lint/project-schema';
import { createSchemaState } from '../core/lint/schema-state/model';
import { compareVersions } from '../core/migrations/version';
import type { LintInputs } from './lint-diagnostics';
import type { MigrationDocumentInfo } from './migration-document';

export interface LintContexts {
  /** Inputs for the migration at `path`, or undefined outside a readable project. */
  inputsFor(path: string, info: MigrationDocumentInfo): Promise<LintInputs | undefined>;
  /** A migration file or pglc.toml changed on disk: read the projects again when next asked. */
  invalidate(): void;
}

export type LoadSchema = (root: string) => Promise<ProjectSchema>;

export function loadSchemaFromDisk(env: EnvVars): LoadSchema {
  return async (root) => loadProjectSchema(await loadProject({ env, cwd: root }));
}

/** The migration `version` is, or — for a file the schema has not seen yet — a new one after the earlier ones. */
export function migrationFor(ps: ProjectSchema, version: string, path: string): MigrationSchema {
  const known = ps.migrations.find((m) => m.version === version);
  if (known) return known;
  let before = createSchemaState();
  for (const m of ps.migrations) if (compareVersions(m.version, version) < 0) before = m.afterUp;
  return { version, label: version, path, before, afterUp: before };
}

/**
 * @example const lint = createLintContexts(loadSchemaFromDisk(process.env)); await lint.inputsFor(path, info)
 */
export function createLintContexts(load: LoadSchema): LintContexts {
  const schemas = new Map<string, Promise<ProjectSchema | undefined>>();
  return {
    async inputsFor(path, info) {
      const root = findProjectRoot(dirname(path));
      if (!root) return undefined;
      let ps = schemas.get(root);
      if (!ps) {
        ps = load(root).catch(() => undefined);
        schemas.set(root, ps);
      }
      const schema = await ps;
      if (!schema) return undefined;
      return { settings: schema.settings, migration: migrationFor(schema, info.version, path) };
    },
    invalidate() {
      schemas.clear();
    },
  };
}
