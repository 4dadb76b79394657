// Finds, parses and validates pglc.toml into a ProjectConfig, then applies the seed's variable
// overrides (DB_MIGRATION_*, BACKUP_*). Invariant: nothing in the file is ignored silently —
// an unknown table or key (a typo such as `protectd = true` in a safety file) or a value of the
// wrong type is a `config-invalid` error naming the key; URLs are stored as written (with their
// `${VAR}` references) and only expanded when an environment is resolved.

import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize, relative } from 'node:path';
import { parse as parseToml, TomlError } from 'smol-toml';
import { parseCompression } from '../backup/compression';
import { PglcError } from '../errors';
import type { OperationContext } from '../operation-context';
import { RULE_NAMES } from '../lint/rules/index';
import type { BackupConfig, BackupRetention, EnvironmentConfig, LintConfig, ProjectConfig, RestoreConfig } from './project-config';
import { closestName } from './closest-name';
import { effectiveEnv, type EnvVars } from './dotenv';

export const CONFIG_FILE = 'pglc.toml';
export const DEFAULT_MIGRATIONS_DIR = 'pglc/migrations';
export const DEFAULT_ANONYMIZE_RULES = 'pglc/anonymize.yaml';
export const DEFAULT_MIGRATION_TABLE = '_pglc_migrations';
export const DEFAULT_LOCK_TIMEOUT_SECONDS = 60;

/**
 * The nearest folder at or above `cwd` that holds a pglc.toml.
 * @example findProjectRoot('/srv/shop/src/models') === '/srv/shop'
 */
export function findProjectRoot(cwd: string): string | undefined {
  let dir = cwd;
  for (;;) {
    const file = join(dir, CONFIG_FILE);
    if (existsSync(file) && statSync(file).isFile()) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * Loads the project that ctx.cwd belongs to, with `.env` + ctx.env overrides applied.
 * @example const project = await loadProject({ env: process.env, cwd: process.cwd() });
 */
export async function loadProject(ctx: Pick<OperationContext, 'env' | 'cwd'>): Promise<ProjectConfig> {
  return (await loadProjectWithEnv(ctx)).project;
}

/**
 * Like loadProject, and also returns the effective variables (`.env` overlaid by ctx.env) that
 * resolveEnvironment needs — read once, so overrides and URLs see the same values.
 * @example const { project, env } = await loadProjectWithEnv(ctx); resolveEnvironment(project, 'prod', env);
 */
export async function loadProjectWithEnv(
  ctx: Pick<OperationContext, 'env' | 'cwd'>,
): Promise<{ project: ProjectConfig; env: Record<string, string | undefined> }> {
  const root = findProjectRoot(ctx.cwd);
  if (!root) {
    throw new PglcError('config-missing', {
      what: `No ${CONFIG_FILE} found in ${ctx.cwd} or any folder above it`,
      why: 'this folder is not (inside) a Postgres Lifecycle project yet',
      fix: 'Run `pglc init` in the project\'s root folder to create pglc.toml, or cd into an existing project.',
      details: { cwd: ctx.cwd },
    });
  }
  const file = join(root, CONFIG_FILE);
  const text = await readFile(file, 'utf8');
  const env = effectiveEnv(root, ctx.env);
  return { project: parseProjectConfig(text, { root, file, env }), env };
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation (pure)

type Table = Record<string, unknown>;

interface ParseState {
  text: string;
  file: string;
}

const KNOWN: Record<string, readonly string[]> = {
  '': ['project', 'environments', 'backup', 'lint', 'restore'],
  project: ['name', 'migrations', 'migration_table', 'lock_timeout', 'default_env'],
  environment: ['url', 'database', 'protected', 'color'],
  backup: ['storage', 'path', 'encrypt', 'compression', 'retention', 's3', 'notify', 'pre_migration'],
  'backup.retention': ['days', 'count', 'keep_daily', 'keep_weekly', 'keep_monthly'],
  'backup.s3': ['endpoint', 'region', 'bucket', 'prefix', 'force_path_style'],
  'backup.notify': ['command', 'webhook'],
  lint: ['assume_in_transaction', 'rules', 'exclude', 'postgres_version'],
  restore: ['keep_old_days', 'anonymize_rules', 'maintenance_work_mem', 'split_tables_larger_than'],
};

const LINT_LEVELS = ['off', 'info', 'warning', 'error'] as const;
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/;
const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** PostgreSQL's memory units, as `maintenance_work_mem` takes them (also sizes of tables). */
const MEMORY_SETTING = /^[1-9][0-9]*\s*(kB|MB|GB|TB)$/;

/**
 * Parses pglc.toml text into a ProjectConfig (no I/O). `env` supplies the overrides.
 * @example parseProjectConfig('[environments.prod]\nurl = "${DATABASE_URL}"\nprotected = true\n',
 *   { root: '/srv/shop', file: '/srv/shop/pglc.toml', env: {} }).environments.prod.protected === true
 */
export function parseProjectConfig(text: string, opts: { root: string; file: string; env: EnvVars }): ProjectConfig {
  const st: ParseState = { text, file: opts.file };
  let doc: Table;
  try {
    doc = parseToml(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      const reason = (e.message.split('\n')[0] ?? '').replace(/^Invalid TOML document:\s*/, '');
      throw new PglcError('config-invalid', {
        what: `${opts.file} has a syntax error at line ${e.line}, column ${e.column}`,
        why: reason || 'the TOML parser rejected it',
        fix: `Fix line ${e.line} of ${CONFIG_FILE} (TOML syntax: key = "value", [table], [table.sub]).`,
        details: { file: opts.file, line: e.line, column: e.column },
      });
    }
    throw e;
  }
  checkKeys(st, doc, KNOWN[''] ?? [], '');

  const project = optTable(st, doc, 'project');
  const envs = optTable(st, doc, 'environments');
  const backupT = optTable(st, doc, 'backup');
  const lintT = optTable(st, doc, 'lint');
  const restoreT = optTable(st, doc, 'restore');

  // [project]
  if (project) checkKeys(st, project, KNOWN.project ?? [], 'project');
  const name = optString(st, project, 'project', 'name', { nonEmpty: true }) ?? basename(opts.root);
  const migrationsRaw = project?.migrations;
  let migrations: string[];
  if (migrationsRaw === undefined) migrations = [DEFAULT_MIGRATIONS_DIR];
  else if (typeof migrationsRaw === 'string' && migrationsRaw.trim() !== '') migrations = [migrationsRaw];
  else if (Array.isArray(migrationsRaw) && migrationsRaw.length > 0 && migrationsRaw.every((m) => typeof m === 'string' && m.trim() !== '')) {
    migrations = migrationsRaw as string[];
  } else {
    throw typeError(st, 'project', 'migrations', 'a folder path or a non-empty array of folder paths', migrationsRaw);
  }
  migrations = migrations.map((m) => projectRelative(opts.root, m));
  let migrationTable = optString(st, project, 'project', 'migration_table', { nonEmpty: true }) ?? DEFAULT_MIGRATION_TABLE;
  if (!TABLE_NAME.test(migrationTable)) {
    throw typeError(st, 'project', 'migration_table', 'a table name such as "_pglc_migrations" or "schema.table" (letters, digits, _)', migrationTable);
  }
  const lockTimeout = optNumber(st, project, 'project', 'lock_timeout', { min: 0 }) ?? DEFAULT_LOCK_TIMEOUT_SECONDS;

  // [environments.*] — `local` always exists.
  const environments: Record<string, EnvironmentConfig> = { local: { name: 'local', protected: false } };
  for (const [envName, raw] of Object.entries(envs ?? {})) {
    const key = `environments.${envName}`;
    if (!isTable(raw)) throw typeError(st, 'environments', envName, 'a table ([environments.<name>])', raw);
    if (!ENV_NAME.test(envName)) {
      throw invalid(st, `[${key}]`, `Environment name "${envName}" is not allowed`, 'names use letters, digits, "-" and "_" (they become part of variable names such as PGLC_PASSWORD_<ENV>)');
    }
    checkKeys(st, raw, KNOWN.environment ?? [], key);
    const env: EnvironmentConfig = {
      name: envName,
      protected: optBool(st, raw, key, 'protected') ?? false,
    };
    const url = optString(st, raw, key, 'url', { nonEmpty: true });
    if (url !== undefined) env.url = url;
    const database = optString(st, raw, key, 'database', { nonEmpty: true });
    if (database !== undefined) {
      if (envName !== 'local' || url !== undefined) {
        throw invalid(st, `${key}.database`, `"database" in [${key}] has no effect`,
          'it names the database of the embedded local cluster only; other environments take the database from their url',
          `Remove it, or put the database name in the url of [${key}].`);
      }
      if (Buffer.byteLength(database) > 63) throw typeError(st, key, 'database', 'a database name of at most 63 bytes', database);
      env.database = database;
    }
    const color = optString(st, raw, key, 'color', { nonEmpty: true });
    if (color !== undefined) env.color = color;
    environments[envName] = env;
  }
  const defaultEnvironment = optString(st, project, 'project', 'default_env', { nonEmpty: true }) ?? 'local';
  if (!environments[defaultEnvironment]) {
    throw invalid(st, 'project.default_env', `default_env = "${defaultEnvironment}" names an environment that does not exist`,
      `the environments are: ${Object.keys(environments).join(', ')}`,
      `Add [environments.${defaultEnvironment}] or set default_env to one of them.`);
  }

  // [backup]
  if (backupT) checkKeys(st, backupT, KNOWN.backup ?? [], 'backup');
  const storage = optString(st, backupT, 'backup', 'storage') ?? 'local';
  if (storage !== 'local' && storage !== 's3') {
    throw typeError(st, 'backup', 'storage', '"local" or "s3" (S3-compatible services such as MinIO, B2, R2 use "s3" with [backup.s3] endpoint)', storage);
  }
  const retentionT = backupT?.retention === undefined ? undefined : asTable(st, backupT.retention, 'backup', 'retention');
  if (retentionT) checkKeys(st, retentionT, KNOWN['backup.retention'] ?? [], 'backup.retention');
  const retention: BackupRetention = {};
  const retentionKeys = [['days', 'days'], ['count', 'count'], ['keep_daily', 'keepDaily'], ['keep_weekly', 'keepWeekly'], ['keep_monthly', 'keepMonthly']] as const;
  for (const [tomlKey, field] of retentionKeys) {
    const v = optNumber(st, retentionT, 'backup.retention', tomlKey, { min: 0, integer: true });
    if (v !== undefined) retention[field] = v;
  }
  const preMigration = optString(st, backupT, 'backup', 'pre_migration') ?? 'protected';
  if (preMigration !== 'protected' && preMigration !== 'always') {
    throw typeError(st, 'backup', 'pre_migration', '"protected" (a backup before migrating protected environments, the default) or "always" (before migrating any environment)', preMigration);
  }
  const backup: BackupConfig = {
    storage,
    path: optString(st, backupT, 'backup', 'path', { nonEmpty: true }) ?? 'backups',
    encrypt: optBool(st, backupT, 'backup', 'encrypt') ?? false,
    retention,
    preMigration,
  };
  const compressionText = optString(st, backupT, 'backup', 'compression');
  if (compressionText !== undefined) {
    try {
      backup.compression = parseCompression(compressionText);
    } catch {
      throw typeError(st, 'backup', 'compression', '"zstd" (the default, level 3), "zstd:1" … "zstd:19", "gzip", "gzip:1" … "gzip:9" or "none"', compressionText);
    }
  }
  const s3T = backupT?.s3 === undefined ? undefined : asTable(st, backupT.s3, 'backup', 's3');
  if (s3T) {
    checkKeys(st, s3T, KNOWN['backup.s3'] ?? [], 'backup.s3');
    const s3: NonNullable<BackupConfig['s3']> = {};
    for (const k of ['endpoint', 'region', 'bucket', 'prefix'] as const) {
      const v = optString(st, s3T, 'backup.s3', k);
      if (v !== undefined) s3[k] = v;
    }
    const fps = optBool(st, s3T, 'backup.s3', 'force_path_style');
    if (fps !== undefined) s3.forcePathStyle = fps;
    backup.s3 = s3;
  }
  // [backup.notify]: after each scheduled run, a command (argv array, never a shell string) and/or
  // a webhook URL (kept with its ${VAR} references; expanded when used, since it may hold a token).
  const notifyT = backupT?.notify === undefined ? undefined : asTable(st, backupT.notify, 'backup', 'notify');
  if (notifyT) {
    checkKeys(st, notifyT, KNOWN['backup.notify'] ?? [], 'backup.notify');
    const command = notifyT.command;
    if (command !== undefined && !(Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string' && c !== ''))) {
      throw typeError(st, 'backup.notify', 'command', 'a non-empty array of strings (program and arguments, e.g. ["notify-send", "pglc"])', command);
    }
    const webhook = optString(st, notifyT, 'backup.notify', 'webhook', { nonEmpty: true });
    backup.notify = { ...(command ? { command: command as string[] } : {}), ...(webhook ? { webhook } : {}) };
  }

  // [lint]
  if (lintT) checkKeys(st, lintT, KNOWN.lint ?? [], 'lint');
  const rulesT = lintT?.rules === undefined ? undefined : asTable(st, lintT.rules, 'lint', 'rules');
  const rules: LintConfig['rules'] = {};
  // a misspelt rule would silently keep its default level
  if (rulesT) checkKeys(st, rulesT, RULE_NAMES, 'lint.rules');
  for (const [rule, level] of Object.entries(rulesT ?? {})) {
    if (typeof level !== 'string' || !(LINT_LEVELS as readonly string[]).includes(level)) {
      throw typeError(st, 'lint.rules', rule, `one of ${LINT_LEVELS.map((l) => `"${l}"`).join(', ')}`, level);
    }
    rules[rule] = level as LintConfig['rules'][string];
  }
  const excludeRaw = lintT?.exclude;
  if (excludeRaw !== undefined && !(Array.isArray(excludeRaw) && excludeRaw.every((x) => typeof x === 'string'))) {
    throw typeError(st, 'lint', 'exclude', 'an array of path patterns', excludeRaw);
  }
  const lint: LintConfig = {
    assumeInTransaction: optBool(st, lintT, 'lint', 'assume_in_transaction') ?? true,
    rules,
    exclude: (excludeRaw as string[] | undefined) ?? [],
  };
  const pgVersion = optNumber(st, lintT, 'lint', 'postgres_version', { min: 9, integer: true });
  if (pgVersion !== undefined) lint.postgresVersion = pgVersion;

  // [restore]
  if (restoreT) checkKeys(st, restoreT, KNOWN.restore ?? [], 'restore');
  const restore: RestoreConfig = { anonymizeRules: optString(st, restoreT, 'restore', 'anonymize_rules', { nonEmpty: true }) ?? DEFAULT_ANONYMIZE_RULES };
  const keepOld = optNumber(st, restoreT, 'restore', 'keep_old_days', { min: 0, integer: true });
  if (keepOld !== undefined) restore.keepOldDays = keepOld;
  const loadMemory = optString(st, restoreT, 'restore', 'maintenance_work_mem', { nonEmpty: true });
  if (loadMemory !== undefined) {
    if (loadMemory !== 'server' && !MEMORY_SETTING.test(loadMemory)) {
      throw invalid(st, 'restore.maintenance_work_mem', '"restore.maintenance_work_mem" must be an amount of memory like "512MB" or "2GB", or "server"', `found ${describeValue(loadMemory)}`);
    }
    restore.maintenanceWorkMem = loadMemory;
  }
  const split = optString(st, restoreT, 'restore', 'split_tables_larger_than', { nonEmpty: true });
  if (split !== undefined) {
    if (split !== 'off' && !MEMORY_SETTING.test(split)) {
      throw invalid(st, 'restore.split_tables_larger_than', '"restore.split_tables_larger_than" must be a size like "64MB" or "1GB", or "off"', `found ${describeValue(split)}`);
    }
    restore.splitTablesLargerThan = split;
  }

  const config: ProjectConfig = {
    root: opts.root,
    file: opts.file,
    name,
    migrations,
    migrationTable,
    lockTimeoutMs: Math.round(lockTimeout * 1000),
    environments,
    defaultEnvironment,
    backup,
    lint,
    restore,
  };
  applyOverrides(config, opts.env);
  return config;
}

// ---------------------------------------------------------------------------------------------
// Variable overrides (seed 000's .env names). Empty values count as unset: templates such as
// `BACKUP_S3_ENDPOINT=` must not wipe a value from pglc.toml.

function applyOverrides(config: ProjectConfig, env: EnvVars): void {
  const get = (k: string): string | undefined => {
    const v = env[k];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const migrationPath = get('DB_MIGRATION_PATH');
  if (migrationPath !== undefined) config.migrations = [projectRelative(config.root, migrationPath)];
  const table = get('DB_MIGRATION_TABLE');
  if (table !== undefined) {
    if (!TABLE_NAME.test(table)) throw badOverride('DB_MIGRATION_TABLE', 'a table name such as "_pglc_migrations" or "schema.table" (letters, digits, _)', table);
    config.migrationTable = table;
  }
  const storage = get('BACKUP_STORAGE');
  if (storage !== undefined) {
    if (storage !== 'local' && storage !== 's3') {
      throw badOverride('BACKUP_STORAGE', '"local" or "s3" (MinIO, B2 and R2 use "s3" with BACKUP_S3_ENDPOINT)', storage);
    }
    config.backup.storage = storage;
  }
  const path = get('BACKUP_PATH');
  if (path !== undefined) config.backup.path = path;
  const days = get('BACKUP_RETENTION_DAYS');
  if (days !== undefined) config.backup.retention.days = wholeNumber('BACKUP_RETENTION_DAYS', days);
  const count = get('BACKUP_RETENTION_COUNT');
  if (count !== undefined) config.backup.retention.count = wholeNumber('BACKUP_RETENTION_COUNT', count);
  const enc = get('BACKUP_ENCRYPTION');
  if (enc !== undefined) {
    const lower = enc.toLowerCase();
    if (lower !== 'true' && lower !== 'false') throw badOverride('BACKUP_ENCRYPTION', 'true or false', enc);
    config.backup.encrypt = lower === 'true';
  }
  const s3Overrides = [['BACKUP_S3_ENDPOINT', 'endpoint'], ['BACKUP_S3_BUCKET', 'bucket'], ['BACKUP_S3_REGION', 'region']] as const;
  for (const [variable, field] of s3Overrides) {
    const v = get(variable);
    if (v !== undefined) (config.backup.s3 ??= {})[field] = v;
  }
}

function wholeNumber(variable: string, value: string): number {
  if (!/^\d+$/.test(value)) throw badOverride(variable, 'a whole number ≥ 0', value);
  return Number(value);
}

function badOverride(variable: string, expected: string, value: string): PglcError {
  return new PglcError('config-invalid', {
    what: `The variable ${variable} has an invalid value`,
    why: `expected ${expected}, found "${value}"`,
    fix: `Fix ${variable} in your shell or in .env, or unset it to use pglc.toml.`,
    details: { variable },
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function projectRelative(root: string, p: string): string {
  const rel = isAbsolute(p) ? relative(root, p) : normalize(p);
  const clean = rel.replace(/[\\/]+$/, '');
  return clean === '' ? '.' : clean;
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function optTable(st: ParseState, doc: Table, key: string): Table | undefined {
  const v = doc[key];
  if (v === undefined) return undefined;
  return asTable(st, v, '', key);
}

function asTable(st: ParseState, v: unknown, table: string, key: string): Table {
  if (!isTable(v)) throw typeError(st, table, key, 'a table', v);
  return v;
}

function optString(st: ParseState, t: Table | undefined, table: string, key: string, o: { nonEmpty?: boolean } = {}): string | undefined {
  const v = t?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || (o.nonEmpty && v.trim() === '')) throw typeError(st, table, key, o.nonEmpty ? 'a non-empty string' : 'a string', v);
  return v;
}

function optBool(st: ParseState, t: Table | undefined, table: string, key: string): boolean | undefined {
  const v = t?.[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw typeError(st, table, key, 'true or false (without quotes)', v);
  return v;
}

function optNumber(st: ParseState, t: Table | undefined, table: string, key: string, o: { min?: number; integer?: boolean }): number | undefined {
  const v = t?.[key];
  if (v === undefined) return undefined;
  const ok = typeof v === 'number' && Number.isFinite(v) && (o.min === undefined || v >= o.min) && (!o.integer || Number.isInteger(v));
  if (!ok) {
    const kind = o.integer ? 'a whole number' : 'a number';
    throw typeError(st, table, key, o.min !== undefined ? `${kind} ≥ ${o.min}` : kind, v);
  }
  return v;
}

function describeValue(v: unknown): string {
  // A string that looks like a URL or user@host may carry a password: say only what it is.
  if (typeof v === 'string' && /:\/\/|@/.test(v)) return 'a string';
  if (typeof v === 'string') return `the string "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  if (isTable(v)) return 'a table';
  return typeof v;
}

function typeError(st: ParseState, table: string, key: string, expected: string, value: unknown): PglcError {
  const full = table ? `${table}.${key}` : key;
  // A mistyped url could be a URL with a password in it: never echo url values.
  const found = key === 'url' ? `a ${Array.isArray(value) ? 'array' : typeof value}` : describeValue(value);
  return invalid(st, full, `"${full}" must be ${expected}`, `found ${found}`);
}

function invalid(st: ParseState, key: string, what: string, why: string, fix?: string): PglcError {
  const line = lineOf(st.text, key);
  return new PglcError('config-invalid', {
    what: `${CONFIG_FILE}${line ? ` line ${line}` : ''}: ${what}`,
    why,
    fix: fix ?? `Fix "${key}" in ${st.file}.`,
    details: { file: st.file, key, ...(line ? { line } : {}) },
  });
}

function checkKeys(st: ParseState, t: Table, known: readonly string[], where: string): void {
  for (const k of Object.keys(t)) {
    if (known.includes(k)) continue;
    const full = where ? `${where}.${k}` : k;
    const guess = closestName(k, known);
    const line = lineOf(st.text, full);
    throw new PglcError('config-invalid', {
      what: `${CONFIG_FILE}${line ? ` line ${line}` : ''}: unknown ${where ? 'key' : 'table'} "${full}"`,
      why: `pglc does not know "${k}"${where ? ` in [${where}]` : ''}; a misspelt setting (in a safety file, e.g. "protected") must not be ignored silently`,
      fix: guess ? `Did you mean "${guess}"? Fix or remove "${k}" in ${st.file}.` : `Remove "${k}" from ${st.file}; known: ${known.join(', ')}.`,
      details: { file: st.file, key: full, ...(line ? { line } : {}), ...(guess ? { suggestion: guess } : {}) },
    });
  }
}

/** Best-effort line of a key (`a.b.c`): the `[a.b]` header's section, then `c =`, or `[a.b.c]` itself. */
function lineOf(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  const parts = key.split('.');
  const last = parts[parts.length - 1] ?? key;
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const keyPat = `(?:${esc(last)}|"${esc(last)}"|'${esc(last)}')`;
  const header = new RegExp(`^\\s*\\[\\[?\\s*${parts.map((p) => `(?:${esc(p)}|"${esc(p)}")`).join('\\s*\\.\\s*')}\\s*\\]`);
  const parentHeader = parts.length > 1
    ? new RegExp(`^\\s*\\[\\s*${parts.slice(0, -1).map((p) => `(?:${esc(p)}|"${esc(p)}")`).join('\\s*\\.\\s*')}\\s*\\]`)
    : undefined;
  const assign = new RegExp(`^\\s*(?:[\\w"'.-]+\\s*\\.\\s*)*${keyPat}\\s*=`);
  const inline = new RegExp(`[{,]\\s*${keyPat}\\s*=`);
  let inParent = parentHeader === undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (header.test(l)) return i + 1;
    if (/^\s*\[/.test(l)) {
      inParent = parentHeader ? parentHeader.test(l) : false;
      continue;
    }
    if (inParent && (assign.test(l) || inline.test(l))) return i + 1;
  }
  // Dotted or inline forms in another section (e.g. `retention = { days = "x" }` under [backup]).
  for (let i = 0; i < lines.length; i++) if (inline.test(lines[i] ?? '') || assign.test(lines[i] ?? '')) return i + 1;
  return undefined;
}
