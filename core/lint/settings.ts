// The settings one lint run uses: each rule's level (its default, or pglc.toml's [lint.rules]),
// assume_in_transaction, the excluded paths and the PostgreSQL version the rules assume — the
// connected server's when facts were read, else pglc.toml's [lint] postgres_version, else the
// newest version pglc supports. Invariant: pure; the editor and `pglc db lint` derive their
// settings here from the same inputs, so they apply the same levels.

import type { LintFacts } from '../../protocol/index';
import type { LintConfig } from '../config/project-config';
import type { RuleLevel } from './rule';

/** The newest PostgreSQL major version pglc's parser (libpg-query 17) and rules know. */
export const NEWEST_SUPPORTED_POSTGRES = 17;

export interface LintSettings {
  /** Level of every rule that is not at its default (see levelOf). */
  levels: Readonly<Record<string, RuleLevel>>;
  assumeInTransaction: boolean;
  pgVersion: number;
  versionSource: 'server' | 'config' | 'default';
  exclude: readonly string[];
}

/**
 * @example lintSettings({ assumeInTransaction: true, rules: { 'prefer-text': 'off' }, exclude: [] }).pgVersion === 17
 */
export function lintSettings(config: LintConfig | undefined, facts?: Pick<LintFacts, 'serverVersion'>): LintSettings {
  const base = { levels: { ...(config?.rules ?? {}) }, assumeInTransaction: config?.assumeInTransaction ?? true, exclude: config?.exclude ?? [] };
  if (facts?.serverVersion.major) return { ...base, pgVersion: facts.serverVersion.major, versionSource: 'server' };
  if (config?.postgresVersion) return { ...base, pgVersion: config.postgresVersion, versionSource: 'config' };
  return { ...base, pgVersion: NEWEST_SUPPORTED_POSTGRES, versionSource: 'default' };
}

/** `**` any folders, `*` any characters but `/`, `?` one character; a pattern without `/` matches a name at any depth. */
function globToRegExp(pattern: string): RegExp {
  let p = pattern.replace(/\\/g, '/').replace(/^\.\//, '');
  const anywhere = !p.includes('/') || p.startsWith('**/');
  p = p.replace(/^\*\*\//, '').replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*' && p[i + 1] === '*') {
      re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += p[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // a folder pattern excludes everything below it
  return new RegExp(`^${anywhere ? '(?:.*/)?' : ''}${re}(?:/.*)?$`);
}

/**
 * Whether a project-relative path (forward slashes) matches one of [lint] exclude's patterns.
 * @example isExcluded('pglc/migrations/0001_legacy.sql', ['**\/0001_*.sql']) === true
 */
export function isExcluded(relPath: string, patterns: readonly string[]): boolean {
  const path = relPath.replace(/\\/g, '/').replace(/^\.\//, '');
  return patterns.some((p) => globToRegExp(p).test(path));
}
