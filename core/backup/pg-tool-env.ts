// The environment pg_dump, pg_restore and psql run with. Invariant: where to connect and the
// password reach the tools only through libpq's PG* variables — never argv, where `ps` would show
// them — and the user's own PG* variables cannot redirect a tool to another server or database.

import type { ConnectionTarget } from '../db/connection-target';

/** Variables of the user passed through (TLS material, Kerberos, locale of file names). */
const PASS_THROUGH = ['PATH', 'HOME', 'TMPDIR', 'PGSSLROOTCERT', 'PGSSLCERT', 'PGSSLKEY', 'PGSSLCRL', 'PGKRBSRVNAME', 'PGGSSENCMODE', 'TZ'];

/**
 * Environment for a client tool connecting to `target` (messages in English so pglc can read them).
 * @example runProcess(pgDump.path, ['--format=custom'], { env: pgToolEnv(target, ctx.env) })
 */
export function pgToolEnv(target: ConnectionTarget, vars: Readonly<Record<string, string | undefined>>, appName = 'pglc backup'): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of PASS_THROUGH) {
    const v = vars[k];
    if (v !== undefined) env[k] = v;
  }
  env.PGHOST = target.host;
  env.PGPORT = String(target.port);
  env.PGUSER = target.user;
  env.PGDATABASE = target.database;
  if (target.password !== undefined) env.PGPASSWORD = target.password;
  env.PGSSLMODE = target.host.startsWith('/') ? 'disable' : target.sslmode ?? 'prefer';
  env.PGAPPNAME = appName;
  env.PGCONNECT_TIMEOUT = '15';
  env.LC_MESSAGES = 'C';
  env.LC_ALL = 'C';
  env.LANG = 'C';
  return env;
}

/** Environment for a tool that reads files only (pg_restore --list): no connection variables at all. */
export function offlineToolEnv(vars: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const env: Record<string, string> = { LC_MESSAGES: 'C', LC_ALL: 'C', LANG: 'C' };
  for (const k of ['PATH', 'HOME', 'TMPDIR']) {
    const v = vars[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}
