// The project's web address (package.json `repository`), injected by the build (scripts/build.mjs
// `define`) so the bundled CLI needs no package.json at run time; read from package.json when run
// from source. The lint formats link each rule to its documentation there (docs/lint.md on the
// default branch), which CI output — GitHub annotations, SARIF — needs as a web link.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

declare const __PGLC_REPOSITORY__: string | undefined;

function fromPackageJson(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { repository?: string | { url?: string } };
    const url = typeof pkg.repository === 'string' ? pkg.repository : (pkg.repository?.url ?? '');
    return url.replace(/^git\+/, '').replace(/\.git$/, '');
  } catch {
    return '';
  }
}

export const repositoryUrl: string = typeof __PGLC_REPOSITORY__ === 'string' ? __PGLC_REPOSITORY__ : fromPackageJson();
