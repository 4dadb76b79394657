// The lint inputs of a migration document: its project's settings ([lint] of pglc.toml), the
// schema the earlier migrations leave (core/lint/project-schema.ts), and — when the client sent
// them — the active environment's facts (table sizes, server version: `pglc/lintFacts`) and which
// migrations it has not applied (`pglc/migrationStatus`). The schema is read from disk once per
// project and kept until a migration file or pglc.toml changes.
// Invariants: file reads only (never a database: facts and status come from the client); a
// project that cannot be read (broken pglc.toml, two migrations with one version) gives no lint
// inputs — the syntax diagnostics still show — rather than findings on a wrong schema; the
// inputs of a project are the same objects until something they are made of changes (the
// incremental lint reuses a run only with the very same inputs).

import { dirname, resolve } from 'node:path';
import type { EnvVars } from '../core/config/dotenv';
import { findProjectRoot, loadProject } from '../core/config/load-config';
import { loadProjectSchema, type MigrationSchema, type ProjectSchema } from '../core/lint/project-schema';
import type { TableSize } from '../core/lint/rule';
import { createSchemaState, objectKey } from '../core/lint/schema-state/model';
import { lintSettings, type LintSettings } from '../core/lint/settings';
import { compareVersions } from '../core/migrations/version';
import type { LintFacts, LintFactsParams, MigrationStatusParams } from '../protocol/index';
import type { LintInputs } from './lint-diagnostics';
import type { MigrationDocumentInfo } from './migration-document';

export interface LintContexts {
  /** Inputs for the migration at `path`, or undefined outside a readable project. */
  inputsFor(path: string, info: MigrationDocumentInfo): Promise<LintInputs | undefined>;
  /** A migration file or pglc.toml changed on disk: read the projects again when next asked. */
  invalidate(): void;
  /** The client's facts of the active environment of a project (undefined facts: none). */
  setFacts(params: LintFactsParams): void;
  /** The client's migration status of the active environment (which migrations are pending there). */
  setStatus(params: MigrationStatusParams): void;
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

/** What the environment adds to a project's inputs, built once per (schema, facts, status). */
interface EnvironmentInputs {
  schema: ProjectSchema;
  facts: LintFacts | undefined;
  pending: string | undefined;
  settings: LintSettings;
  sizes?: ReadonlyMap<string, TableSize>;
  pendingVersions?: ReadonlySet<string>;
}

/**
 * @example const lint = createLintContexts(loadSchemaFromDisk(process.env)); await lint.inputsFor(path, info)
 */
export function createLintContexts(load: LoadSchema): LintContexts {
  const schemas = new Map<string, Promise<ProjectSchema | undefined>>();
  const facts = new Map<string, LintFacts>();
  /** Versions pending on the active environment, sorted and joined (a cheap identity), by root. */
  const pending = new Map<string, string>();
  const built = new Map<string, EnvironmentInputs>();
  const migrations = new Map<string, Map<string, MigrationSchema>>();

  const environmentInputs = (root: string, schema: ProjectSchema): EnvironmentInputs => {
    const f = facts.get(root);
    const p = pending.get(root);
    const hit = built.get(root);
    if (hit && hit.schema === schema && hit.facts === f && hit.pending === p) return hit;
    const out: EnvironmentInputs = { schema, facts: f, pending: p, settings: f ? lintSettings(schema.project.lint, f) : schema.settings };
    if (f) {
      out.sizes = new Map(f.tables.map((t) => [objectKey(t.schema, t.name), { rows: t.rows, bytes: t.bytes }]));
      // the status is the same environment's when both came with facts
      if (p !== undefined) out.pendingVersions = new Set(p ? p.split('\n') : []);
    }
    built.set(root, out);
    return out;
  };

  return {
    async inputsFor(path, info) {
      const found = findProjectRoot(dirname(path));
      if (!found) return undefined;
      const root = resolve(found);
      let ps = schemas.get(root);
      if (!ps) {
        ps = load(root).catch(() => undefined);
        schemas.set(root, ps);
        migrations.delete(root);
      }
      const schema = await ps;
      if (!schema) return undefined;
      const env = environmentInputs(root, schema);
      // the same MigrationSchema object for a file the schema does not know yet, too
      let byVersion = migrations.get(root);
      if (!byVersion) migrations.set(root, (byVersion = new Map()));
      let migration = byVersion.get(`${info.version}\n${path}`);
      if (!migration) byVersion.set(`${info.version}\n${path}`, (migration = migrationFor(schema, info.version, path)));
      const inputs: LintInputs = { settings: env.settings, migration };
      if (env.sizes) inputs.sizes = env.sizes;
      if (env.pendingVersions) inputs.pendingVersions = env.pendingVersions;
      if (env.facts) inputs.facts = env.facts;
      return inputs;
    },
    invalidate() {
      schemas.clear();
      migrations.clear();
    },
    setFacts(params) {
      const root = resolve(params.root);
      if (params.facts) facts.set(root, params.facts);
      else facts.delete(root);
    },
    setStatus(params) {
      const root = resolve(params.root);
      const rows = params.status?.rows;
      if (!rows) pending.delete(root);
      else pending.set(root, rows.filter((r) => r.state === 'pending' || r.state === 'out-of-order').map((r) => r.version).sort().join('\n'));
    },
  };
}
