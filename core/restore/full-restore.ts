// Full and schema-only restores: the backup goes into a new database next to the target, is
// checked (every table's exact row count and the number of objects against the backup),
// anonymized when asked, analyzed and given the target's settings, grants and owner — and only
// then swapped in (swap-databases.ts), the current database kept under `<db>__pglc_old_<ts>`.
// Invariants: nothing touches the target before the swap; the new database is marked from its
// first moment (a killed run leaves a marked leftover that the next restore drops) and nobody
// but this role can connect to it until the swap; a build that fails drops the new database.

import type { AnonymizeSummary } from '../../protocol/index';
import { connect, type DbClient } from '../db/connect';
import type { ConnectionTarget } from '../db/connection-target';
import { note, progress, type OperationContext } from '../operation-context';
import { anonymizeDatabase } from '../anonymize/anonymize-database';
import { prepareAnonymization } from '../anonymize/anonymize';
import { applyDatabaseShell, createDatabase, dropMarkedDatabase, unusedRestoreName } from './database-admin';
import type { PreparedRestore } from './prepare-restore';
import { loadArchive } from './run-pg-restore';
import { sizeBytes, tuneCopyForLoad, untuneCopy } from './load-settings';
import { loadedRowCounts } from './loaded-row-counts';
import { swapDatabases } from './swap-databases';
import { quoteIdent } from '../sql/quote';
import { verifyRestored } from './verify-restored';

export interface BuiltCopy {
  name: string;
  tables: number;
  rows: number;
  checks: string[];
  warnings: string[];
  anonymized?: AnonymizeSummary;
}

/**
 * Builds the complete, checked copy in `p.plan.swap.newDatabase`; the target is untouched.
 * @example const copy = await buildRestoredCopy(prepared, ctx); await swapInCopy(prepared, copy, ctx);
 */
export async function buildRestoredCopy(p: PreparedRestore, ctx: OperationContext): Promise<BuiltCopy> {
  const { admin, archive, manifest, opened } = p;
  // The planned name, unless a run of the same second left a database under it.
  const name = await unusedRestoreName(admin, p.target.database, 'restore', p.startedAt);
  const c = { ...ctx, env: p.vars };
  const copyTarget = { ...p.target, database: name };
  await createDatabase(admin, name, p.state.shell, { kind: 'restore', database: p.target.database, environment: opened.env.name, at: p.startedAt.toISOString(), backupId: manifest.id });
  try {
    const split = p.project.restore.splitTablesLargerThan;
    const tuned = await tuneCopyForLoad(admin, name, { jobs: p.jobs, target: p.target, ...(p.project.restore.maintenanceWorkMem ? { configured: p.project.restore.maintenanceWorkMem } : {}) });
    if (tuned.described) note(c, `Loading with ${tuned.described} (on ${name} only, until the load is done).`, 'info');
    progress(c, 'restore.load', `Restoring ${manifest.id} into ${name}…`);
    await loadArchive(archive, copyTarget, p.tools, {
      jobs: p.jobs,
      owners: p.owners,
      privileges: p.privileges,
      ...(p.mode === 'schema-only' ? { schemaOnly: true } : {}),
      superuser: p.state.role.superuser,
      what: 'the new copy',
      ...(split ? { splitTablesLargerThan: split === 'off' ? Infinity : sizeBytes(split) } : {}),
    }, c);
    await untuneCopy(admin, name, tuned);
    const client = await connect(copyTarget, { envName: opened.env.name, applicationName: 'pglc restore' });
    const warnings: string[] = [];
    let anonymized: AnonymizeSummary | undefined;
    let verified;
    try {
      progress(c, 'restore.check', `Checking ${name} against the backup…`);
      // Read before ANALYZE's connection joins the loaders' (gone) sessions in the database.
      const knownRows = p.mode === 'full' ? await loadedRowCounts(client, { signal: ctx.signal }) : undefined;
      // Without anonymization the statistics can be gathered while the rows are counted, on a
      // second connection: the data will not change before the swap.
      const analyzing = p.mode === 'full' && !p.rules ? analyzeAside(copyTarget, opened.env.name) : undefined;
      const checking = verifyRestored(client, manifest, archive.toc, { rows: p.mode === 'full', objects: true, signal: ctx.signal, ...(knownRows ? { knownRows } : {}) });
      const [checked, analyzed] = await Promise.allSettled([checking, analyzing]);
      if (checked.status === 'rejected') throw checked.reason;
      if (analyzed.status === 'rejected') throw analyzed.reason;
      verified = checked.value;
      if (p.rules) {
        const prepared = await prepareAnonymization(client, p.rules, p.vars);
        for (const w of [...prepared.rules.warnings, ...prepared.warnings]) note(c, w, 'warn');
        for (const u of prepared.unruledPii) note(c, `No anonymization rule for ${u}: it is restored as it is.`, 'warn');
        warnings.push(...prepared.rules.warnings, ...prepared.warnings, ...prepared.unruledPii.map((u) => `No anonymization rule for ${u}: restored as it was.`));
        progress(c, 'restore.anonymize', `Anonymizing ${name} with ${p.rules.file} before anyone can connect…`);
        anonymized = await anonymizeDatabase(client, prepared.rules, prepared.key, { unruledPii: prepared.unruledPii, warnings: prepared.warnings }, c);
      }
      if (p.mode === 'full' && p.rules) {
        progress(c, 'restore.analyze', `Analyzing ${name} (planner statistics)…`);
        await analyzeUserTables(client);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
    if (p.state.shell) warnings.push(...(await applyDatabaseShell(admin, name, p.state.shell, { comment: false })));
    else await admin.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(name)} TO PUBLIC`);
    return { name, tables: verified.tables, rows: p.mode === 'full' ? verified.rows : 0, checks: verified.checks, warnings, ...(anonymized ? { anonymized } : {}) };
  } catch (e) {
    await dropMarkedDatabase(admin, name).catch((d: Error) => note(c, `The unfinished copy ${name} could not be dropped (${d.message}); the next restore drops it.`, 'warn'));
    throw e;
  }
}

/**
 * ANALYZE of the new copy on its own connection. pg_restore leaves the planner without
 * statistics: the first queries after the swap would run on guesses.
 */
async function analyzeAside(copyTarget: ConnectionTarget, envName: string): Promise<void> {
  const client = await connect(copyTarget, { envName, applicationName: 'pglc restore (analyze)' });
  try {
    await analyzeUserTables(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Swaps the built copy in; the current target (if any) is kept as `p.plan.swap.oldDatabase`.
 * On failure the target is as it was and the copy is dropped.
 */
export async function swapInCopy(p: PreparedRestore, copy: BuiltCopy, ctx: OperationContext): Promise<{ terminated: number; oldDatabase?: string }> {
  const db = p.target.database;
  const exists = Boolean(p.state.shell);
  // The planned name, unless a restore or undo of the same second took it.
  const oldName = exists ? await unusedRestoreName(p.admin, db, 'old', p.startedAt) : undefined;
  progress(ctx, 'restore.swap', exists ? `Swapping the restored copy in as ${db} (the current one is kept as ${oldName})…` : `Renaming the restored copy to ${db}…`);
  try {
    const r = await swapDatabases(p.admin, {
      target: db,
      replacement: copy.name,
      ...(exists
        ? {
            keepAs: oldName!,
            keptMarker: {
              kind: 'old' as const,
              database: db,
              environment: p.opened.env.name,
              at: new Date().toISOString(),
              backupId: p.manifest.id,
              ...(p.state.shell?.comment !== undefined ? { comment: p.state.shell.comment } : {}),
            },
          }
        : {}),
      ...(p.state.shell?.comment !== undefined ? { comment: p.state.shell.comment } : {}),
    }, ctx);
    return { terminated: r.terminated, ...(oldName ? { oldDatabase: oldName } : {}) };
  } catch (e) {
    await dropMarkedDatabase(p.admin, copy.name).catch(() => undefined);
    throw e;
  }
}

/**
 * ANALYZE of the restored tables and materialized views — not of the system catalogs, which a
 * bare ANALYZE also samples (most of its time on a small database). A partitioned table is
 * analyzed through its parent, which samples and analyzes its partitions.
 */
async function analyzeUserTables(client: Pick<DbClient, 'query'>): Promise<void> {
  const r = await client.query<{ q: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS q
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'm') AND NOT c.relispartition AND c.relpersistence <> 't'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`,
  );
  if (r.rows.length) await client.query(`ANALYZE ${r.rows.map((x) => x.q).join(', ')}`);
}
