// A cache of shadow models: the schema a set of migrations builds, read once from a shadow
// database and kept under <root>/.pglc/cache/shadow/ (git-ignored local state), so that drift in
// `pglc db migrate:status` costs one introspection of the environment instead of a shadow build.
// Invariants: the key is a hash of everything the shadow's schema depends on — the Up sections'
// checksums in the order they are applied, the migration table's name, the local server's major
// version and the cache format — so a hit is the model a fresh build would give; entries are
// written atomically (temp file + rename); a missing, unreadable or corrupt entry is a miss,
// never an error; only the newest few entries are kept.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProjectConfig } from '../config/project-config';
import type { MigrationFile } from '../migrations/migration-file';
import type { SchemaModel } from './model';

const FORMAT = 1;
const KEEP = 8;

export function shadowCacheDir(root: string): string {
  return join(root, '.pglc', 'cache', 'shadow');
}

/**
 * The cache key of the shadow built from `files` (already the ones applied, in order) on a
 * server of `major`.
 * @example shadowKey(project, [f0001, f0002], 15) // '3b1f…' (64 hex digits)
 */
export function shadowKey(project: ProjectConfig, files: Pick<MigrationFile, 'version' | 'checksum'>[], major: number): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ format: FORMAT, major, table: project.migrationTable, files: files.map((f) => [f.version, f.checksum]) }));
  return h.digest('hex');
}

/** The cached model for `key`, or undefined. */
export async function readShadowModel(root: string, key: string): Promise<SchemaModel | undefined> {
  try {
    const text = await readFile(join(shadowCacheDir(root), `${key}.json`), 'utf8');
    const entry = JSON.parse(text) as { key?: string; model?: SchemaModel };
    return entry.key === key && entry.model && Array.isArray(entry.model.tables) ? entry.model : undefined;
  } catch {
    return undefined;
  }
}

/** Stores `model` under `key` and drops the oldest entries beyond the newest few. Best effort: a cache that cannot be written is no cache. */
export async function writeShadowModel(root: string, key: string, model: SchemaModel): Promise<void> {
  const dir = shadowCacheDir(root);
  try {
    await mkdir(dir, { recursive: true });
    const tmp = join(dir, `.${key}.${randomBytes(4).toString('hex')}.tmp`);
    await writeFile(tmp, JSON.stringify({ key, model }));
    await rename(tmp, join(dir, `${key}.json`));
    const entries = await Promise.all((await readdir(dir)).filter((f) => f.endsWith('.json')).map(async (f) => ({ f, t: (await stat(join(dir, f))).mtimeMs })));
    for (const { f } of entries.sort((a, b) => b.t - a.t).slice(KEEP)) await unlink(join(dir, f)).catch(() => undefined);
  } catch {
    // read-only project folder, full disk: drift is computed again next time
  }
}
