// Whole databases on the target's server, as a restore handles them: the maintenance connection,
// the "shell" of a database (owner, encoding and locale, tablespace, connection limit, grants,
// settings, comment — what pg_restore into a fresh database does not bring back), creating a
// database like another one, and dropping the ones pglc made.
// Invariants: every name reaches SQL through quoteIdent/quoteLiteral; pglc only ever drops a
// database whose marker comment says pglc made it (or replaced it) — never by name alone.

import type { ConnectionTarget } from '../db/connection-target';
import { connect, type DbClient } from '../db/connect';
import { PglcError, isPglcError } from '../errors';
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { markerComment, parseMarker, restoreDatabaseName, type RestoreDatabaseKind, type RestoreMarker } from './restore-names';

/**
 * A connection to the target's server that is not to the target itself (which a swap renames):
 * the `postgres` database, else `template1`.
 * @example const admin = await connectAdmin(target, 'staging'); try { … } finally { await admin.end(); }
 */
export async function connectAdmin(target: ConnectionTarget, envName: string, applicationName = 'pglc restore'): Promise<DbClient> {
  try {
    return await connect({ ...target, database: 'postgres' }, { envName, applicationName });
  } catch (e) {
    if (!isPglcError(e) || e.code !== 'database-missing') throw e;
    return connect({ ...target, database: 'template1' }, { envName, applicationName });
  }
}

export interface DatabaseShell {
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
  /** 'c' libc, 'i' ICU (PostgreSQL 15+). */
  localeProvider?: string;
  iculocale?: string;
  tablespace: string;
  connectionLimit: number;
  /** null: the default privileges (CONNECT and TEMPORARY for PUBLIC). */
  grants: { grantee: string | null; privilege: string; grantable: boolean }[] | null;
  /** ALTER DATABASE … SET (role undefined) and ALTER ROLE … IN DATABASE … SET. */
  settings: { role?: string; name: string; value: string }[];
  comment?: string;
}

/**
 * The shell of `database`, or undefined when it does not exist.
 * @example const shell = await readDatabaseShell(admin, 'shop'); shell?.owner
 */
export async function readDatabaseShell(admin: DbClient, database: string): Promise<DatabaseShell | undefined> {
  const r = await admin.query<{ oid: number; d: Record<string, unknown>; owner: string; encoding: string; tablespace: string; comment: string | null; acl: boolean }>(
    `SELECT d.oid, to_jsonb(d) AS d, pg_get_userbyid(d.datdba) AS owner, pg_encoding_to_char(d.encoding) AS encoding,
            t.spcname AS tablespace, shobj_description(d.oid, 'pg_database') AS comment, d.datacl IS NOT NULL AS acl
       FROM pg_database d JOIN pg_tablespace t ON t.oid = d.dattablespace WHERE d.datname = $1`,
    [database],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  let grants: DatabaseShell['grants'] = null;
  if (row.acl) {
    const g = await admin.query<{ grantee: string | null; privilege: string; grantable: boolean }>(
      `SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type AS privilege, a.is_grantable AS grantable
         FROM pg_database d, aclexplode(d.datacl) a WHERE d.datname = $1 ORDER BY 1 NULLS FIRST, 2`,
      [database],
    );
    grants = g.rows;
  }
  const s = await admin.query<{ role: string | null; setconfig: string[] }>(
    `SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE pg_get_userbyid(s.setrole) END AS role, s.setconfig
       FROM pg_db_role_setting s WHERE s.setdatabase = $1 ORDER BY 1 NULLS FIRST`,
    [row.oid],
  );
  const settings: DatabaseShell['settings'] = [];
  for (const x of s.rows) {
    for (const item of x.setconfig ?? []) {
      const eq = item.indexOf('=');
      if (eq > 0) settings.push({ ...(x.role ? { role: x.role } : {}), name: item.slice(0, eq), value: item.slice(eq + 1) });
    }
  }
  const d = row.d;
  const str = (k: string) => (typeof d[k] === 'string' && d[k] ? (d[k] as string) : undefined);
  return {
    owner: row.owner,
    encoding: row.encoding,
    collate: str('datcollate') ?? 'C',
    ctype: str('datctype') ?? 'C',
    ...(str('datlocprovider') ? { localeProvider: str('datlocprovider') } : {}),
    ...(str('daticulocale') ?? str('datlocale') ? { iculocale: str('daticulocale') ?? str('datlocale') } : {}),
    tablespace: row.tablespace,
    connectionLimit: Number(d.datconnlimit ?? -1),
    grants,
    settings,
    ...(row.comment !== null ? { comment: row.comment } : {}),
  };
}

/**
 * Creates `name` from template0 with the encoding, locale and tablespace of `like` (or the
 * server's defaults), and marks it as pglc's.
 * @example await createDatabase(admin, 'shop__pglc_restore_20260115143000', shell, marker);
 */
export async function createDatabase(admin: DbClient, name: string, like: DatabaseShell | undefined, marker: RestoreMarker): Promise<void> {
  const options = ['TEMPLATE template0'];
  if (like) {
    options.push(`ENCODING ${quoteLiteral(like.encoding)}`);
    if (like.localeProvider === 'i') {
      options.push('LOCALE_PROVIDER icu');
      if (like.iculocale) options.push(`ICU_LOCALE ${quoteLiteral(like.iculocale)}`);
    }
    options.push(`LC_COLLATE ${quoteLiteral(like.collate)}`, `LC_CTYPE ${quoteLiteral(like.ctype)}`);
    if (like.tablespace !== 'pg_default') options.push(`TABLESPACE ${quoteIdent(like.tablespace)}`);
  }
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} ${options.join(' ')}`);
  } catch (e) {
    throw new PglcError('restore-failed', {
      what: `Could not create database ${name} for the restore`,
      why: (e as Error).message,
      fix: (e as { code?: string }).code === '42501'
        ? 'The role needs CREATEDB (ALTER ROLE … CREATEDB) — a restore builds the new copy next to the current database.'
        : 'Check free disk space and the server\'s log; nothing was changed.',
      details: { database: name },
    });
  }
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS ${quoteLiteral(markerComment(marker))}`);
  // Nobody but this role (and superusers) connects until the copy is checked, anonymized and
  // swapped in; applyDatabaseShell gives the grants back.
  await admin.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdent(name)} FROM PUBLIC`);
}

/**
 * Gives `name` the owner, grants, connection limit, settings and comment of `shell`. What this
 * role may not do (e.g. give away ownership without being a member of the owner role) becomes a
 * warning, never a failure: the data is what matters.
 * @example const warnings = await applyDatabaseShell(admin, newName, shell);
 */
export async function applyDatabaseShell(admin: DbClient, name: string, shell: DatabaseShell, opts: { comment?: boolean } = {}): Promise<string[]> {
  const warnings: string[] = [];
  const db = quoteIdent(name);
  const attempt = async (sql: string, what: string) => {
    try {
      await admin.query(sql);
    } catch (e) {
      warnings.push(`${what} was not copied to the restored database: ${(e as Error).message}`);
    }
  };
  if (!shell.grants) {
    await attempt(`GRANT CONNECT, TEMPORARY ON DATABASE ${db} TO PUBLIC`, 'The default grants (CONNECT, TEMPORARY to PUBLIC)');
  } else {
    await attempt(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`, 'The database\'s grants');
    for (const g of shell.grants) {
      await attempt(`GRANT ${g.privilege} ON DATABASE ${db} TO ${g.grantee === null ? 'PUBLIC' : quoteIdent(g.grantee)}${g.grantable ? ' WITH GRANT OPTION' : ''}`, `GRANT ${g.privilege} to ${g.grantee ?? 'PUBLIC'}`);
    }
  }
  if (shell.connectionLimit !== -1) await attempt(`ALTER DATABASE ${db} CONNECTION LIMIT ${Math.trunc(shell.connectionLimit)}`, 'The connection limit');
  for (const s of shell.settings) {
    const value = settingValueSql(s.name, s.value);
    const sql = s.role
      ? `ALTER ROLE ${quoteIdent(s.role)} IN DATABASE ${db} SET ${quoteIdent(s.name)} TO ${value}`
      : `ALTER DATABASE ${db} SET ${quoteIdent(s.name)} TO ${value}`;
    await attempt(sql, `The setting ${s.name}${s.role ? ` of role ${s.role}` : ''}`);
  }
  if (opts.comment !== false) await attempt(`COMMENT ON DATABASE ${db} IS ${shell.comment === undefined ? 'NULL' : quoteLiteral(shell.comment)}`, 'The database comment');
  await attempt(`ALTER DATABASE ${db} OWNER TO ${quoteIdent(shell.owner)}`, `Ownership (${shell.owner})`);
  return warnings;
}

/** Settings whose stored value is a list of separately quoted items (as pg_dump treats them). */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'session_preload_libraries', 'local_preload_libraries', 'shared_preload_libraries']);

/**
 * The SQL of a stored setting's value: one literal, or one per item for list settings
 * (`"$user", public` → `'$user', 'public'`), as pg_dump writes them.
 * @example settingValueSql('search_path', '"$user", public') === "'$user', 'public'"
 */
export function settingValueSql(name: string, value: string): string {
  if (!LIST_SETTINGS.has(name.toLowerCase())) return quoteLiteral(value);
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (ch === '"') {
      if (quoted && value[i + 1] === '"') {
        cur += '"';
        i++;
      } else quoted = !quoted;
    } else if (ch === ',' && !quoted) {
      items.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  items.push(cur.trim());
  return items.filter((x) => x !== '').map(quoteLiteral).join(', ') || "''";
}

/** The pglc marker of `name`, if it has one. */
export async function readMarker(admin: DbClient, name: string): Promise<RestoreMarker | undefined> {
  const r = await admin.query<{ c: string | null }>("SELECT shobj_description(oid, 'pg_database') AS c FROM pg_database WHERE datname = $1", [name]);
  return parseMarker(r.rows[0]?.c);
}

/**
 * Drops a database pglc made (its marker says so), closing its connections first.
 * @example await dropMarkedDatabase(admin, 'shop__pglc_scratch_20260115143000');
 */
export async function dropMarkedDatabase(admin: DbClient, name: string): Promise<void> {
  const marker = await readMarker(admin, name);
  if (!marker) {
    throw new PglcError('restore-not-possible', {
      what: `pglc will not drop database ${name}`,
      why: 'it has no pglc marker comment, so pglc did not make it',
      fix: 'Drop it yourself if you are sure it is not needed (DROP DATABASE).',
      details: { database: name },
    });
  }
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

/** Size of a database in bytes (0 when it does not exist). */
export async function databaseSize(admin: DbClient, name: string): Promise<number> {
  const r = await admin.query<{ s: string | null }>('SELECT pg_database_size(oid)::text AS s FROM pg_database WHERE datname = $1', [name]);
  return Number(r.rows[0]?.s ?? 0);
}

/**
 * `restoreDatabaseName(database, kind, at)`, moved on by a second while that name is taken (a
 * restore and its undo within one second).
 */
export async function unusedRestoreName(admin: DbClient, database: string, kind: RestoreDatabaseKind, at: Date): Promise<string> {
  for (let i = 0; ; i++) {
    const name = restoreDatabaseName(database, kind, new Date(at.getTime() + i * 1000));
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (r.rowCount === 0) return name;
  }
}
