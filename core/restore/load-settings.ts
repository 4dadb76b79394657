// The settings of the sessions that load a restored copy. Index and constraint builds sort in
// maintenance_work_mem (the server default, 64MB, sends a million-row key to disk), and each
// COPY's commit need not wait for the WAL flush: nobody can use the copy before the swap, whose
// own synchronous commit makes everything before it durable. pgcopydb gives its target sessions
// the same two settings. They are set on the new database (not as startup options, which
// connection poolers refuse) and reset as soon as the load is over.
// Invariants: only the new copy is changed, never the target; a setting never goes below what the
// server already gives; the copy keeps none of them (reset before the target's settings are applied).

import { totalmem } from 'node:os';
import type { DbClient } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { quoteIdent, quoteLiteral } from '../sql/quote';

const DEFAULT_LOAD_MEMORY = 1024 ** 3;
const UNITS: Record<string, number> = { kB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

export interface LoadSettings {
  /** The settings set on the copy, to reset after the load. */
  names: string[];
  /** In words, for the run's notes: "maintenance_work_mem 1GB, synchronous_commit off". */
  described: string;
}

/**
 * Gives the sessions that will load `name` the load's settings.
 * @example const s = await tuneCopyForLoad(admin, 'shop__pglc_restore_20261207120000', { jobs: 2, target }); … await untuneCopy(admin, name, s);
 */
export async function tuneCopyForLoad(
  admin: Pick<DbClient, 'query'>,
  name: string,
  opts: { jobs: number; target: ConnectionTarget; configured?: string },
): Promise<LoadSettings> {
  const db = quoteIdent(name);
  const set: Array<[string, string]> = [];
  const wanted = loadMemory(opts);
  if (wanted !== undefined) {
    const r = await admin.query<{ bytes: string }>("SELECT (setting::bigint * 1024)::text AS bytes FROM pg_settings WHERE name = 'maintenance_work_mem'");
    if (Number(r.rows[0]?.bytes ?? 0) < wanted) set.push(['maintenance_work_mem', `${Math.floor(wanted / 1024 ** 2)}MB`]);
  }
  set.push(['synchronous_commit', 'off']);
  const names: string[] = [];
  for (const [setting, value] of set) {
    try {
      await admin.query(`ALTER DATABASE ${db} SET ${quoteIdent(setting)} TO ${quoteLiteral(value)}`);
      names.push(setting);
    } catch {
      // Not allowed here (e.g. a managed server's restrictions): the load runs with the server's value.
    }
  }
  return { names, described: set.filter(([s]) => names.includes(s)).map(([s, v]) => `${s} ${v}`).join(', ') };
}

/** Takes the load's settings off the copy again. */
export async function untuneCopy(admin: Pick<DbClient, 'query'>, name: string, settings: LoadSettings): Promise<void> {
  for (const setting of settings.names) await admin.query(`ALTER DATABASE ${quoteIdent(name)} RESET ${quoteIdent(setting)}`);
}

/**
 * Bytes of maintenance_work_mem per loading session: the configured amount, else 1GB — on a
 * server on this machine no more than a quarter of its memory shared by the `jobs` sessions.
 * Undefined: keep the server's ("server").
 */
export function loadMemory(opts: { jobs: number; target: ConnectionTarget; configured?: string }, machineMemory = totalmem()): number | undefined {
  if (opts.configured === 'server') return undefined;
  if (opts.configured !== undefined) return sizeBytes(opts.configured);
  if (!onThisMachine(opts.target)) return DEFAULT_LOAD_MEMORY;
  return Math.max(64 * 1024 ** 2, Math.min(DEFAULT_LOAD_MEMORY, Math.floor(machineMemory / 4 / Math.max(1, opts.jobs))));
}

/**
 * Bytes in an amount like "512MB" or "1 GB" (PostgreSQL's units).
 * @example sizeBytes('64MB') === 67108864
 */
export function sizeBytes(text: string): number {
  const m = /^(\d+)\s*(kB|MB|GB|TB)$/.exec(text);
  if (!m) throw new Error(`sizeBytes: "${text}" is not an amount of memory`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function onThisMachine(t: ConnectionTarget): boolean {
  return t.host.startsWith('/') || ['localhost', '127.0.0.1', '::1', '[::1]'].includes(t.host.toLowerCase());
}
