// Scratch databases: short-lived databases on a server pglc may create databases on (the
// project's embedded local PostgreSQL, or the test cluster), used to build a shadow database
// from migrations, to copy one side of a diff, and to run the self-check.
// Invariants: a scratch database's name starts with `pglc_` and a random part, so it never
// collides with a real one; it is always dropped (WITH (FORCE)) when the work is done, even
// when that work failed or was cancelled.

import { randomBytes } from 'node:crypto';
import { withConnection } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { quoteIdent } from '../sql/quote';

export interface ScratchServer {
  /** A superuser (or CREATEDB + CREATEROLE) connection target on the server, any database. */
  admin: ConnectionTarget;
}

/** A fresh name such as `pglc_shadow_3f9a1c2b7d0e`. */
export function scratchName(purpose: string): string {
  return `pglc_${purpose}_${randomBytes(6).toString('hex')}`;
}

/**
 * Creates an empty database (from template0), or a copy of `template` (which must have no
 * other connections), and returns a target for it.
 * @example const t = await createScratchDatabase(server, 'shadow'); … await dropScratchDatabase(server, t.database);
 */
export async function createScratchDatabase(server: ScratchServer, purpose: string, template?: string): Promise<ConnectionTarget> {
  const name = scratchName(purpose);
  await withConnection(server.admin, { applicationName: 'pglc scratch' }, (c) =>
    c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template ?? 'template0')}`));
  return { ...server.admin, database: name };
}

export async function dropScratchDatabase(server: ScratchServer, name: string): Promise<void> {
  await withConnection(server.admin, { applicationName: 'pglc scratch' }, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`))
    .catch(() => undefined);
}

/**
 * Runs fn with a scratch database that is dropped afterwards, whatever happens.
 * @example await withScratchDatabase(server, 'check', async (target) => { … });
 */
export async function withScratchDatabase<T>(server: ScratchServer, purpose: string, fn: (target: ConnectionTarget) => Promise<T>, template?: string): Promise<T> {
  const target = await createScratchDatabase(server, purpose, template);
  try {
    return await fn(target);
  } finally {
    await dropScratchDatabase(server, target.database);
  }
}

/**
 * Creates the roles a schema grants to (NOLOGIN) that the server lacks: roles belong to the
 * server, not to a database, and grants to a missing role cannot be applied. Returns the ones created.
 */
export async function ensureRoles(server: ScratchServer, roles: Iterable<string>): Promise<string[]> {
  const wanted = [...new Set(roles)].filter((r) => r !== 'PUBLIC' && r !== 'CURRENT_USER').sort();
  if (!wanted.length) return [];
  return withConnection(server.admin, { applicationName: 'pglc scratch' }, async (c) => {
    const have = new Set((await c.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles WHERE rolname = ANY($1)', [wanted])).rows.map((r) => r.rolname));
    const created: string[] = [];
    for (const r of wanted) {
      if (have.has(r)) continue;
      try {
        await c.query(`CREATE ROLE ${quoteIdent(r)} NOLOGIN`);
        created.push(r);
      } catch (e) {
        if ((e as { code?: string }).code !== '42710') throw e; // created meanwhile by another run
      }
    }
    return created;
  });
}
