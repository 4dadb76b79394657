// `pglc db lint [paths…] [--env ENV] [--format text|json|sarif|github] [--fail-on error|warning]`:
// the schema lint of the editor's Problems panel, for CI. Without --env it reads no database
// (CI needs none); with --env it reads the environment's table sizes, server version and
// applied migrations to rate findings by impact. Exit codes: 0 no finding at the --fail-on
// level, 1 findings at it (or a failure), 2 usage.

import type { DbLintResult } from '../../protocol/index';
import { PglcError } from '../../core/errors';
import { openEnvironment, openProject, type OpenedProject } from '../../core/environments/open-environment';
import { localScratchServer } from '../../core/schema/schema-source';
import { withConnection } from '../../core/db/connect';
import { lintProject } from '../../core/lint/lint-project';
import { readLintFacts } from '../../core/lint/read-facts';
import { defineCommand } from '../command-definition';
import { lintGithub, lintSarif, lintText } from '../output/lint-formats';
import { toolVersion } from '../tool-version';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
const FAIL_ON = ['error', 'warning'] as const;

function choice<T extends string>(value: unknown, allowed: readonly T[], option: string): T {
  if (allowed.includes(value as T)) return value as T;
  throw new PglcError('usage', {
    what: `${option} ${String(value)} is not known`,
    why: `${option} takes one of ${allowed.join(', ')}`,
    fix: `Pass ${option} ${allowed[0]}.`,
  });
}

export default defineCommand<DbLintResult>({
  path: ['db', 'lint'],
  summary: 'Check migrations for locking, destructive and type problems (the rules of the editor)',
  help: 'Examples:\n  pglc db lint                                  # every migration, no database needed\n  pglc db lint pglc/migrations/0007_orders.sql --fail-on warning\n  pglc db lint --env staging                    # with table sizes and the server version of staging\n  pglc db lint --format github                  # annotations in GitHub Actions\n  pglc db lint --format sarif > lint.sarif      # code scanning',
  configure: (cmd) =>
    cmd
      .argument('[paths...]', 'migration files or folders to report on (default: every migration)')
      .option('--format <format>', 'text, json, sarif or github', 'text')
      .option('--fail-on <level>', 'exit 1 when a finding is at least this severe: error or warning', 'error')
      .option('--functions', 'check PL/pgSQL function bodies with plpgsql_check in a scratch database on the local PostgreSQL (on by default with --env on the embedded local environment)')
      .option('--no-functions', 'do not check function bodies, even with --env local'),
  async run({ args, opts }, ctx) {
    choice(opts.format, FORMATS, '--format');
    const failOn = choice(opts.failOn, FAIL_ON, '--fail-on');
    const paths = args.flat().filter((p): p is string => typeof p === 'string' && p !== '');
    // function bodies: asked for, or by default when the environment is the embedded local one
    const functions = (o: OpenedProject) => ({ opened: o, server: () => localScratchServer(o, ctx) });
    if (!opts.env) {
      const opened = await openProject(ctx);
      return lintProject(opened.project, { paths, failOn, ...(opts.functions === true ? { functions: functions(opened) } : {}) }, ctx);
    }
    const opened = await openEnvironment(ctx, opts.env);
    const environment = await withConnection(opened.target, { envName: opened.env.name, applicationName: 'pglc lint' }, (client) =>
      readLintFacts(client, opened.env.name, opened.target, opened.project.migrationTable, ctx),
    );
    const checkFunctions = opts.functions === true || (opts.functions !== false && opened.env.kind === 'embedded');
    return lintProject(opened.project, { paths, failOn, environment, ...(checkFunctions ? { functions: functions(opened) } : {}) }, ctx);
  },
  render(r, { opts }) {
    switch (opts.format) {
      case 'json':
        return JSON.stringify(r, null, 2);
      case 'sarif':
        return lintSarif(r, toolVersion);
      case 'github':
        return lintGithub(r);
      default:
        return lintText(r);
    }
  },
  exitCode: (r) => (r.failed ? 1 : 0),
});
