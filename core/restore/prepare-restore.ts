// Everything a restore settles before it may change anything: which backup (downloaded from S3
// when only there), read whole and checked (restore's verification), which environment and
// database it replaces and what is there now, what mode, which tables, whether owners and grants
// can be kept, whether the role may do it — and the plan the user confirms.
// Invariants: read-only towards the target (nothing is created, renamed or written there); every
// refusal (a broken backup, a missing permission, a table with dependents, data leaving a
// protected environment without --anonymize) happens here, before the pre-restore backup and
// before the first byte reaches the target's server.

import { availableParallelism } from 'node:os';
import type { BackupManifest, RestoreMode, RestorePlan, RestoreTableChange } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { describeTarget, type ConnectionTarget } from '../db/connection-target';
import type { DbClient } from '../db/connect';
import { withConnection } from '../db/connect';
import { requireClientTool, type FoundTool } from '../db/tool-check';
import type { OpenedEnvironment } from '../environments/open-environment';
import { PglcError, isPglcError } from '../errors';
import { note, nowOf, progress, type OperationContext } from '../operation-context';
import { requireBackupKey } from '../crypto/backup-key';
import { findZstd } from '../backup/compression';
import { resolveBackupId, scopeLatest } from '../backup/backup-id';
import { openLocalBackup } from '../backup/open-backup';
import { downloadBackup } from '../backup/download';
import { majorOf } from '../backup/verify';
import { selectTables, type TableFact } from '../backup/table-facts';
import { openStores } from '../storage/open-stores';
import type { LocalStore } from '../storage/local-store';
import type { BackupLocation } from '../../protocol/index';
import { materializeBackup, tocNames, type MaterializedArchive } from './archive';
import { archiveRoles } from './archive-roles';
import { connectAdmin } from './database-admin';
import { restoreDatabaseName } from './restore-names';
import { readTargetState, type TargetState } from './target-state';
import { restoreWorkRoot } from './work-dir';
import { loadRules } from '../anonymize/anonymize';
import type { RulesSpec } from '../anonymize/rules-file';

export interface RestoreOptions {
  /** `latest`, a backup id or a unique prefix. */
  ref: string;
  /** --env: whose backups `latest` means, and the default target. */
  source?: string;
  /** --to: the environment restored into. */
  to?: string;
  dryRun?: boolean;
  /** false = --no-backup (refused on protected targets). */
  backup?: boolean;
  schemaOnly?: boolean;
  dataOnly?: boolean;
  tables?: string[];
  anonymize?: boolean;
  rules?: string;
  jobs?: number;
  confirm?: string;
  toolVersion?: string;
}

/** One table of a partial restore: the target's leaf table the backup's rows go into. */
export interface PartialTable {
  schema: string;
  name: string;
  /** The manifest entry (row count to check in the scratch copy). */
  entry: BackupManifest['tables'][number];
}

export interface PreparedRestore {
  plan: RestorePlan;
  mode: RestoreMode;
  project: ProjectConfig;
  vars: Record<string, string | undefined>;
  opened: OpenedEnvironment;
  target: ConnectionTarget;
  admin: DbClient;
  state: TargetState;
  manifest: BackupManifest;
  store: LocalStore;
  archive: MaterializedArchive;
  tools: { pgRestore: FoundTool; psql: FoundTool };
  jobs: number;
  owners: boolean;
  privileges: boolean;
  partial: PartialTable[];
  rules?: RulesSpec;
  startedAt: Date;
}

/**
 * Resolves, checks and plans a restore; the caller owns `admin` and `archive` (close / clean up).
 * @example const p = await prepareRestore(project, vars, openTarget, { ref: 'latest', to: 'staging' }, ctx);
 */
export async function prepareRestore(
  project: ProjectConfig,
  vars: Record<string, string | undefined>,
  opened: OpenedEnvironment,
  opts: RestoreOptions,
  ctx: OperationContext,
): Promise<PreparedRestore> {
  const { env, target } = opened;
  const startedAt = nowOf(ctx);
  const c = { ...ctx, env: vars };

  // 1. The backup: local, else downloaded from the remote store (checked on the way).
  const { store, manifest, location } = await findBackup(project, vars, opts, env.name, c);

  // 2. Cheap refusals first.
  const mode = decideMode(manifest, opts);
  const sourceProtected = manifest.protected === true || project.environments[manifest.environment]?.protected === true;
  if (sourceProtected && manifest.environment !== env.name && !opts.anonymize) {
    throw new PglcError('anonymize-required', {
      what: `Restoring ${manifest.environment}'s backup into ${env.name} needs --anonymize`,
      why: `${manifest.environment} is a protected environment, and its data may not leave it as is`,
      fix: `Add --anonymize (rules from ${project.restore.anonymizeRules}; \`pglc data anonymize --suggest\` starts them), or restore into ${manifest.environment} itself.`,
      details: { environment: env.name, source: manifest.environment },
    });
  }
  if (env.protected && opts.backup === false) {
    throw new PglcError('guard-blocked', {
      what: `--no-backup is not allowed on protected environment "${env.name}"`,
      why: 'a restore into a protected environment always starts with a backup of what it replaces',
      fix: 'Run it without --no-backup.',
      details: { environment: env.name, database: target.database, operation: 'restore' },
    });
  }
  const rules = opts.anonymize ? await loadRules(project, opts.rules, ctx.cwd) : undefined;
  const key = manifest.encryption.algorithm === 'none' ? undefined : requireBackupKey(vars, manifest.encryption.keyId, `Restoring backup ${manifest.id}`);
  const zstdPath = manifest.compression.algorithm === 'zstd' ? await findZstd(vars) : undefined;

  // 3. The target's server and database as they are.
  progress(c, 'restore.target', `Reading ${env.name} (${describeTarget(target)})…`);
  const admin = await connectAdmin(target, env.name);
  let archive: MaterializedArchive | undefined;
  try {
    const state = await readTargetState(admin, target, env.name);
    if (state.server.major < majorOf(manifest.serverVersion)) {
      note(c, `The target server is PostgreSQL ${state.server.text}, older than the backup's (${manifest.serverVersion}): objects that use newer features may not restore.`, 'warn');
    }
    const tools = {
      pgRestore: await requireClientTool('pg_restore', Math.max(state.server.major, majorOf(manifest.pgDumpVersion)), vars),
      psql: await requireClientTool('psql', state.server, vars),
    };
    checkPermissions(mode, state, env.name, target.database);
    if (mode !== 'full' && mode !== 'schema-only' && !state.exists) {
      throw new PglcError('restore-not-possible', {
        what: `A ${mode === 'tables' ? 'table' : 'data-only'} restore needs the database ${target.database} on ${env.name}`,
        why: 'it does not exist, so there are no tables to put the rows into',
        fix: `Restore the whole backup (\`pglc restore ${manifest.id} --to ${env.name}\`) or create the database and its tables first (pglc db migrate).`,
      });
    }
    const jobs = Math.max(1, Math.min(opts.jobs ?? Math.min(4, availableParallelism()), 16));

    // 4. The backup, read whole and checked (the verification), into the private work folder.
    progress(c, 'restore.verify', `Reading and checking backup ${manifest.id}…`);
    let where = location;
    // A whole restore streams the data from the store when it loads it; only partial restores
    // (which pick entries out of the archive) need it written out.
    const data = mode === 'full' || mode === 'schema-only' ? 'stream' : 'file';
    try {
      archive = await materializeBackup({ store, manifest, key, zstdPath, ctx: c }, restoreWorkRoot(project.root, vars), tools.pgRestore, { data });
    } catch (e) {
      // A local copy damaged after the fact: the remote copy, when there is one, is fetched again (checked) and read instead.
      if (!isPglcError(e) || e.code !== 'backup-corrupt' || location !== 'local' || !(await replaceFromRemote(project, vars, manifest.id, c))) throw e;
      where = 'both';
      archive = await materializeBackup({ store, manifest, key, zstdPath, ctx: c }, restoreWorkRoot(project.root, vars), tools.pgRestore, { data });
    }

    // 5. Roles: owners and grants are kept only where the target has the roles.
    const full = mode === 'full' || mode === 'schema-only';
    const roles = full ? await archiveRoles(archive, tools.pgRestore, vars) : undefined;
    const missingOwners = roles ? [...roles.owners].filter((r) => !state.roles.has(r)) : [];
    const unusableOwners = roles ? [...roles.owners].filter((r) => state.roles.has(r) && !state.role.superuser && !state.memberOf.has(r)) : [];
    const missingGrantees = roles ? [...roles.grantees].filter((r) => !state.roles.has(r)) : [];
    const blocking = roles ? [...roles.others].filter(([r]) => !state.roles.has(r)) : [];
    if (blocking.length) {
      throw new PglcError('restore-not-possible', {
        what: `The backup needs role${blocking.length > 1 ? 's' : ''} ${blocking.map(([r]) => r).join(', ')}, which ${env.name}'s server does not have`,
        why: `they are named by ${blocking.flatMap(([, w]) => w).slice(0, 3).join('; ')} — objects that cannot be restored without them`,
        fix: `Create them on the target server first (e.g. ${blocking.map(([r]) => `CREATE ROLE "${r}" NOLOGIN;`).join(' ')}) and run the restore again; nothing was changed.`,
        details: { roles: blocking.map(([r]) => r) },
      });
    }
    const owners = full && missingOwners.length === 0 && unusableOwners.length === 0;
    const privileges = full && missingGrantees.length === 0;

    // 6. What changes, table by table.
    const partial = full ? [] : await selectPartialTables(manifest, archive, state, target, env.name, opts, mode);
    const tables = full ? fullTableChanges(manifest, state, mode) : partialTableChanges(partial, manifest, state);

    const plan = buildPlan({ project, opened, state, manifest, location: where, mode, archive, owners, privileges, missingOwners, unusableOwners, missingGrantees, tables, partial, rules, jobs, opts, startedAt });
    return { plan, mode, project, vars, opened, target, admin, state, manifest, store, archive, tools, jobs, owners, privileges, partial, ...(rules ? { rules } : {}), startedAt };
  } catch (e) {
    await archive?.cleanup();
    await admin.end().catch(() => undefined);
    throw e;
  }
}

/** Downloads `id` again over a damaged local copy; false when there is no remote copy to take. */
async function replaceFromRemote(project: ProjectConfig, vars: Record<string, string | undefined>, id: string, ctx: OperationContext): Promise<boolean> {
  const stores = openStores(project, vars);
  try {
    // An unreachable remote leaves the damaged copy's own error to report.
    const remote = stores.remote ? await stores.remote.list(ctx.signal).catch(() => []) : [];
    if (!stores.remote || !remote.some((e) => e.id === id && e.manifest)) return false;
    note(ctx, `The local copy of ${id} is damaged; downloading it again from ${stores.remote.describe()} (checked by SHA-256).`, 'warn');
    await downloadBackup(stores, id, ctx, { replaceDamaged: true });
    return true;
  } finally {
    stores.close();
  }
}

/** `latest` is the newest backup that is not a restore's own safety copy (name those by id). */
const LATEST_SKIPS = ['pre-restore'];

async function findBackup(
  project: ProjectConfig,
  vars: Record<string, string | undefined>,
  opts: RestoreOptions,
  targetEnv: string,
  ctx: OperationContext,
): Promise<{ store: LocalStore; manifest: BackupManifest; location: BackupLocation }> {
  const environment = opts.ref === 'latest' ? opts.source ?? targetEnv : undefined;
  let localError: PglcError | undefined;
  try {
    const found = await openLocalBackup(project, opts.ref, { ...(environment ? { environment } : {}), skipTags: LATEST_SKIPS, signal: ctx.signal });
    if (found.complete) return { store: found.store, manifest: found.manifest, location: 'local' };
    localError = new PglcError('backup-corrupt', {
      what: `The local copy of backup ${found.manifest.id} is damaged`,
      why: 'its files do not match its manifest',
      fix: `Download an intact copy (\`pglc backup download ${found.manifest.id}\`) or use another backup; nothing was changed.`,
      details: { id: found.manifest.id },
    });
  } catch (e) {
    if (!isPglcError(e) || e.code !== 'backup-not-found') throw e;
    localError = e;
  }
  const stores = openStores(project, vars);
  let id: string;
  try {
    if (!stores.remote) throw localError;
    try {
      id = resolveBackupId(scopeLatest(await stores.remote.list(ctx.signal), opts.ref, environment, LATEST_SKIPS), opts.ref, stores.remote.describe());
    } catch (e) {
      if (isPglcError(e) && e.code === 'backup-not-found') throw localError;
      throw e;
    }
    note(ctx, `Backup ${id} is ${localError.code === 'backup-corrupt' ? 'damaged locally' : 'only'} in ${stores.remote.describe()}: downloading it first (checked by SHA-256).`, 'info');
    await downloadBackup(stores, id, ctx);
  } finally {
    stores.close();
  }
  const found = await openLocalBackup(project, id, { signal: ctx.signal });
  if (!found.complete) throw localError;
  return { store: found.store, manifest: found.manifest, location: 'both' };
}

function decideMode(m: BackupManifest, opts: RestoreOptions): RestoreMode {
  if (opts.schemaOnly && (opts.dataOnly || opts.tables?.length)) {
    throw new PglcError('usage', { what: '--schema-only cannot be combined with --data-only or --table', why: 'a schema-only restore replaces the structure and has no rows to restore', fix: 'Choose one.' });
  }
  const mode: RestoreMode = opts.tables?.length ? 'tables' : opts.dataOnly ? 'data-only' : opts.schemaOnly ? 'schema-only' : m.tablesFilter?.length ? 'tables' : m.scope === 'data-only' ? 'data-only' : 'full';
  if (m.scope === 'schema-only' && (mode === 'data-only' || mode === 'tables')) {
    throw new PglcError('restore-not-possible', {
      what: `Backup ${m.id} has no rows to restore`,
      why: 'it is a schema-only backup',
      fix: 'Restore it whole (structure only), or pick a full backup for rows.',
    });
  }
  if (m.scope === 'data-only' && mode === 'schema-only') {
    throw new PglcError('restore-not-possible', { what: `Backup ${m.id} has no structure to restore`, why: 'it is a data-only backup', fix: 'Restore its rows with --data-only, or pick a full backup.' });
  }
  if (m.format === 'plain' && (mode === 'data-only' || mode === 'tables')) {
    throw new PglcError('restore-not-possible', {
      what: `Backup ${m.id} is a plain SQL dump and can only be restored whole`,
      why: 'selecting tables or rows needs one of pg_dump\'s archive formats (custom or directory)',
      fix: 'Restore it whole (the current database is kept and the restore can be undone), or back up with --format custom for partial restores.',
    });
  }
  return mode;
}

function checkPermissions(mode: RestoreMode, state: TargetState, envName: string, database: string): void {
  if (!state.role.createdb) {
    throw new PglcError('restore-not-possible', {
      what: `Role ${state.role.name} may not create databases on ${envName}'s server`,
      why: mode === 'full' || mode === 'schema-only'
        ? 'a restore builds the new copy in a database next to the current one, and swaps it in only when it is complete and checked'
        : 'a partial restore loads the rows into a scratch database first, to check them before they reach the target',
      fix: `Give the role CREATEDB (ALTER ROLE "${state.role.name}" CREATEDB) or restore with a role that has it; nothing was changed.`,
    });
  }
  if ((mode === 'full' || mode === 'schema-only') && state.exists && !state.role.ownsTarget) {
    throw new PglcError('restore-not-possible', {
      what: `Role ${state.role.name} does not own ${database} on ${envName}`,
      why: `swapping the restored copy in renames ${database}, which only its owner (${state.shell?.owner}) or a superuser may do`,
      fix: `Run the restore as ${state.shell?.owner} (or a member of it); nothing was changed.`,
    });
  }
}

/** The target's leaf tables the backup's rows go into, checked against foreign keys and privileges. */
async function selectPartialTables(
  manifest: BackupManifest,
  archive: MaterializedArchive,
  state: TargetState,
  target: ConnectionTarget,
  envName: string,
  opts: RestoreOptions,
  mode: RestoreMode,
): Promise<PartialTable[]> {
  const targetKinds = new Map(state.tables.map((t) => [`${t.schema}.${t.name}`, t.kind]));
  const candidates: TableFact[] = manifest.tables.map((t) => ({ ...t, kind: targetKinds.get(`${t.schema}.${t.name}`) ?? 'r' }));
  const patterns = opts.tables?.length ? opts.tables : mode === 'tables' ? manifest.tablesFilter ?? [] : [];
  const chosen = patterns.length ? selectTables(candidates, patterns.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean)) : candidates;
  return withConnection(target, { envName, applicationName: 'pglc restore' }, async (c) => {
    // Partitioned tables stand for their partitions (their rows live there).
    const leaves: PartialTable[] = [];
    for (const t of chosen) {
      if (t.kind === 'p') {
        const parts = await c.query<{ schema: string; name: string }>(
          `WITH RECURSIVE p AS (SELECT inhrelid FROM pg_inherits WHERE inhparent = to_regclass($1)
                                UNION SELECT i.inhrelid FROM pg_inherits i JOIN p ON i.inhparent = p.inhrelid)
           SELECT n.nspname AS schema, c.relname AS name FROM p JOIN pg_class c ON c.oid = p.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r'`,
          [`"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`],
        );
        for (const p of parts.rows) {
          const entry = manifest.tables.find((m) => m.schema === p.schema && m.name === p.name);
          if (entry && !leaves.some((l) => l.schema === p.schema && l.name === p.name)) leaves.push({ ...p, entry });
        }
      } else if (!leaves.some((l) => l.schema === t.schema && l.name === t.name)) {
        leaves.push({ schema: t.schema, name: t.name, entry: manifest.tables.find((m) => m.schema === t.schema && m.name === t.name)! });
      }
    }
    const withData = leaves.filter((l) => archive.toc.some((e) => e.type === 'TABLE DATA' && tocNames(e, l.schema, l.name)));
    const present = withData.filter((l) => targetKinds.has(`${l.schema}.${l.name}`));
    if (present.length === 0) {
      throw new PglcError('restore-not-possible', {
        what: `None of the chosen tables can be restored into ${target.database} on ${envName}`,
        why: withData.length ? `${withData.map((l) => `${l.schema}.${l.name}`).join(', ')} ${withData.length === 1 ? 'does' : 'do'} not exist there` : 'the backup has no rows for them',
        fix: 'Create the tables first (pglc db migrate), or restore the whole backup; nothing was changed.',
      });
    }
    // Rows of tables outside the restore that point into it would be left dangling: refuse.
    const names = present.map((l) => `"${l.schema.replace(/"/g, '""')}"."${l.name.replace(/"/g, '""')}"`);
    const deps = await c.query<{ fk: string; from_table: string; to_table: string }>(
      `SELECT k.conname AS fk, k.conrelid::regclass::text AS from_table, k.confrelid::regclass::text AS to_table
         FROM pg_constraint k
        WHERE k.contype = 'f' AND k.confrelid = ANY (SELECT to_regclass(x) FROM unnest($1::text[]) x)
          AND k.conrelid <> ALL (SELECT to_regclass(x) FROM unnest($1::text[]) x)
          AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = k.conrelid AND i.inhparent = ANY (SELECT to_regclass(x) FROM unnest($1::text[]) x))`,
      [names],
    );
    const outside = deps.rows.filter((d) => !present.some((l) => d.from_table === `${l.schema}.${l.name}` || d.from_table === l.name));
    if (outside.length) {
      const from = [...new Set(outside.map((d) => d.from_table))];
      throw new PglcError('restore-not-possible', {
        what: `${from.join(', ')} ${from.length === 1 ? 'refers' : 'refer'} to the tables being restored`,
        why: `foreign keys ${outside.slice(0, 4).map((d) => `${d.fk} (${d.from_table} → ${d.to_table})`).join(', ')} would point at rows the restore replaces`,
        fix: `Restore them together (add ${from.map((f) => `--table ${f}`).join(' ')}), or restore the whole backup; nothing was changed.`,
        details: { dependents: from },
      });
    }
    const denied = await c.query<{ t: string }>(
      `SELECT x AS t FROM unnest($1::text[]) x WHERE NOT (has_table_privilege(x, 'TRUNCATE') AND has_table_privilege(x, 'INSERT'))`,
      [names],
    );
    if (denied.rows.length) {
      throw new PglcError('restore-not-possible', {
        what: `Role ${state.role.name} may not replace the rows of ${denied.rows.map((r) => r.t).join(', ')}`,
        why: 'a partial restore empties the tables (TRUNCATE) and fills them (INSERT/COPY) in one transaction',
        fix: 'Grant TRUNCATE and INSERT on them, or restore with their owner; nothing was changed.',
      });
    }
    return present;
  });
}

function fullTableChanges(manifest: BackupManifest, state: TargetState, mode: RestoreMode): RestoreTableChange[] {
  const current = new Map(state.tables.map((t) => [`${t.schema}.${t.name}`, t]));
  const out: RestoreTableChange[] = manifest.tables.map((t) => {
    const cur = current.get(`${t.schema}.${t.name}`);
    return {
      schema: t.schema,
      name: t.name,
      action: cur ? 'replace' : 'create',
      ...(cur ? { currentRows: cur.rowEstimate, ...(cur.bytes !== undefined ? { currentBytes: cur.bytes } : {}) } : {}),
      backupRows: mode === 'schema-only' ? 0 : t.rows ?? t.rowEstimate,
      backupRowsExact: mode === 'schema-only' || t.rows !== undefined,
      ...(mode === 'schema-only' ? { notes: ['structure only: no rows'] } : {}),
    };
  });
  const inBackup = new Set(manifest.tables.map((t) => `${t.schema}.${t.name}`));
  for (const t of state.tables) {
    if (inBackup.has(`${t.schema}.${t.name}`)) continue;
    out.push({ schema: t.schema, name: t.name, action: 'remove', currentRows: t.rowEstimate, ...(t.bytes !== undefined ? { currentBytes: t.bytes } : {}), notes: ['not in the backup: it stays only in the replaced database'] });
  }
  return out.sort((a, b) => `${a.schema}.${a.name}`.localeCompare(`${b.schema}.${b.name}`));
}

function partialTableChanges(partial: PartialTable[], manifest: BackupManifest, state: TargetState): RestoreTableChange[] {
  const current = new Map(state.tables.map((t) => [`${t.schema}.${t.name}`, t]));
  return partial.map((p) => {
    const cur = current.get(`${p.schema}.${p.name}`);
    return {
      schema: p.schema,
      name: p.name,
      action: 'replace' as const,
      ...(cur ? { currentRows: cur.rowEstimate, ...(cur.bytes !== undefined ? { currentBytes: cur.bytes } : {}) } : {}),
      backupRows: p.entry.rows ?? p.entry.rowEstimate,
      backupRowsExact: p.entry.rows !== undefined,
      notes: ['its structure stays; its rows are replaced'],
    };
  });
}

function buildPlan(x: {
  project: ProjectConfig;
  opened: OpenedEnvironment;
  state: TargetState;
  manifest: BackupManifest;
  location: BackupLocation;
  mode: RestoreMode;
  archive: MaterializedArchive;
  owners: boolean;
  privileges: boolean;
  missingOwners: string[];
  unusableOwners: string[];
  missingGrantees: string[];
  tables: RestoreTableChange[];
  partial: PartialTable[];
  rules?: RulesSpec;
  jobs: number;
  opts: RestoreOptions;
  startedAt: Date;
}): RestorePlan {
  const { opened, state, manifest: m, mode } = x;
  const env = opened.env;
  const db = opened.target.database;
  const full = mode === 'full' || mode === 'schema-only';
  const pre = !state.exists
    ? { taken: false, reason: `${db} does not exist yet: there is nothing to back up` }
    : x.opts.backup === false
      ? { taken: false, reason: '--no-backup' }
      : { taken: true, reason: `a backup of ${db} tagged pre-restore, kept by retention` };
  const swap = full ? { newDatabase: restoreDatabaseName(db, 'restore', x.startedAt), oldDatabase: restoreDatabaseName(db, 'old', x.startedAt), terminatesConnections: state.connections.length } : undefined;
  const scratch = full ? undefined : restoreDatabaseName(db, 'scratch', x.startedAt);
  const steps: string[] = [`Check backup ${m.id}: checksums, decryption, pg_restore --list (done)`];
  if (pre.taken) steps.push(`Back up ${db} on ${env.name} (tagged pre-restore)`);
  if (full) {
    steps.push(`Restore into a new database ${swap!.newDatabase} (pg_restore${x.jobs > 1 && m.format !== 'plain' ? ` --jobs ${x.jobs}` : ''}), reachable by nobody else`);
    steps.push(mode === 'full' ? 'Check it: every table\'s exact row count and the number of objects against the backup' : 'Check it: every table and object of the backup is there');
    if (x.rules) steps.push(`Anonymize it with ${x.rules.file} before anyone can connect (columns that look like personal data but have no rule are named then, once the copy's columns can be read)`);
    if (mode === 'full') steps.push('Analyze it (planner statistics), give it the database settings, grants and owner of the current one');
    steps.push(state.exists
      ? `Swap it in: ${state.connections.length ? `close the ${state.connections.length} open connection(s) to ${db}, ` : ''}rename ${db} → ${swap!.oldDatabase} and ${swap!.newDatabase} → ${db} in one transaction`
      : `Rename ${swap!.newDatabase} → ${db}`);
  } else {
    steps.push(`Load the ${x.partial.length} table(s) into a scratch database ${scratch} and check their row counts`);
    if (x.rules) steps.push(`Anonymize them there with ${x.rules.file}`);
    steps.push(`In one transaction on ${db}: empty ${x.partial.length === 1 ? 'the table' : 'the tables'} and copy the backup's rows in; set their sequences past the highest ids`);
    steps.push(`Drop the scratch database`);
  }
  const nonAtomic: string[] = [];
  if (full && state.exists) nonAtomic.push(`Open sessions on ${db} are closed just before the swap; applications reconnect to the restored database.`);
  if (!full) {
    nonAtomic.push('Triggers of the restored tables do not fire for the restored rows (they are disabled inside the transaction).');
    if (m.largeObjects) nonAtomic.push('Large objects are not part of a partial restore.');
  }
  const warnings: string[] = [...m.warnings.map((w) => `The backup said: ${w}`)];
  if (full && x.missingOwners.length) warnings.push(`${env.name}'s server lacks the owner role(s) ${x.missingOwners.join(', ')}: objects will be owned by ${state.role.name}.`);
  if (full && x.unusableOwners.length) warnings.push(`${state.role.name} may not act as ${x.unusableOwners.join(', ')}: objects will be owned by ${state.role.name}.`);
  if (full && x.missingGrantees.length) warnings.push(`${env.name}'s server lacks the role(s) ${x.missingGrantees.join(', ')} that the backup grants privileges to: grants are not restored.`);
  if (state.replicationSlots.length) warnings.push(`Logical replication slot(s) ${state.replicationSlots.join(', ')} belong to the current ${db} and stay with it when it is replaced.`);
  if (m.environment !== env.name) warnings.push(`This backup is of ${m.environment} (${m.database}); it goes into ${env.name} (${db}).`);
  const removed = x.tables.filter((t) => t.action === 'remove');
  if (removed.length) warnings.push(`${removed.length} table(s) of ${db} are not in the backup and will be gone from the restored database (kept in the replaced one): ${removed.slice(0, 5).map((t) => `${t.schema}.${t.name}`).join(', ')}${removed.length > 5 ? ', …' : ''}.`);
  const rowsShare = full ? 1 : x.partial.reduce((s, p) => s + (p.entry.bytes ?? 0), 0) / Math.max(1, m.tables.reduce((s, t) => s + (t.bytes ?? 0), 0));
  const estimatedMs = Math.round(Math.max(2000, m.durationMs * (full ? 1.5 : 3) * Math.max(0.05, rowsShare)));
  const command = ['pglc', 'restore', m.id, '--env', env.name];
  if (mode === 'schema-only') command.push('--schema-only');
  if (mode === 'data-only' && !x.opts.tables?.length) command.push('--data-only');
  for (const t of x.opts.tables ?? []) command.push('--table', t);
  if (x.opts.anonymize) command.push('--anonymize', ...(x.opts.rules ? ['--rules', x.opts.rules] : []));
  if (x.opts.backup === false) command.push('--no-backup');
  if (x.opts.jobs !== undefined) command.push('--jobs', String(x.jobs));
  const exact = m.tables.every((t) => t.rows !== undefined);
  return {
    mode,
    backup: {
      id: m.id,
      ...(m.name ? { name: m.name } : {}),
      createdAt: m.createdAt,
      size: m.totalSize,
      rawSize: x.archive.bytes,
      environment: m.environment,
      database: m.database,
      source: m.source,
      serverVersion: m.serverVersion,
      format: m.format,
      scope: m.scope,
      encrypted: m.encryption.algorithm !== 'none',
      location: x.location,
      tables: m.tables.length,
      ...(exact ? { rows: m.tables.reduce((s, t) => s + (t.rows ?? 0), 0) } : {}),
      checks: x.archive.checks,
    },
    target: {
      environment: env.name,
      protected: env.protected,
      ...(env.color ? { color: env.color } : {}),
      database: db,
      server: `${opened.target.host}:${opened.target.port}`,
      serverVersion: state.server.text,
      exists: state.exists,
      ...(state.sizeBytes !== undefined ? { sizeBytes: state.sizeBytes } : {}),
      tables: state.tables.length,
      connections: state.connections,
    },
    tables: x.tables,
    preRestoreBackup: pre,
    ...(swap ? { swap } : {}),
    ...(scratch ? { scratchDatabase: scratch } : {}),
    owners: full ? x.owners : true,
    privileges: full ? x.privileges : true,
    missingRoles: [...new Set([...x.missingOwners, ...x.missingGrantees])],
    ...(x.rules ? { anonymize: { rules: x.rules.file, tables: x.rules.tables.size, columns: [...x.rules.tables.values()].reduce((s, t) => s + t.columns.size, 0) } } : {}),
    jobs: x.jobs,
    steps,
    nonAtomic,
    warnings,
    estimatedMs,
    confirmation: env.protected ? 'typed-name' : 'none',
    command,
  };
}
