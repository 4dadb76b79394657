// Partial restores (--table, --data-only): the chosen tables' structure and rows go into a scratch
// database first, where their exact row counts are checked against the backup (and anonymized
// when asked), and only then replace the target's rows in one transaction (move-rows.ts).
// Invariants: the target is not written before the scratch copy is complete, checked and
// anonymized; the scratch database is dropped whatever happens (a killed run leaves it marked,
// and the next restore of the database drops it).

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnonymizeSummary } from '../../protocol/index';
import { connect } from '../db/connect';
import { note, progress, type OperationContext } from '../operation-context';
import { anonymizeDatabase } from '../anonymize/anonymize-database';
import { prepareAnonymization } from '../anonymize/anonymize';
import { tocNames } from './archive';
import { createDatabase, dropMarkedDatabase, unusedRestoreName } from './database-admin';
import { moveRows } from './move-rows';
import type { PreparedRestore } from './prepare-restore';
import { loadArchive } from './run-pg-restore';
import { verifyRestored } from './verify-restored';

export interface PartialOutcome {
  tables: number;
  rows: number;
  checks: string[];
  warnings: string[];
  anonymized?: AnonymizeSummary;
}

/**
 * Restores `p.partial`'s rows into the target through the scratch database `p.plan.scratchDatabase`.
 * @example const out = await partialRestore(prepared, ctx);
 */
export async function partialRestore(p: PreparedRestore, ctx: OperationContext): Promise<PartialOutcome> {
  const { admin, archive, manifest, opened } = p;
  const scratchName = await unusedRestoreName(admin, p.target.database, 'scratch', p.startedAt);
  const scratchTarget = { ...p.target, database: scratchName };
  const c = { ...ctx, env: p.vars };
  await createDatabase(admin, scratchName, p.state.shell, {
    kind: 'scratch', database: p.target.database, environment: opened.env.name, at: p.startedAt.toISOString(), backupId: manifest.id,
  });
  try {
    progress(c, 'restore.load', `Loading the structure into the scratch database ${scratchName}…`);
    await loadArchive(archive, scratchTarget, p.tools, { jobs: 1, owners: false, privileges: false, section: 'pre-data', superuser: p.state.role.superuser, what: 'the scratch database' }, c);
    const wanted = archive.toc.filter((e) => e.type === 'TABLE DATA' && p.partial.some((t) => tocNames(e, t.schema, t.name)));
    const useList = join(archive.workDir, 'use-list.txt');
    await writeFile(useList, wanted.map((e) => e.line).join('\n') + '\n', { mode: 0o600 });
    await loadArchive(archive, scratchTarget, p.tools, { jobs: Math.min(p.jobs, wanted.length), owners: false, privileges: false, dataOnly: true, useList, superuser: p.state.role.superuser, what: 'the scratch database' }, c);

    const scratch = await connect(scratchTarget, { envName: opened.env.name, applicationName: 'pglc restore' });
    try {
      progress(c, 'restore.check', 'Checking the restored rows against the backup…');
      const verified = await verifyRestored(scratch, manifest, archive.toc, { rows: true, tables: p.partial.map((t) => t.entry), objects: false, signal: ctx.signal });
      let anonymized: AnonymizeSummary | undefined;
      const warnings: string[] = [];
      if (p.rules) {
        const tables = new Set(p.partial.map((t) => `${t.schema}.${t.name}`));
        const prepared = await prepareAnonymization(scratch, p.rules, p.vars, { tables });
        for (const w of [...prepared.rules.warnings, ...prepared.warnings]) note(c, w, 'warn');
        for (const u of prepared.unruledPii) note(c, `No anonymization rule for ${u}: it is restored as it is.`, 'warn');
        warnings.push(...prepared.rules.warnings, ...prepared.warnings, ...prepared.unruledPii.map((u) => `No anonymization rule for ${u}: restored as it was.`));
        progress(c, 'restore.anonymize', `Anonymizing the restored rows with ${p.rules.file}…`);
        anonymized = await anonymizeDatabase(scratch, prepared.rules, prepared.key, { tables, unruledPii: prepared.unruledPii, warnings: prepared.warnings }, c);
      }
      const live = await connect(p.target, { envName: opened.env.name, applicationName: 'pglc restore' });
      try {
        progress(c, 'restore.move', `Replacing the rows of ${p.partial.length} table(s) in ${p.target.database}…`);
        const moved = await moveRows(scratch, live, p.partial, c, verified.exact ? { expectedRows: verified.rows } : {});
        return {
          tables: moved.tables,
          rows: moved.rows,
          checks: [...verified.checks, `${moved.rows} rows moved into ${p.target.database} in one transaction`, ...(moved.sequences ? [`${moved.sequences} sequence(s) set past the restored ids`] : [])],
          warnings: [...warnings, ...moved.warnings],
          ...(anonymized ? { anonymized } : {}),
        };
      } finally {
        await live.end().catch(() => undefined);
      }
    } finally {
      await scratch.end().catch(() => undefined);
    }
  } finally {
    await dropMarkedDatabase(admin, scratchName).catch((e: Error) => note(c, `The scratch database ${scratchName} could not be dropped (${e.message}); the next restore drops it.`, 'warn'));
  }
}
