// Turns a named environment of pglc.toml into where to connect: the embedded local cluster's
// database, or a ConnectionTarget with its password.
// Invariant (a safety decision, keep it):
//   - The embedded `local` environment (no url) is NEVER redirected by DATABASE_URL or DB_*.
//     Those variables usually come from the application's .env, which may hold production's
//     URL; honouring them for `local` would turn `pglc db migrate:fresh` (allowed on local)
//     into a production reset.
//   - A non-local environment WITHOUT a url takes DATABASE_URL, else a target built from
//     DB_HOST / DB_PORT / DB_USER / DB_PASSWORD / DB_NAME (DB_HOST or DB_NAME must be set).
//     An environment WITH a url uses only that url (which may say `${DATABASE_URL}` itself).
//   - A URL without a password takes PGLC_PASSWORD_<ENV> (how the editor hands a SecretStorage
//     password to the CLI), then PGPASSWORD.
//   - An unprotected environment that resolves to the same host, port and database as a
//     protected one is treated as protected too (e.g. staging without a url falling back to
//     the DATABASE_URL that prod uses): a name must not be a way around the guards.

import { join } from 'node:path';
import { PglcError, isPglcError } from '../errors';
import { describeTarget, type ConnectionTarget } from '../db/connection-target';
import { envVarSuffix } from '../db/connect';
import type { EnvironmentSummary } from '../../protocol/index';
import type { EnvironmentConfig, ProjectConfig } from './project-config';
import type { EnvVars } from './dotenv';
import { expandVars, referencedVars } from './expand-vars';
import { parseDatabaseUrl } from './database-url';
import { closestName } from './closest-name';

export interface ResolvedEnvironment {
  name: string;
  protected: boolean;
  color?: string;
  kind: 'embedded' | 'url';
  /** For kind 'url': where to connect (password included, from URL or variables). */
  target?: ConnectionTarget;
  /** For kind 'embedded': the database to use/create on the local cluster; for 'url' the target's database. */
  database: string;
  /** Where the target came from (for messages): the url in pglc.toml, DATABASE_URL or DB_*. */
  source?: 'url' | 'DATABASE_URL' | 'DB_*';
  /** Set when `protected` was inherited from a protected environment with the same target. */
  protectedBy?: string;
}

/**
 * Resolves environment `name` of `project` with the effective variables `env` (see effectiveEnv).
 * @example resolveEnvironment(project, 'prod', { DATABASE_URL: 'postgres://app:pw@db.example.com/shop' })
 *   // → { name: 'prod', kind: 'url', protected: true, database: 'shop', target: { host: 'db.example.com', … } }
 */
export function resolveEnvironment(project: ProjectConfig, name: string, env: EnvVars): ResolvedEnvironment {
  const resolved = resolveOne(project, name, env);
  if (resolved.kind === 'url' && !resolved.protected && resolved.target) {
    const owner = protectedTwin(project, name, resolved.target, env);
    if (owner) {
      resolved.protected = true;
      resolved.protectedBy = owner;
    }
  }
  return resolved;
}

/**
 * Every environment with a display-safe target; never throws, a problem (unset variable, bad
 * URL) goes into `problem`. `local` comes first.
 * @example listEnvironments(project, env).map((e) => e.name) // ['local', 'staging', 'prod']
 */
export function listEnvironments(project: ProjectConfig, env: EnvVars): EnvironmentSummary[] {
  const names = Object.keys(project.environments);
  const ordered = names.includes('local') ? ['local', ...names.filter((n) => n !== 'local')] : names;
  return ordered.map((name) => {
    const cfg = project.environments[name] as EnvironmentConfig;
    const kind: EnvironmentSummary['kind'] = isEmbedded(cfg) ? 'embedded' : 'url';
    try {
      const r = resolveEnvironment(project, name, env);
      return {
        name,
        protected: r.protected,
        kind: r.kind,
        target: r.target ? describeTarget(r.target) : `embedded/${r.database}`,
        ...(cfg.color ? { color: cfg.color } : {}),
      };
    } catch (e) {
      const problem = isPglcError(e) ? `${e.what} — ${e.why}` : 'the environment could not be resolved';
      return { name, protected: cfg.protected, kind, problem, ...(cfg.color ? { color: cfg.color } : {}) };
    }
  });
}

/**
 * Database name of the embedded cluster for a project: [environments.local].database, else the
 * project name reduced to [a-z0-9_] (a leading digit gets `db_`), else `app`.
 * @example embeddedDatabaseName('My-Shop 2') === 'my_shop_2'
 */
export function embeddedDatabaseName(projectName: string, configured?: string): string {
  if (configured) return configured;
  let n = projectName.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (n === '') return 'app';
  if (/^[0-9]/.test(n)) n = `db_${n}`;
  return n.slice(0, 63);
}

/** The variable the editor/CLI uses to pass an environment's password, e.g. PGLC_PASSWORD_PROD_EU. */
export function passwordVariable(envName: string): string {
  return `PGLC_PASSWORD_${envVarSuffix(envName)}`;
}

function isEmbedded(cfg: EnvironmentConfig): boolean {
  return cfg.name === 'local' && cfg.url === undefined;
}

function resolveOne(project: ProjectConfig, name: string, env: EnvVars): ResolvedEnvironment {
  const cfg = project.environments[name];
  if (!cfg) {
    const known = Object.keys(project.environments);
    const guess = closestName(name, known);
    throw new PglcError('env-unknown', {
      what: `Unknown environment "${name}"`,
      why: `pglc.toml defines ${known.map((k) => `"${k}"`).join(', ')}`,
      fix: `${guess ? `Did you mean "${guess}"? ` : ''}Use one of them (--env ${guess ?? known[0] ?? 'local'}), or add [environments.${name}] to pglc.toml.`,
      details: { environment: name, known },
    });
  }
  const base = { name, protected: cfg.protected, ...(cfg.color ? { color: cfg.color } : {}) };
  if (isEmbedded(cfg)) {
    return { ...base, kind: 'embedded', database: embeddedDatabaseName(project.name, cfg.database) };
  }

  let target: ConnectionTarget;
  let source: ResolvedEnvironment['source'];
  if (cfg.url !== undefined) {
    const refs = referencedVars(cfg.url);
    const url = expandVars(cfg.url, env, { where: `Environment "${name}"`, envFile: join(project.root, '.env') });
    const where = `the url of [environments.${name}] in pglc.toml${refs.length ? ` (after expanding ${refs.map((r) => `\${${r}}`).join(', ')})` : ''}`;
    if (url.trim() === '') throw noUrl(name, `${where} is empty`);
    target = parseDatabaseUrl(url, { envName: name, source: where });
    source = 'url';
  } else if (nonEmpty(env.DATABASE_URL)) {
    target = parseDatabaseUrl(env.DATABASE_URL as string, { envName: name, source: 'DATABASE_URL' });
    source = 'DATABASE_URL';
  } else if (nonEmpty(env.DB_HOST) || nonEmpty(env.DB_NAME)) {
    target = targetFromDbVars(name, env);
    source = 'DB_*';
  } else {
    throw noUrl(name, 'it has no url in pglc.toml, and neither DATABASE_URL nor DB_HOST / DB_NAME is set');
  }

  if (target.password === undefined) {
    const pw = nonEmpty(env[passwordVariable(name)]) ? env[passwordVariable(name)] : nonEmpty(env.PGPASSWORD) ? env.PGPASSWORD : undefined;
    if (pw !== undefined) target.password = pw;
  }
  return { ...base, kind: 'url', target, database: target.database, source };
}

function targetFromDbVars(name: string, env: EnvVars): ConnectionTarget {
  let port = 5432;
  if (nonEmpty(env.DB_PORT)) {
    const p = (env.DB_PORT as string).trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65535) {
      throw new PglcError('config-invalid', {
        what: `DB_PORT is not a valid port (environment "${name}")`,
        why: `expected a number between 1 and 65535, found "${p}"`,
        fix: 'Fix DB_PORT in your shell or in .env.',
        details: { environment: name, variable: 'DB_PORT' },
      });
    }
    port = Number(p);
  }
  const user = nonEmpty(env.DB_USER) ? (env.DB_USER as string) : 'postgres';
  const target: ConnectionTarget = {
    host: nonEmpty(env.DB_HOST) ? (env.DB_HOST as string) : 'localhost',
    port,
    user,
    database: nonEmpty(env.DB_NAME) ? (env.DB_NAME as string) : user,
  };
  if (nonEmpty(env.DB_PASSWORD)) target.password = env.DB_PASSWORD as string;
  return target;
}

/** Name of a protected environment that resolves to the same server and database, if any. */
function protectedTwin(project: ProjectConfig, self: string, target: ConnectionTarget, env: EnvVars): string | undefined {
  for (const [other, cfg] of Object.entries(project.environments)) {
    if (other === self || !cfg.protected || isEmbedded(cfg)) continue;
    let t: ConnectionTarget | undefined;
    try {
      t = resolveOne(project, other, env).target;
    } catch {
      continue; // an unresolvable protected environment cannot be the same database
    }
    if (t && sameDatabase(t, target)) return other;
  }
  return undefined;
}

function sameDatabase(a: ConnectionTarget, b: ConnectionTarget): boolean {
  return hostKey(a.host) === hostKey(b.host) && a.port === b.port && a.database === b.database;
}

function hostKey(host: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === '127.0.0.1' || h === '::1' || h === 'localhost' ? 'localhost' : h;
}

function nonEmpty(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== '';
}

function noUrl(name: string, why: string): PglcError {
  const variable = `${envVarSuffix(name)}_DATABASE_URL`;
  return new PglcError('config-invalid', {
    what: `Environment "${name}" has no url`,
    why,
    fix: `Add url = "\${${variable}}" to [environments.${name}] in pglc.toml and set ${variable} in your shell or .env (or set DATABASE_URL).`,
    details: { environment: name },
  });
}
