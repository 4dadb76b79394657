// From "the command was started here with --env X" to a live connection target: loads the
// project, merges .env under the process environment, resolves the environment, and for the
// embedded local one starts the cluster on demand.
// Invariant: every command that talks to a database goes through openEnvironment, so guards,
// variable expansion and the local cluster behave the same for the CLI, the editor and cron.

import type { ProjectConfig } from '../config/project-config';
import { loadProject } from '../config/load-config';
import { effectiveEnv } from '../config/dotenv';
import { resolveEnvironment, type ResolvedEnvironment } from '../config/resolve-environment';
import { ensureLocalCluster } from '../db/local-cluster';
import type { ConnectionTarget } from '../db/connection-target';
import type { OperationContext } from '../operation-context';

export interface OpenedProject {
  project: ProjectConfig;
  /** Process environment over the project's .env. */
  vars: Record<string, string | undefined>;
}

export interface OpenedEnvironment extends OpenedProject {
  env: ResolvedEnvironment;
  target: ConnectionTarget;
}

/** Loads pglc.toml (found from ctx.cwd upwards) and the variables it may reference. */
export async function openProject(ctx: OperationContext): Promise<OpenedProject> {
  const project = await loadProject(ctx);
  return { project, vars: effectiveEnv(project.root, ctx.env) };
}

/**
 * Resolves `envName` (default: the project's default environment) to a connection target,
 * starting the embedded local cluster when that is the environment.
 * @example const { env, target } = await openEnvironment(ctx, 'staging');
 */
export async function openEnvironment(ctx: OperationContext, envName?: string): Promise<OpenedEnvironment> {
  const opened = await openProject(ctx);
  return resolveOpened(opened, envName ?? opened.project.defaultEnvironment, ctx);
}

export async function resolveOpened(opened: OpenedProject, envName: string, ctx: OperationContext): Promise<OpenedEnvironment> {
  const env = resolveEnvironment(opened.project, envName, opened.vars);
  if (env.kind === 'embedded') {
    const { target } = await ensureLocalCluster(opened.project.root, env.database, { ...ctx, env: opened.vars });
    return { ...opened, env, target };
  }
  return { ...opened, env, target: env.target! };
}
