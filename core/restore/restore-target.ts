// Where a restore writes: an environment resolved to a connection target WITHOUT touching its
// database — for the embedded local environment the cluster is started (its `postgres` database),
// but the target database is not created, since "the target does not exist yet" is a case the
// restore handles itself. Invariant: resolving never creates or changes a database.

import type { ProjectConfig } from '../config/project-config';
import { resolveEnvironment } from '../config/resolve-environment';
import { ensureLocalCluster } from '../db/local-cluster';
import type { OpenedEnvironment } from '../environments/open-environment';
import type { OperationContext } from '../operation-context';

/**
 * @example const opened = await openRestoreTarget(project, vars, 'staging', ctx); opened.target.database
 */
export async function openRestoreTarget(
  project: ProjectConfig,
  vars: Record<string, string | undefined>,
  envName: string,
  ctx: OperationContext,
): Promise<OpenedEnvironment> {
  const env = resolveEnvironment(project, envName, vars);
  if (env.kind === 'embedded') {
    const { target } = await ensureLocalCluster(project.root, 'postgres', { ...ctx, env: vars });
    return { project, vars, env, target: { ...target, database: env.database } };
  }
  return { project, vars, env, target: env.target! };
}
