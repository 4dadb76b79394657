// Finding plain executables (zstd) in the PATH of the operation's variables, not of the process.
// Invariant: the search uses ctx's PATH only, so the editor and cron find the same tool the
// user's shell would.

import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of `name` in vars.PATH, or undefined. @example candidateExecutable('zstd', ctx.env) */
export function candidateExecutable(name: string, vars: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const dir of (vars.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      if (statSync(p).isFile()) {
        accessSync(p, constants.X_OK);
        return p;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}
