// One side of `pglc schema show` / `schema diff`: an environment read live, or `migrations` —
// the shadow database built by applying the project's migrations to a scratch database on the
// embedded local PostgreSQL (its model optionally kept in .pglc/cache, shadow-cache.ts). Each
// side yields its model and a way to rebuild it in an empty database (what the self-check
// applies the generated migration to).
// Invariants: reading an environment never changes it (introspection is a read-only
// transaction); the shadow database is created and dropped by pglc, even on failure; a
// shadow build that fails names the migration and the server's message.

import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findZstd } from '../backup/compression';
import { openLocalBackup } from '../backup/open-backup';
import { pgToolEnv } from '../backup/pg-tool-env';
import { restoreInto } from '../backup/restore-into';
import { majorOf } from '../backup/verify';
import { requireBackupKey } from '../crypto/backup-key';
import { connect, withConnection } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { ensureLocalCluster, localClusterPaths } from '../db/local-cluster';
import { dataDirMajor, isInitialized } from '../db/local-cluster-state';
import { serverVersion } from '../db/server-info';
import { requireClientTool } from '../db/tool-check';
import { resolveOpened, type OpenedProject } from '../environments/open-environment';
import { isPglcError, PglcError } from '../errors';
import { discoverMigrations } from '../migrations/discover';
import { migrate } from '../migrations/migrate';
import type { MigrationFile } from '../migrations/migration-file';
import { compareVersions } from '../migrations/version';
import { progress, type OperationContext } from '../operation-context';
import { runProcess } from '../process/run-process';
import { introspect, type IntrospectOptions } from './introspect';
import type { SchemaModel } from './model';
import { withScratchDatabase, type ScratchServer } from './scratch-database';
import { readShadowModel, shadowKey, writeShadowModel } from './shadow-cache';

/** `migrations`, `backup:<id>` (a local backup; `backup:latest`), or the name of an environment from pglc.toml. */
export type SchemaSideSpec = string;

export interface SchemaSide {
  /** What the user named: `migrations`, `local`, `staging`. */
  label: string;
  /** For an environment: its database (shown to the user). */
  database?: string;
  model: SchemaModel;
  /** For `migrations` read with `cache`: the model came from .pglc/cache (no shadow database was built). */
  cached?: boolean;
  /** Rebuilds this side's schema in `target`, an empty scratch database. */
  copyInto(target: ConnectionTarget): Promise<void>;
}

/** The embedded local PostgreSQL, where shadow and scratch databases live (started on demand). */
export async function localScratchServer(opened: OpenedProject, ctx: OperationContext): Promise<ScratchServer> {
  const { target } = await ensureLocalCluster(opened.project.root, 'postgres', { ...ctx, env: opened.vars });
  return { admin: { ...target, database: 'postgres' } };
}

function introspectOptions(opened: OpenedProject, source: string, owners = false): IntrospectOptions {
  return { source, owners, exclude: [`public.${opened.project.migrationTable}`] };
}

/** A context whose progress stays quiet (the shadow build re-run by the self-check). */
function quiet(ctx: OperationContext): OperationContext {
  return { ...ctx, report: () => undefined };
}

/**
 * Applies every migration (Up sections, in order) to `target`.
 * Throws `shadow-build-failed` naming the migration that failed.
 */
export async function applyMigrations(opened: OpenedProject, target: ConnectionTarget, ctx: OperationContext, upTo?: string): Promise<void> {
  try {
    await migrate(opened.project, { name: 'shadow', protected: false }, target, { allowOutOfOrder: true, ...(upTo !== undefined ? { to: upTo } : {}) }, ctx);
  } catch (e) {
    if (isPglcError(e) && (e.code === 'migration-failed' || e.code === 'migration-invalid')) {
      throw new PglcError('shadow-build-failed', {
        what: 'The migrations do not build a database',
        why: `${e.what} — ${e.why}`,
        fix: 'Fix that migration (run `pglc db migrate:fresh` on local to see it fail the same way), then diff again.',
        details: e.details,
      });
    }
    throw e;
  }
}

export interface LoadSideOptions {
  /** `migrations`: only the migrations up to that version; null: none (what an environment with nothing applied should have). */
  upTo?: string | null;
  /** `migrations`: read the model from .pglc/cache when a build of the same migrations is there, and store a new build. */
  cache?: boolean;
}

/**
 * Reads one side. `scratch` is needed for `migrations` (the shadow database lives there).
 * @example const side = await loadSchemaSide(opened, 'staging', scratch, ctx); side.model.tables.length
 */
export async function loadSchemaSide(opened: OpenedProject, spec: SchemaSideSpec, scratch: () => Promise<ScratchServer>, ctx: OperationContext, opts: LoadSideOptions = {}): Promise<SchemaSide> {
  if (spec === 'migrations') return loadMigrationsSide(opened, scratch, ctx, opts);
  if (spec.startsWith('backup:')) return loadBackupSide(opened, spec.slice('backup:'.length), await scratch(), ctx);
  const { env, target } = await resolveOpened(opened, spec, ctx);
  return environmentSide(opened, env.name, target, ctx);
}

/** The major version of the project's local PostgreSQL data directory (where shadows are built), if it has one. */
function localMajor(root: string): number | undefined {
  const paths = localClusterPaths(root);
  return isInitialized(paths) ? dataDirMajor(paths.dataDir) : undefined;
}

async function loadMigrationsSide(opened: OpenedProject, scratch: () => Promise<ScratchServer>, ctx: OperationContext, opts: LoadSideOptions): Promise<SchemaSide> {
  const upTo = opts.upTo ?? undefined;
  const none = opts.upTo === null;
  const label = upTo ? `migrations up to ${upTo}` : 'migrations';
  const copyInto = async (t: ConnectionTarget) => { if (!none) await applyMigrations(opened, t, quiet(ctx), upTo); };
  const root = opened.project.root;
  let files: MigrationFile[] = [];
  if (opts.cache) {
    files = none ? [] : (await discoverMigrations(opened.project, ctx)).filter((f) => upTo === undefined || compareVersions(f.version, upTo) <= 0);
    const major = localMajor(root);
    const hit = major === undefined ? undefined : await readShadowModel(root, shadowKey(opened.project, files, major));
    if (hit) return { label, model: hit, cached: true, copyInto };
  }
  const server = await scratch();
  progress(ctx, 'schema.shadow', 'Building the shadow database from the migrations…');
  const model = await withScratchDatabase(server, 'shadow', async (target) => {
    if (!none) await applyMigrations(opened, target, quiet(ctx), upTo);
    const client = await connect(target, { applicationName: 'pglc schema' });
    try {
      return await introspect(client, introspectOptions(opened, 'migrations'), ctx);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  const major = opts.cache ? localMajor(root) : undefined;
  if (major !== undefined) await writeShadowModel(root, shadowKey(opened.project, files, major), model);
  return { label, model, cached: false, copyInto };
}

/**
 * An environment as a side, read through `target` (read-only).
 * @example const side = await environmentSide(opened, 'staging', target, ctx); side.model.tables
 */
export async function environmentSide(opened: OpenedProject, name: string, target: ConnectionTarget, ctx: OperationContext): Promise<SchemaSide> {
  progress(ctx, 'schema.introspect', `Reading the schema of ${name}…`);
  const client = await connect(target, { applicationName: 'pglc schema', envName: name });
  let major: number;
  let model: SchemaModel;
  try {
    major = (await serverVersion(client)).major;
    model = await introspect(client, introspectOptions(opened, name), ctx);
  } finally {
    await client.end().catch(() => undefined);
  }
  return {
    label: name,
    database: target.database,
    model,
    copyInto: (t) => copySchema(target, t, major, opened, ctx),
  };
}

/**
 * A backup as a side: restored (checked, decrypted, decompressed) into a scratch database on the
 * local server and read there. Restores run without privileges, so the model says so and the
 * diff does not compare grants (it notes that).
 */
async function loadBackupSide(opened: OpenedProject, ref: string, server: ScratchServer, ctx: OperationContext): Promise<SchemaSide> {
  const { store, manifest } = await openLocalBackup(opened.project, ref, { signal: ctx.signal });
  if (manifest.scope === 'data-only') {
    throw new PglcError('backup-unsupported', { what: `Backup ${manifest.id} has no schema`, why: 'it is a data-only backup', fix: 'Pick a full or schema-only backup (`pglc backup list`).' });
  }
  const vars = opened.vars;
  const key = manifest.encryption.algorithm === 'none' ? undefined : requireBackupKey(vars, manifest.encryption.keyId, `Reading backup ${manifest.id}`);
  const zstdPath = manifest.compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;
  const local = await withConnection(server.admin, { applicationName: 'pglc schema' }, (c) => serverVersion(c));
  const tools = {
    pgRestorePath: (await requireClientTool('pg_restore', Math.max(local.major, majorOf(manifest.pgDumpVersion)), vars)).path,
    psqlPath: (await requireClientTool('psql', local, vars)).path,
  };
  const restore = async (t: ConnectionTarget) => {
    const work = await mkdtemp(join(tmpdir(), 'pglc-schema-'));
    try {
      await restoreInto({ store, manifest, key, zstdPath, ctx: { ...ctx, env: vars } }, t, tools, { workDir: work, jobs: 2 });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  };
  progress(ctx, 'schema.backup', `Restoring backup ${manifest.id} into a scratch database…`);
  const model = await withScratchDatabase(server, 'backup', async (t) => {
    await restore(t);
    const client = await connect(t, { applicationName: 'pglc schema' });
    try {
      return await introspect(client, introspectOptions(opened, `backup ${manifest.id}`), ctx);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
  model.privileges = false;
  return { label: `backup ${manifest.id}`, model, copyInto: restore };
}

/**
 * `pg_dump --schema-only` of `from` replayed by psql into `to` (privileges kept, owners not:
 * the scratch server has other roles). The real tools, so the copy does not share the diff's blind spots.
 */
async function copySchema(from: ConnectionTarget, to: ConnectionTarget, major: number, opened: OpenedProject, ctx: OperationContext): Promise<void> {
  const vars = opened.vars;
  const dump = await requireClientTool('pg_dump', major, vars);
  const psql = await requireClientTool('psql', major, vars);
  const d = await runProcess(dump.path, ['--schema-only', '--no-owner', `--exclude-table=public.${opened.project.migrationTable}`], { env: pgToolEnv(from, vars, 'pglc schema'), signal: ctx.signal });
  if (d.code !== 0) {
    throw new PglcError('schema-copy-failed', { what: 'pg_dump could not read the schema for the self-check', why: d.stderr.trim().split('\n').slice(-3).join(' '), fix: 'Check the connection and privileges, or run with --no-check.' });
  }
  const dir = await mkdtemp(join(tmpdir(), 'pglc-schema-'));
  try {
    const file = join(dir, 'schema.sql');
    await writeFile(file, d.stdout);
    const r = await runProcess(psql.path, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', file], { env: pgToolEnv(to, vars, 'pglc schema'), signal: ctx.signal });
    if (r.code !== 0) {
      throw new PglcError('schema-copy-failed', { what: 'The schema copy for the self-check did not apply', why: r.stderr.trim().split('\n').slice(-3).join(' '), fix: 'Run with --no-check to skip the self-check, and report this schema.' });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
