// Decides whether a .sql document is a migration, and in which layout, from its path inside the
// project's migration folders (and, for single files, its text): the same rules as
// core/migrations/discover.ts, so the editor shows sections exactly where `pglc db migrate`
// finds them. Invariant: pure (no file system); a file not named like a migration is plain SQL.

import { basename, dirname, isAbsolute, relative, sep } from 'node:path';
import { entryVersion, isSupabaseFolder } from '../core/migrations/discover';
import { looksLikeDbmate } from '../core/migrations/sections';
import type { MigrationFormat } from '../protocol/index';

/** Which sections one file holds: both (markers), only Up, or only Down (split layouts). */
export type MigrationFileRole = 'sections' | 'up' | 'down';

export interface MigrationDocumentInfo {
  format: MigrationFormat;
  version: string;
  role: MigrationFileRole;
}

const SPLIT_SUFFIX = /\.(up|down)\.sql$/i;

/** Whether `path` is `dir` or inside it (both absolute). */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

/**
 * The migration layout of the document at absolute `path`, or undefined when it is not a
 * migration of one of `migrationDirs` (absolute folders).
 * @example classifyMigrationDocument('/p/pglc/migrations/0001_init.sql', '-- Up\n', ['/p/pglc/migrations'])
 *   // { format: 'pglc', version: '0001', role: 'sections' }
 */
export function classifyMigrationDocument(path: string, text: string, migrationDirs: readonly string[]): MigrationDocumentInfo | undefined {
  if (!/\.sql$/i.test(path)) return undefined;
  for (const dir of migrationDirs) {
    if (!isInside(path, dir) || path === dir) continue;
    const parts = toPosix(relative(dir, path)).split('/');
    const name = parts[parts.length - 1] ?? '';
    if (parts.length === 1) {
      const version = entryVersion(name, false);
      if (!version) return undefined;
      const split = SPLIT_SUFFIX.exec(name);
      if (split) return { format: 'split-files', version, role: (split[1] ?? '').toLowerCase() === 'up' ? 'up' : 'down' };
      if (isSupabaseFolder(toPosix(dir))) return { format: 'supabase', version, role: 'up' };
      return { format: looksLikeDbmate(text) ? 'dbmate' : 'pglc', version, role: 'sections' };
    }
    if (parts.length === 2 && /^(up|down)\.sql$/.test(name)) {
      const version = entryVersion(basename(dirname(path)), true);
      if (version) return { format: 'split-folder', version, role: name === 'up.sql' ? 'up' : 'down' };
    }
    return undefined;
  }
  return undefined;
}
