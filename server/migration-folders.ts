// Which folders hold migrations, for a document: the client's `pglc/migrationStatus` says so
// (migrationDirs) for its project; before that arrives — or for another project — the server
// reads pglc.toml itself (core's loadProject). Invariant: file reads only (never a database);
// each project's config is read once until configChanged(); a broken pglc.toml falls back to
// the default folder rather than hiding every migration.

import { dirname, resolve } from 'node:path';
import { DEFAULT_MIGRATIONS_DIR, findProjectRoot, loadProject } from '../core/config/load-config';
import type { EnvVars } from '../core/config/dotenv';
import type { MigrationStatusParams } from '../protocol/index';
import { isInside } from './migration-document';

export interface MigrationFolders {
  /** Absolute migration folders that apply to the file at `path` (empty outside any project). */
  dirsFor(path: string): Promise<readonly string[]>;
  /** The client's status arrived: its migrationDirs win for its project. */
  setStatus(params: MigrationStatusParams): void;
  /** A pglc.toml changed: read configs again. */
  configChanged(): void;
  /** Changes whenever the answer of dirsFor may have changed (for caches). */
  generation(): number;
}

/** Reads a project's migration folders from its pglc.toml. */
export type LoadMigrationDirs = (root: string) => Promise<string[]>;

export function loadMigrationDirsFromConfig(env: EnvVars): LoadMigrationDirs {
  return async (root) => {
    try {
      const project = await loadProject({ env, cwd: root });
      return project.migrations.map((m) => resolve(project.root, m));
    } catch {
      return [resolve(root, DEFAULT_MIGRATIONS_DIR)];
    }
  };
}

/**
 * @example const folders = createMigrationFolders(loadMigrationDirsFromConfig(process.env)); await folders.dirsFor('/p/pglc/migrations/0001_a.sql') // ['/p/pglc/migrations']
 */
export function createMigrationFolders(load: LoadMigrationDirs): MigrationFolders {
  let status: MigrationStatusParams | undefined;
  let gen = 0;
  const roots = new Map<string, string | undefined>();
  const configs = new Map<string, Promise<string[]>>();

  const rootOf = (dir: string): string | undefined => {
    if (!roots.has(dir)) roots.set(dir, findProjectRoot(dir));
    return roots.get(dir);
  };

  return {
    async dirsFor(path) {
      if (status && isInside(path, status.root)) return status.migrationDirs;
      const root = rootOf(dirname(path));
      if (!root) return [];
      let dirs = configs.get(root);
      if (!dirs) {
        dirs = load(root);
        configs.set(root, dirs);
      }
      return dirs;
    },
    setStatus(params) {
      const changed = !status || status.root !== params.root || status.migrationDirs.join('\0') !== params.migrationDirs.join('\0');
      status = params;
      if (changed) gen++;
    },
    configChanged() {
      roots.clear();
      configs.clear();
      gen++;
    },
    generation: () => gen,
  };
}
