// `${VAR}` / `${VAR:-default}` expansion for values in pglc.toml (environment URLs).
// Invariant: expansion is a single pass over the text as written: a variable's value is never
// expanded again (a password containing `${` stays as it is), and anything that is not a
// `${NAME…}` reference — `$$`, a bare `$NAME` — is kept literally.

import { PglcError } from '../errors';
import type { EnvVars } from './dotenv';

export interface ExpandOptions {
  /** Who uses the value, for messages, e.g. `Environment "staging"`. */
  where: string;
  /** Where the user may define variables, for the fix (e.g. the project's .env path). */
  envFile?: string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${VAR}` with its value and `${VAR:-default}` with its value, or `default` when it
 * is unset or empty (shell semantics). An unset `${VAR}` without default throws `env-var-unset`.
 * @example expandVars('${DATABASE_URL}', { DATABASE_URL: 'postgres://h/db' }, { where: 'Environment "prod"' }) === 'postgres://h/db'
 * @example expandVars('${PORT:-5432}', {}, { where: 'x' }) === '5432'
 */
export function expandVars(text: string, env: EnvVars, opts: ExpandOptions): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf('${', i);
    if (start < 0) break;
    out += text.slice(i, start);
    const end = text.indexOf('}', start + 2);
    if (end < 0) throw malformed(opts, 'a "${" is never closed with "}"');
    const body = text.slice(start + 2, end);
    const sep = body.indexOf(':-');
    const name = sep < 0 ? body : body.slice(0, sep);
    // The text between the braces is not echoed: a URL written in pglc.toml may hold a password.
    if (!NAME.test(name)) throw malformed(opts, 'a "${…}" reference does not hold a variable name (letters, digits and _, not starting with a digit)');
    const value = env[name];
    if (sep >= 0) {
      out += value === undefined || value === '' ? body.slice(sep + 2) : value;
    } else if (value === undefined) {
      throw new PglcError('env-var-unset', {
        what: `${opts.where} uses \${${name}}, which is not set`,
        why: `the variable ${name} is neither in the environment nor in .env`,
        fix: `Set it in your shell or in .env (${opts.envFile ?? 'next to pglc.toml'}), or give a default: \${${name}:-value}.`,
        details: { variable: name },
      });
    } else {
      out += value;
    }
    i = end + 1;
  }
  return out + text.slice(i);
}

/** Names referenced by `${…}` in text (for listings and diagnostics). @example referencedVars('${A}/${B:-x}') → ['A','B'] */
export function referencedVars(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g)) if (m[1] && !names.includes(m[1])) names.push(m[1]);
  return names;
}

function malformed(opts: ExpandOptions, why: string): PglcError {
  return new PglcError('config-invalid', {
    what: `${opts.where} has a malformed variable reference`,
    why,
    fix: 'Write references as ${NAME} or ${NAME:-default} in pglc.toml; in a URL a literal "$" can be written %24.',
  });
}
