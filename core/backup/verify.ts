// `pglc backup verify <id> [--deep]`: is this backup whole and restorable?
// Normal: every file's size and SHA-256 against the manifest, every encrypted chunk
// authenticated, the compression stream intact to its end, and pg_restore --list reading the
// archive (custom, directory) or the plain dump ending with pg_dump's trailer.
// Deep: additionally restore into a scratch database `pglc_verify_<random>` on the project's
// LOCAL embedded server, compare tables and exact row counts with the manifest, drop it.
// Invariants: the outcome is recorded in verify.json (never in the manifest); a failure that
// says nothing about the backup (no key, wrong key, a missing tool, a cancel) is not recorded
// as a failed verification; the scratch database is always dropped.

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupManifest, BackupVerifyResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { withConnection } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { ensureLocalCluster } from '../db/local-cluster';
import { serverVersion } from '../db/server-info';
import { requireClientTool } from '../db/tool-check';
import { PglcError, isPglcError, throwIfAborted } from '../errors';
import { note, nowOf, progress, type OperationContext } from '../operation-context';
import { quoteIdent } from '../sql/quote';
import { compareWithManifest } from './compare-with-manifest';
import { requireBackupKey } from '../crypto/backup-key';
import type { LocalStore } from '../storage/local-store';
import { findZstd } from './compression';
import { openLocalBackup } from './open-backup';
import { offlineToolEnv } from './pg-tool-env';
import { spawnTool } from './pg-dump-process';
import { materializeDirectory, readProgress, restoreInto, streamFile, type ReadContext } from './restore-into';
import { PLAIN_DUMP_TRAILER, feedChild, tailSink } from './tool-sinks';

export interface VerifyOptions {
  deep?: boolean;
  /** `latest` means the newest backup of this environment. */
  environment?: string;
  /** pg_restore workers for a deep check of a directory-format backup (default 2). */
  jobs?: number;
}

/** Codes that mean "this backup is damaged or not restorable" — recorded as a failed verification. */
const BACKUP_FAULTS = new Set(['backup-corrupt', 'backup-verify-failed', 'backup-failed']);

/**
 * Verifies backup `ref` (`latest`, an id or a unique prefix) of the project's local store.
 * @example const r = await verifyBackup(project, vars, 'latest', { deep: true, environment: 'prod' }, ctx); r.rowsCompared
 */
export async function verifyBackup(
  project: ProjectConfig,
  vars: Readonly<Record<string, string | undefined>>,
  ref: string,
  opts: VerifyOptions,
  ctx: OperationContext,
): Promise<BackupVerifyResult> {
  const { store, manifest } = await openLocalBackup(project, ref, { environment: opts.environment, signal: ctx.signal });
  return verifyOpened(project, store, manifest, vars, opts, ctx);
}

export async function verifyOpened(
  project: ProjectConfig,
  store: LocalStore,
  manifest: BackupManifest,
  vars: Readonly<Record<string, string | undefined>>,
  opts: VerifyOptions,
  ctx: OperationContext,
): Promise<BackupVerifyResult> {
  const deep = Boolean(opts.deep);
  const t0 = performance.now();
  if (deep && manifest.scope === 'data-only') {
    throw new PglcError('backup-unsupported', {
      what: `verify --deep cannot check data-only backup ${manifest.id}`,
      why: 'it restores into an empty scratch database, and a data-only backup has no tables to load its rows into',
      fix: `Run \`pglc backup verify ${manifest.id}\` (checksums, decryption, pg_restore --list) instead.`,
    });
  }
  const what = `Verifying backup ${manifest.id}`;
  const key = manifest.encryption.algorithm === 'none' ? undefined : requireBackupKey(vars, manifest.encryption.keyId, what);
  const zstdPath = manifest.compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;
  const rc: ReadContext = { store, manifest, key, zstdPath, ctx: { ...ctx, env: vars } };
  const checks: string[] = [];
  try {
    const result = deep ? await deepCheck(project, rc, opts, checks) : await normalCheck(rc, checks);
    const at = nowOf(ctx).toISOString();
    await store.writeVerifyRecord(manifest.id, { at, result: 'ok', deep });
    return {
      id: manifest.id,
      ok: true,
      deep,
      at,
      files: manifest.files.length,
      bytes: manifest.totalSize,
      checks,
      ...result,
      durationMs: Math.round(performance.now() - t0),
    };
  } catch (e) {
    if (isPglcError(e) && BACKUP_FAULTS.has(e.code) && !ctx.signal?.aborted) {
      const failed = e.code === 'backup-failed'
        ? new PglcError('backup-verify-failed', { what: `Backup ${manifest.id} failed verification: ${e.what}`, why: e.why, fix: e.fix, details: e.details })
        : e;
      await store.writeVerifyRecord(manifest.id, { at: nowOf(ctx).toISOString(), result: 'failed', deep, message: `${failed.what} — ${failed.why}` }).catch(() => undefined);
      throw failed;
    }
    throw e;
  }
}

/** Checksums + decryption + decompression of every file, and the format's own check. */
async function normalCheck(rc: ReadContext, checks: string[]): Promise<Partial<BackupVerifyResult>> {
  const { manifest, ctx } = rc;
  const onDelta = readProgress(ctx, manifest.totalSize, `Verifying ${manifest.id}`);
  const env = offlineToolEnv(ctx.env);
  if (manifest.format === 'plain') {
    const sink = tailSink();
    await streamFile(rc, manifest.files[0]!, sink, onDelta);
    if (!sink.tail().toString('utf8').includes(PLAIN_DUMP_TRAILER)) {
      throw new PglcError('backup-corrupt', {
        what: `Backup ${manifest.id}: the SQL dump is incomplete`,
        why: `it does not end with pg_dump's "${PLAIN_DUMP_TRAILER}" line, so pg_dump stopped before the end`,
        fix: 'Use another backup; create a new one and check pg_dump\'s messages.',
        details: { id: manifest.id },
      });
    }
    checks.push(...summaryChecks(rc), 'the SQL dump ends with pg_dump\'s completion line');
    return {};
  }
  const pgRestore = await requireClientTool('pg_restore', majorOf(manifest.pgDumpVersion), ctx.env);
  if (manifest.format === 'custom') {
    const run = spawnTool(pgRestore.path, ['--list', '--format=custom'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let list = '';
    run.child.stdout!.setEncoding('utf8').on('data', (d: string) => (list += d));
    try {
      await streamFile(rc, manifest.files[0]!, feedChild(run.child), onDelta);
    } catch (e) {
      run.kill();
      await run.exited;
      throw e;
    }
    const status = await run.exited;
    return listChecked(rc, checks, status, run.errorLines(), list);
  }
  const work = await mkdtemp(join(tmpdir(), 'pglc-verify-'));
  try {
    await materializeDirectory(rc, work, (name) => name === 'toc.dat', onDelta);
    const run = spawnTool(pgRestore.path, ['--list', '--format=directory', work], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let list = '';
    run.child.stdout!.setEncoding('utf8').on('data', (d: string) => (list += d));
    const status = await run.exited;
    return listChecked(rc, checks, status, run.errorLines(), list);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function listChecked(
  rc: ReadContext,
  checks: string[],
  status: { code: number | null; signal: NodeJS.Signals | null },
  errors: string[],
  list: string,
): Partial<BackupVerifyResult> {
  const entries = list.split('\n').filter((l) => l.trim() && !l.startsWith(';')).length;
  // An empty database dumps to an archive with no entries; only then is an empty listing right.
  if (status.code !== 0 || (entries === 0 && rc.manifest.tables.length > 0)) {
    throw new PglcError('backup-corrupt', {
      what: `Backup ${rc.manifest.id}: pg_restore cannot read the archive`,
      why: errors.length ? errors.join(' / ') : `pg_restore --list ${status.signal ? `was stopped by ${status.signal}` : `exited with code ${status.code}`} and listed ${entries} entries`,
      fix: 'Use another backup. If this happens to new backups, check pg_dump\'s version and messages.',
      details: { id: rc.manifest.id, messages: errors },
    });
  }
  checks.push(...summaryChecks(rc), `pg_restore --list reads the archive (${entries} entries)`);
  return {};
}

function summaryChecks(rc: ReadContext): string[] {
  const m = rc.manifest;
  const out = [`size and SHA-256 of ${m.files.length} file${m.files.length === 1 ? '' : 's'} match the manifest`];
  if (m.encryption.algorithm !== 'none') out.push(`every AES-256-GCM chunk authenticated (key id ${m.encryption.keyId})`);
  if (m.compression.algorithm !== 'none') out.push(`${m.compression.algorithm} streams decompress to their end`);
  return out;
}

/** Restore into a scratch database on the local embedded server and compare with the manifest. */
async function deepCheck(project: ProjectConfig, rc: ReadContext, opts: VerifyOptions, checks: string[]): Promise<Partial<BackupVerifyResult>> {
  const { manifest, ctx } = rc;
  progress(ctx, 'backup.verify.local', 'Starting the local PostgreSQL for a scratch restore…');
  const { target: admin } = await ensureLocalCluster(project.root, 'postgres', ctx);
  const local = await withConnection(admin, { applicationName: 'pglc verify' }, (c) => serverVersion(c));
  if (local.major < majorOf(manifest.serverVersion)) {
    note(ctx, `The local PostgreSQL is ${local.text}, older than the backup's server (${manifest.serverVersion}); the scratch restore may fail on newer syntax.`, 'warn');
  }
  const tools = {
    pgRestorePath: (await requireClientTool('pg_restore', Math.max(local.major, majorOf(manifest.pgDumpVersion)), ctx.env)).path,
    psqlPath: (await requireClientTool('psql', local, ctx.env)).path,
  };
  const scratch = `pglc_verify_${randomBytes(6).toString('hex')}`;
  const target: ConnectionTarget = { ...admin, database: scratch };
  const work = await mkdtemp(join(tmpdir(), 'pglc-verify-'));
  await withConnection(admin, { applicationName: 'pglc verify' }, (c) => c.query(`CREATE DATABASE ${quoteIdent(scratch)} TEMPLATE template0`));
  try {
    progress(ctx, 'backup.verify.restore', `Restoring ${manifest.id} into scratch database ${scratch}…`);
    await restoreInto({ ...rc, ctx }, target, tools, { workDir: work, jobs: opts.jobs ?? 2 });
    throwIfAborted(ctx.signal, 'Verifying the backup');
    progress(ctx, 'backup.verify.compare', 'Comparing tables and row counts with the manifest…');
    const compared = await withConnection(target, { applicationName: 'pglc verify' }, (c) => compareWithManifest(c, manifest));
    checks.push(...summaryChecks(rc), `restored into a scratch database on the local PostgreSQL ${local.text}`);
    checks.push(`${compared.tables} table${compared.tables === 1 ? '' : 's'} present${compared.rows ? `, exact row counts of ${compared.rows} match` : ''}`);
    if (compared.largeObjects !== undefined) checks.push(`${compared.largeObjects} large object${compared.largeObjects === 1 ? '' : 's'} present`);
    return { tablesChecked: compared.tables, rowsCompared: compared.rows };
  } finally {
    await rm(work, { recursive: true, force: true });
    await withConnection(admin, { applicationName: 'pglc verify' }, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(scratch)} WITH (FORCE)`)).catch(() => undefined);
  }
}

/** "15.18" → 15; "9.6.24" → 9. */
export function majorOf(version: string): number {
  return Number(/^(\d+)/.exec(version)?.[1] ?? 0);
}
