// `pglc init`: makes the current folder a Postgres Lifecycle project — pglc.toml, pglc/ folders,
// .gitignore entries — adopting a migrations folder another tool already uses.
// Invariant: never overwrites a pglc.toml without `force`, never duplicates .gitignore lines,
// never touches existing migrations; pglc.toml is written last, so an init that fails half-way
// can simply be run again.

import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { InitResult } from '../../protocol/index';
import { PglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import { CONFIG_FILE, DEFAULT_MIGRATIONS_DIR, DEFAULT_MIGRATION_TABLE, DEFAULT_LOCK_TIMEOUT_SECONDS, findProjectRoot } from '../config/load-config';
import { embeddedDatabaseName } from '../config/resolve-environment';

export interface DetectedMigrations {
  /** Folder relative to the project root. */
  dir: string;
  /** Human description, e.g. `Supabase (supabase/migrations)`. */
  description: string;
}

/** Lines init makes sure .gitignore has: local state (the embedded cluster's data) and local backups. */
export const GITIGNORE_ENTRIES = ['.pglc/', 'backups/'] as const;

/**
 * Creates pglc.toml, pglc/migrations/ (unless another tool's migrations folder is detected),
 * pglc/seeds/ and the .gitignore entries in ctx.cwd.
 * @example const r = await initProject({ env: {}, cwd: '/srv/shop' }, {}); // r.created → ['pglc.toml', …]
 */
export async function initProject(ctx: OperationContext, opts: { force?: boolean }): Promise<InitResult> {
  const root = ctx.cwd;
  const configFile = join(root, CONFIG_FILE);
  if (existsSync(configFile) && !opts.force) throw exists(configFile);
  const above = findProjectRoot(dirname(root));
  if (above && above !== root) {
    note(ctx, `${join(above, CONFIG_FILE)} exists in a parent folder; ${root} becomes a separate project.`, 'warn');
  }

  const created: string[] = [];
  // A new, empty folder gets a .gitkeep so git records it; an existing one is left as it is.
  const ensureDir = async (rel: string) => {
    const abs = join(root, rel);
    if (existsSync(abs)) return;
    await mkdir(abs, { recursive: true });
    await writeFile(join(abs, '.gitkeep'), '');
    created.push(`${rel}/`, `${rel}/.gitkeep`);
  };

  // Our own folder wins over detection (re-running init with --force keeps using it).
  const detected = existsSync(join(root, DEFAULT_MIGRATIONS_DIR)) ? undefined : await detectMigrations(root);
  const migrationsDir = detected?.dir ?? DEFAULT_MIGRATIONS_DIR;
  if (!detected) await ensureDir(DEFAULT_MIGRATIONS_DIR);
  await ensureDir('pglc/seeds');

  const gitignore = await updateGitignore(root);
  if (gitignore === 'created') created.push('.gitignore');
  else if (gitignore === 'updated') note(ctx, `Added ${GITIGNORE_ENTRIES.join(' and ')} to .gitignore.`, 'info');

  const name = basename(root);
  try {
    await writeFile(configFile, configTemplate({ name, migrationsDir, detected }), { flag: opts.force ? 'w' : 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw exists(configFile);
    throw e;
  }
  created.unshift(CONFIG_FILE);

  const result: InitResult = { root, created, migrationsDir };
  if (detected) result.detected = detected.description;
  return result;
}

/**
 * Finds a migrations folder of a tool the project already uses, in this order: Supabase
 * (supabase/migrations), dbmate (db/migrations), golang-migrate or plain (migrations/),
 * Hasura (hasura/migrations, or hasura/migrations/<database>/ when it holds the version folders).
 * @example await detectMigrations('/srv/app') // { dir: 'supabase/migrations', description: 'Supabase (supabase/migrations)' }
 */
export async function detectMigrations(root: string): Promise<DetectedMigrations | undefined> {
  if (await isDir(join(root, 'supabase/migrations'))) return found('supabase/migrations', 'Supabase');
  if (await isDir(join(root, 'db/migrations'))) return found('db/migrations', 'dbmate');
  if (await isDir(join(root, 'migrations'))) {
    const names = await readdir(join(root, 'migrations'));
    return found('migrations', names.some((n) => /\.(up|down)\.sql$/.test(n)) ? 'golang-migrate' : 'plain SQL');
  }
  if (await isDir(join(root, 'hasura/migrations'))) return found(await hasuraDir(root), 'Hasura');
  return undefined;
}

/** Hasura v2 keeps one folder per database (`default/`, …) holding `<version>_<name>/` folders. */
async function hasuraDir(root: string): Promise<string> {
  const base = 'hasura/migrations';
  const entries = await readdir(join(root, base), { withFileTypes: true });
  if (entries.some((e) => isVersionEntry(e.name))) return base;
  const databases: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue;
    const inner = await readdir(join(root, base, e.name));
    if (inner.some(isVersionEntry)) databases.push(e.name);
  }
  databases.sort();
  const pick = databases.includes('default') ? 'default' : databases[0];
  return pick ? `${base}/${pick}` : base;
}

function isVersionEntry(name: string): boolean {
  return /^\d+_/.test(name);
}

function found(dir: string, tool: string): DetectedMigrations {
  return { dir, description: `${tool} (${dir})` };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Adds the missing GITIGNORE_ENTRIES (`/.pglc`, `.pglc` and `.pglc/` count as present). */
async function updateGitignore(root: string): Promise<'created' | 'updated' | 'unchanged'> {
  const file = join(root, '.gitignore');
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const norm = (line: string) => line.trim().replace(/^\//, '').replace(/\/$/, '');
  const present = new Set((text ?? '').split(/\r?\n/).map(norm));
  const missing = GITIGNORE_ENTRIES.filter((entry) => !present.has(norm(entry)));
  if (text !== undefined && missing.length === 0) return 'unchanged';
  const block = `# Postgres Lifecycle: local database data and local backups\n${missing.join('\n')}\n`;
  if (text === undefined) {
    await writeFile(file, block);
    return 'created';
  }
  const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  await writeFile(file, text + sep + block);
  return 'updated';
}

function exists(file: string): PglcError {
  return new PglcError('config-exists', {
    what: `${file} already exists`,
    why: 'this folder is already a Postgres Lifecycle project; init does not overwrite its configuration',
    fix: 'Edit pglc.toml instead, or run `pglc init --force` to replace it with a fresh one (migrations and seeds are kept).',
    details: { file },
  });
}

/** TOML basic string (JSON's escapes are valid TOML). */
function tomlString(s: string): string {
  return JSON.stringify(s);
}

function configTemplate(p: { name: string; migrationsDir: string; detected?: DetectedMigrations }): string {
  const migrationsComment = p.detected
    ? `# Adopted from ${p.detected.description}: existing files keep their names and format.`
    : '# Folder(s) of migration files; new migrations are created in the first one.';
  return `# Postgres Lifecycle project configuration.
# No secrets in this file: URLs reference variables (\${NAME} or \${NAME:-default}) from your
# shell or .env, and a password missing from a URL comes from PGLC_PASSWORD_<ENV>, PGPASSWORD
# or the editor's secret storage.

[project]
name = ${tomlString(p.name)}
${migrationsComment}
migrations = ${tomlString(p.migrationsDir)}
# Table recording applied migrations (may be "schema.table").
migration_table = ${tomlString(DEFAULT_MIGRATION_TABLE)}
# Seconds to wait when another migration or restore holds the same database.
lock_timeout = ${DEFAULT_LOCK_TIMEOUT_SECONDS}
# Environment used when --env is not given.
default_env = "local"

# The embedded local PostgreSQL that pglc starts and stops itself (data under .pglc/).
# DATABASE_URL and DB_* never redirect it: a production URL in .env cannot make a local
# reset hit production.
[environments.local]
# database = ${tomlString(embeddedDatabaseName(p.name))}

[environments.staging]
url = "\${STAGING_DATABASE_URL}"

[environments.prod]
url = "\${DATABASE_URL}"
# Protected: migrate:fresh, data reset, mock generate and seed:fresh are blocked; rollback,
# repair and restore need the database name typed.
protected = true

[backup]
storage = "local"        # or "s3" with [backup.s3] (AWS S3, MinIO, B2, R2, GCS)
path = "backups"         # for local storage, relative to this file
encrypt = false          # true: encrypt backup files
retention = { days = 30, count = 10, keep_daily = 7, keep_weekly = 4, keep_monthly = 12 }
pre_migration = "protected"  # back up before migrating protected environments; "always": every environment

# [backup.s3]
# endpoint = "https://s3.amazonaws.com"
# region = "us-east-1"
# bucket = "my-backups"
# prefix = ${tomlString(`${p.name}/`)}
# force_path_style = false  # true for MinIO
# Credentials never go here: BACKUP_S3_ACCESS_KEY / BACKUP_S3_SECRET_KEY in the environment.

[lint]
assume_in_transaction = true
# postgres_version = 16
# exclude = []
# rules = { }
`;
}
