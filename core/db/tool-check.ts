// Picks the PostgreSQL client tool (pg_dump, pg_restore, psql, pg_basebackup, pg_receivewal)
// that can work with a given server. Invariant: a tool older than the server is never run —
// it is an error naming both versions; among tools new enough, the closest major wins, because
// output of a much newer pg_dump can carry settings an older server rejects at restore time.

import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { PglcError } from '../errors';
import { candidateBinDirs, toolVersion } from './pg-binaries';
import type { ServerVersion } from './server-info';

export type ClientTool = 'pg_dump' | 'pg_restore' | 'psql' | 'pg_basebackup' | 'pg_receivewal';

export interface FoundTool {
  /** Absolute path to run. */
  path: string;
  major: number;
  /** Version as the tool reports it, e.g. "15.18". */
  full: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The client tool to use against a server of major `server` (or its full ServerVersion, for
 * messages), searched in PGLC_PG_BINDIR, pg_config --bindir, PATH, /usr/lib/postgresql/<v>/bin.
 * Throws `tools-too-old` when only older ones exist, `tools-missing` when none does.
 * @example const dump = await requireClientTool('pg_dump', 16, ctx.env); runProcess(dump.path, ['--format=custom', …]);
 */
export async function requireClientTool(tool: ClientTool, server: number | ServerVersion, env: Env): Promise<FoundTool> {
  return chooseClientTool(tool, server, await candidateBinDirs(env), env.PGLC_PG_BINDIR);
}

/**
 * The choice itself over an explicit list of bin dirs (in search order); `preferredDir`
 * (PGLC_PG_BINDIR) wins whenever its tool is new enough.
 * @example await chooseClientTool('pg_dump', 15, ['/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin']) // → the 15 one
 */
export async function chooseClientTool(
  tool: ClientTool,
  server: number | ServerVersion,
  dirs: readonly string[],
  preferredDir?: string,
): Promise<FoundTool> {
  const serverMajor = typeof server === 'number' ? server : server.major;
  const serverText = typeof server === 'number' ? String(server) : server.text;
  const found: Candidate[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    const path = join(dir, tool);
    if (!isFile(path)) continue;
    const real = realpathOr(path);
    if (seen.has(real)) continue;
    seen.add(real);
    const v = await toolVersion(path).catch(() => undefined);
    if (v) found.push({ path, dir, major: v.major, full: v.full, wrapper: basename(real) !== tool });
  }

  const preferred = preferredDir ? found.find((f) => f.dir === preferredDir && f.major >= serverMajor) : undefined;
  if (preferred) return strip(preferred);

  const newEnough = found.filter((f) => f.major >= serverMajor);
  if (newEnough.length) {
    // Closest major first; at the same major a real binary beats a wrapper (Debian's
    // /usr/bin/pg_dump → pg_wrapper may pick another version at run time).
    const best = newEnough.reduce((a, b) => (b.major < a.major || (b.major === a.major && a.wrapper && !b.wrapper) ? b : a));
    return strip(best);
  }

  if (found.length) {
    const newest = found.reduce((a, b) => (b.major > a.major ? b : a));
    throw new PglcError('tools-too-old', {
      what: `${tool} ${newest.full} is older than the server (PostgreSQL ${serverText})`,
      why: WHY_TOO_OLD[tool],
      fix: `Install postgresql-client-${serverMajor} (Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}; macOS: brew install postgresql@${serverMajor}), or set PGLC_PG_BINDIR to a PostgreSQL ${serverMajor} bin directory.`,
      details: { tool, toolVersion: newest.full, serverVersion: serverText, path: newest.path },
    });
  }

  throw new PglcError('tools-missing', {
    what: `PostgreSQL's \`${tool}\` was not found`,
    why: 'it is not in PGLC_PG_BINDIR, pg_config --bindir, PATH or /usr/lib/postgresql/*/bin',
    fix: `Install postgresql-client-${serverMajor} (Debian/Ubuntu: apt-get install postgresql-client-${serverMajor}; macOS: brew install postgresql@${serverMajor}), or set PGLC_PG_BINDIR to its bin directory.`,
    details: { tool, serverVersion: serverText },
  });
}

const WHY_TOO_OLD: Record<ClientTool, string> = {
  pg_dump: 'pg_dump cannot dump a server of a newer major version (it stops with "server version mismatch")',
  pg_restore: 'pg_restore cannot read archives written by a newer pg_dump, nor restore reliably into a newer server',
  psql: "psql older than the server does not know the server's newer catalogs, so its describe commands fail or mislead",
  pg_basebackup: 'pg_basebackup refuses servers of a newer major version ("incompatible server version")',
  pg_receivewal: 'pg_receivewal refuses servers of a newer major version ("incompatible server version")',
};

interface Candidate extends FoundTool {
  dir: string;
  /** The path resolves to a file of another name (a dispatcher such as Debian's pg_wrapper). */
  wrapper: boolean;
}

function strip(f: Candidate): FoundTool {
  return { path: f.path, major: f.major, full: f.full };
}

function isFile(p: string): boolean {
  try {
    return existsSync(p) && statSync(p).isFile();
  } catch {
    return false;
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}
