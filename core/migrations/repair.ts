// `migrate:repair`: corrects the migration history without running SQL — mark a migration
// applied (its changes are already there, e.g. made by hand or by another tool; or record the
// current checksum of a file that was edited harmlessly) or reverted (remove its record).
// Invariant: only the tracking table changes, under the migration lock; on a protected
// environment the database name must be typed.

import type { RepairResult } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import type { ConnectionTarget } from '../db/connection-target';
import { PglcError } from '../errors';
import { checkGuard } from '../guards';
import { note, type OperationContext } from '../operation-context';
import { discoverMigrations } from './discover';
import type { MigrationEnv } from './migration-env';
import { migrationLabel } from './migration-file';
import { withMigrationSession } from './session';
import { ensureTrackingTable, readApplied, recordApplied, recordReverted } from './tracking-table';

/**
 * @example await repair(project, env, target, { version: '0003', action: 'applied' }, ctx)
 */
export async function repair(
  project: ProjectConfig,
  env: MigrationEnv,
  target: ConnectionTarget,
  opts: { version: string; action: 'applied' | 'reverted'; confirm?: string },
  ctx: OperationContext,
): Promise<RepairResult> {
  checkGuard('migrate:repair', env, target.database, opts.confirm);
  const files = await discoverMigrations(project, ctx);
  const file = files.find((f) => f.version === opts.version);
  if (opts.action === 'applied' && !file) {
    throw new PglcError('migration-not-found', {
      what: `Cannot mark ${opts.version} as applied: there is no migration file with that version`,
      why: 'the record is built from the file (its name and checksums)',
      fix: 'Run `pglc db migrate:status` to see the versions.',
      details: { version: opts.version },
    });
  }

  return withMigrationSession(project, env, target, ctx, { operation: 'migrate:repair', lock: true }, async (s) => {
    await ensureTrackingTable(s.client, s.table);
    const applied = await readApplied(s.client, s.table);
    const existing = applied.find((a) => a.version === opts.version);
    const base = { environment: env.name, database: target.database, version: opts.version, action: opts.action };

    if (opts.action === 'reverted') {
      if (!existing) {
        throw new PglcError('migration-not-found', {
          what: `Cannot mark ${opts.version} as reverted: it is not recorded as applied`,
          why: `${s.table.display} has no row for ${opts.version}`,
          fix: 'Run `pglc db migrate:status` to see what is recorded.',
          details: { version: opts.version },
        });
      }
      await recordReverted(s.client, s.table, opts.version);
      note(ctx, `Removed the record of ${migrationLabel(existing)}; no SQL was run`, 'info');
      return { ...base, changed: true };
    }

    const f = file as NonNullable<typeof file>;
    if (existing && existing.checksum === f.checksum && (existing.downChecksum ?? '') === (f.downChecksum ?? '')) {
      note(ctx, `${migrationLabel(f)} is already recorded as applied with the file's current checksum; nothing changed`, 'info');
      return { ...base, changed: false };
    }
    await recordApplied(
      s.client,
      s.table,
      { version: f.version, name: f.name, checksum: f.checksum, ...(f.downChecksum ? { downChecksum: f.downChecksum } : {}), durationMs: 0, appliedBy: s.actor },
      true,
    );
    note(ctx, existing
      ? `Recorded the current checksum of ${migrationLabel(f)} (the file had changed since it was applied); no SQL was run`
      : `Marked ${migrationLabel(f)} as applied; no SQL was run`, 'info');
    return { ...base, changed: true };
  });
}
