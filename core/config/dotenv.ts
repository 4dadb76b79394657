// Reads the project's `.env` and merges it with the process environment into the variables
// that config expansion, overrides and environment resolution see.
// Invariant: the process environment always wins over `.env` (a value exported in the shell or
// CI is never silently replaced by a file), and core reads variables only from ctx.env.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { PglcError } from '../errors';

export type EnvVars = Readonly<Record<string, string | undefined>>;

/**
 * Parses `<root>/.env` with node's own dotenv parser (`util.parseEnv`); a missing file is an
 * empty set. Synchronous: a small file read once per command.
 * @example readDotenv('/srv/shop') // { DATABASE_URL: 'postgres://…' }
 */
export function readDotenv(root: string): Record<string, string> {
  const file = join(root, '.env');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return {};
    throw new PglcError('config-invalid', {
      what: `Cannot read ${file}`,
      why: code ? `the file system said ${code}` : 'the file could not be read',
      fix: 'Check the file\'s permissions, or remove it if it is not meant for this project.',
      details: { file },
    });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parseEnv(text))) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * `{ ...dotenv, ...processEnv }`, ignoring process entries that are undefined.
 * @example mergeEnv({ A: 'file' }, { A: 'shell' }).A === 'shell'
 */
export function mergeEnv(dotenv: Readonly<Record<string, string>>, processEnv: EnvVars): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...dotenv };
  for (const [k, v] of Object.entries(processEnv)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The effective variables of a project: `<root>/.env` overlaid by the process environment.
 * @example const vars = effectiveEnv(project.root, ctx.env); resolveEnvironment(project, 'staging', vars);
 */
export function effectiveEnv(root: string, processEnv: EnvVars): Record<string, string | undefined> {
  return mergeEnv(readDotenv(root), processEnv);
}
