// Opens connections with pg and turns connection failures into what / why / fix errors.
// Invariant: no error produced here contains the password or the full URL; the target is
// always shown as host:port/database.

import type pg from 'pg';
import { pgDriver } from './pg-driver';
import { PglcError } from '../errors';
import { describeTarget, type ConnectionTarget } from './connection-target';

export type DbClient = pg.Client;

/**
 * Connects to `target` or throws a PglcError (server-unreachable, auth-failed, database-missing).
 * @example const c = await connect(target, { envName: 'staging' }); await c.query('select 1'); await c.end();
 */
export async function connect(
  target: ConnectionTarget,
  opts: { envName?: string; applicationName?: string; connectTimeoutMs?: number } = {},
): Promise<DbClient> {
  const client = new (pgDriver().Client)({
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password ?? '',
    ssl: sslOption(target),
    application_name: opts.applicationName ?? 'pglc',
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  });
  // A dropped connection must not crash the process; the next query reports it.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw connectionError(e, target, opts.envName);
  }
  return client;
}

/** Runs fn with a fresh connection and always closes it. */
export async function withConnection<T>(
  target: ConnectionTarget,
  opts: { envName?: string; applicationName?: string },
  fn: (client: DbClient) => Promise<T>,
): Promise<T> {
  const client = await connect(target, opts);
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function sslOption(t: ConnectionTarget): pg.ClientConfig['ssl'] {
  if (t.host.startsWith('/')) return false;
  switch (t.sslmode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    default:
      return { rejectUnauthorized: true };
  }
}

/** Maps a pg / socket error raised while connecting to a user-facing PglcError. */
export function connectionError(e: unknown, target: ConnectionTarget, envName?: string): PglcError {
  const err = e as { code?: string; message?: string };
  const where = describeTarget(target);
  const envHint = envName ? ` (environment "${envName}")` : '';
  const code = err.code ?? '';
  // The server asked for a password and none was given: pg fails in the client before sending one.
  const noPassword = !target.password && /password must be a string|password authentication is required|no password/i.test(err.message ?? '');
  if (code === '28P01' || code === '28000' || noPassword) {
    return new PglcError('auth-failed', {
      what: `Authentication failed for user "${target.user}" on ${where}${envHint}`,
      why: noPassword
        ? 'the server asks for a password and none was given (the URL has none, and neither the editor nor PGPASSWORD supplied one)'
        : code === '28P01' ? 'the server rejected the password' : 'the server has no pg_hba.conf entry allowing this connection',
      fix: envName
        ? `Set the password for "${envName}" (editor: Set password; shell: PGLC_PASSWORD_${envVarSuffix(envName)} or PGPASSWORD), or fix the URL's user.`
        : 'Check the user and password.',
      details: { host: target.host, port: target.port, database: target.database, user: target.user },
    });
  }
  if (code === '3D000') {
    return new PglcError('database-missing', {
      what: `Database "${target.database}" does not exist on ${target.host}:${target.port}${envHint}`,
      why: err.message ?? 'the server says it does not exist',
      fix: `Create it (createdb ${target.database}) or fix the database name in the environment's URL.`,
      details: { host: target.host, port: target.port, database: target.database },
    });
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENOENT', 'EAI_AGAIN', 'ECONNRESET'].includes(code) ||
      /timeout|terminated unexpectedly/i.test(err.message ?? '')) {
    return new PglcError('server-unreachable', {
      what: `Cannot reach PostgreSQL at ${where}${envHint}`,
      why: reasonFor(code, err.message),
      fix: 'Check that the server is running and that host and port are right; for the local environment run `pglc db start`.',
      details: { host: target.host, port: target.port, database: target.database },
    });
  }
  if (code === '57P03') {
    return new PglcError('server-unreachable', {
      what: `PostgreSQL at ${where}${envHint} is not accepting connections yet`,
      why: err.message ?? 'the server is starting up or shutting down',
      fix: 'Wait a moment and run the command again.',
      details: { host: target.host, port: target.port, database: target.database },
    });
  }
  return new PglcError('server-unreachable', {
    what: `Could not connect to ${where}${envHint}`,
    why: scrub(err.message ?? String(e), target),
    fix: 'Check the environment\'s URL in pglc.toml and that the server accepts connections from here.',
    details: { host: target.host, port: target.port, database: target.database, code },
  });
}

function reasonFor(code: string, message?: string): string {
  switch (code) {
    case 'ECONNREFUSED': return 'the connection was refused: nothing is listening on that port';
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return 'the host name does not resolve';
    case 'EHOSTUNREACH': return 'the host is unreachable';
    case 'ETIMEDOUT': return 'the connection timed out';
    case 'ENOENT': return 'the unix socket does not exist: the server is not running';
    case 'ECONNRESET': return 'the server closed the connection';
    default: return message ?? 'the connection failed';
  }
}

/** Removes the password from a message, in case a driver ever echoes it. */
export function scrub(message: string, target: ConnectionTarget): string {
  return target.password ? message.split(target.password).join('***') : message;
}

export function envVarSuffix(envName: string): string {
  return envName.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}
