// Parses `postgres://` / `postgresql://` connection URLs (libpq's URI form) into a ConnectionTarget.
// Invariant: errors never echo the URL or any piece of it — a URL may hold a password, and a
// mis-split URL puts password characters where the host or port should be — they name the
// environment and the kind of mistake instead.

import { PglcError } from '../errors';
import type { ConnectionTarget } from '../db/connection-target';

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
type SslMode = (typeof SSL_MODES)[number];

export interface ParseUrlOptions {
  /** Environment the URL belongs to, named in errors instead of the URL. */
  envName: string;
  /** Where the URL came from, for the fix (e.g. `DATABASE_URL`, `[environments.prod] url`). */
  source?: string;
}

/**
 * Parses a PostgreSQL URL. User, password, host and database are percent-decoded; `[ipv6]` hosts
 * lose their brackets; a host that is a directory (`%2Fvar%2Frun%2Fpostgresql`, or `?host=/dir`)
 * is a unix-socket directory. Port defaults to 5432, user to `postgres`, database to the user.
 * Query parameters `host`, `port`, `user`, `password`, `dbname` and `sslmode` are honoured,
 * others (application_name, connect_timeout, schema …) are ignored.
 * @example parseDatabaseUrl('postgres://app:s%40cret@[::1]:6432/shop?sslmode=require', { envName: 'prod' })
 *   // → { host: '::1', port: 6432, user: 'app', password: 's@cret', database: 'shop', sslmode: 'require' }
 */
export function parseDatabaseUrl(url: string, opts: ParseUrlOptions): ConnectionTarget {
  const bad = (why: string) => invalidUrl(opts, why);
  const m = /^(postgres|postgresql):\/\//i.exec(url.trim());
  if (!m) {
    throw bad(url.trim() === '' ? 'the URL is empty' : 'it does not start with postgres:// or postgresql://');
  }
  const rest = url.trim().slice(m[0].length);

  // The authority ends at the first "/" or "?" after the last "@" (so a raw "@" or ":" in a
  // password still works; "/", "?" and "#" in a password must be percent-encoded, as for libpq).
  const at = lastAtBeforePath(rest);
  const authStart = at + 1;
  const authEndRel = rest.slice(authStart).search(/[/?#]/);
  const authEnd = authEndRel < 0 ? rest.length : authStart + authEndRel;
  const userinfo = at >= 0 ? rest.slice(0, at) : undefined;
  const hostport = rest.slice(authStart, authEnd);
  let tail = rest.slice(authEnd);
  if (tail.includes('#')) throw bad('it contains "#" (a password with "#" must write it as %23)');

  let user: string | undefined;
  let password: string | undefined;
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    user = decode(colon < 0 ? userinfo : userinfo.slice(0, colon), bad, 'the user name');
    if (colon >= 0) password = decode(userinfo.slice(colon + 1), bad, 'the password');
  }

  let host = '';
  let port: number | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw bad('an IPv6 host is missing its closing "]"');
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) throw bad('unexpected text after the IPv6 host');
      port = parsePort(after.slice(1), bad);
    }
  } else {
    if (hostport.includes(',')) throw bad('it lists several hosts, which pglc does not support');
    const colon = hostport.lastIndexOf(':');
    host = decode(colon < 0 ? hostport : hostport.slice(0, colon), bad, 'the host');
    if (colon >= 0) port = parsePort(hostport.slice(colon + 1), bad);
  }

  let query = '';
  const q = tail.indexOf('?');
  if (q >= 0) {
    query = tail.slice(q + 1);
    tail = tail.slice(0, q);
  }
  let database = tail.startsWith('/') ? decode(tail.slice(1), bad, 'the database name') : undefined;
  if (database === '') database = undefined;

  let sslmode: SslMode | undefined;
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq), bad, 'a query parameter');
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1).replace(/\+/g, ' '), bad, `the ${key} parameter`);
    switch (key) {
      case 'host':
        if (value.includes(',')) throw bad('it lists several hosts, which pglc does not support');
        host = value;
        break;
      case 'port':
        port = parsePort(value, bad);
        break;
      case 'user':
        user = value;
        break;
      case 'password':
        password = value;
        break;
      case 'dbname':
        database = value;
        break;
      case 'sslmode':
        if (!(SSL_MODES as readonly string[]).includes(value)) {
          throw bad(`sslmode must be one of ${SSL_MODES.join(', ')}`);
        }
        sslmode = value as SslMode;
        break;
      default:
        break; // libpq options pglc does not use (application_name, connect_timeout, …)
    }
  }

  const finalUser = user || 'postgres';
  const target: ConnectionTarget = {
    host: host || 'localhost',
    port: port ?? 5432,
    database: database || finalUser,
    user: finalUser,
  };
  if (password !== undefined && password !== '') target.password = password;
  if (sslmode) target.sslmode = sslmode;
  return target;
}

/** True for text that looks like a PostgreSQL URL (used to tell URLs from other values). */
export function isDatabaseUrl(text: string): boolean {
  return /^(postgres|postgresql):\/\//i.test(text.trim());
}

function lastAtBeforePath(rest: string): number {
  // A "@" inside the query (?options=…) must not count as the userinfo separator: look for the
  // last "@" before the first "?" — unless that "?" itself sits in the userinfo, which we
  // cannot tell apart; libpq demands percent-encoding there too.
  const q = rest.indexOf('?');
  const head = q < 0 ? rest : rest.slice(0, q);
  return head.lastIndexOf('@');
}

function parsePort(text: string, bad: (why: string) => PglcError): number {
  if (!/^\d{1,5}$/.test(text)) throw bad('the port is not a number between 1 and 65535');
  const n = Number(text);
  if (n < 1 || n > 65535) throw bad('the port is not a number between 1 and 65535');
  return n;
}

function decode(text: string, bad: (why: string) => PglcError, what: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw bad(`${what} has an invalid percent-encoding (a "%" must be followed by two hex digits; write a literal "%" as %25)`);
  }
}

function invalidUrl(opts: ParseUrlOptions, why: string): PglcError {
  return new PglcError('config-invalid', {
    what: `The database URL of environment "${opts.envName}" is not valid`,
    why,
    fix:
      `Fix ${opts.source ?? 'the URL'}: postgres://user:password@host:5432/database?sslmode=require; ` +
      'characters such as @ : / ? # % in the user or password must be percent-encoded (e.g. @ as %40).',
    details: { environment: opts.envName, ...(opts.source ? { source: opts.source } : {}) },
  });
}
