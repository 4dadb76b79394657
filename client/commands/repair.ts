// `Postgres Lifecycle: Repair…` — records a migration as applied or reverted without running its
// SQL (`pglc db migrate:repair`), for adopting a database that already has the schema or after a
// manual fix. Asks in a modal; on a protected environment the database name must be typed.

import * as vscode from 'vscode';
import type { RepairResult } from '../../protocol/index';
import { cancelledByUser, runOperation } from '../operations';
import { activeEnvironment, freshStatus, rowLabel, versionArg } from './command-args';
import { defineCommand } from './command-definition';
import { STATE_TEXT } from '../views/migrations-tree';

export const repairCommand = defineCommand({
  id: 'pglc.migrate.repair',
  async run(ctx, arg) {
    const env = await activeEnvironment(ctx);
    const status = await freshStatus(ctx);
    const prompts = ctx.prompts.current();
    let version = versionArg(arg);
    if (version === undefined) {
      const picked = await prompts.pick(
        status.rows.map((r) => ({ label: rowLabel(r), description: STATE_TEXT[r.state], version: r.version })),
        { title: `Repair the migration history of ${env}: which migration?` },
      );
      if (!picked) throw cancelledByUser('Repair');
      version = picked.version;
    }
    const row = status.rows.find((r) => r.version === version);
    const recorded = row && row.state !== 'pending' && row.state !== 'out-of-order';
    const action = await prompts.pick(
      [
        { label: 'Mark as applied', description: 'record it without running its Up section', action: 'applied' as const, picked: !recorded },
        { label: 'Mark as reverted', description: 'remove its record without running its Down section', action: 'reverted' as const, picked: Boolean(recorded) },
      ],
      { title: `Repair ${row ? rowLabel(row) : version} on ${env}` },
    );
    if (!action) throw cancelledByUser('Repair');
    const go = action.action === 'applied' ? 'Mark as Applied' : 'Mark as Reverted';
    const answer = await prompts.ask(
      `Record ${row ? rowLabel(row) : version} as ${action.action} on ${env} without running its SQL?`,
      { modal: true, detail: 'Only the migration history changes. Use this when the database already matches (or you undid it by hand).' },
      go,
    );
    if (answer !== go) throw cancelledByUser('Repair');
    const r = await runOperation<RepairResult>(ctx, {
      title: `Repairing the history of ${env}`,
      busy: `repairing ${env}`,
      args: ['db', 'migrate:repair', `--${action.action}`, version],
      env,
      guarded: true,
    });
    void vscode.window.showInformationMessage(
      r.changed ? `${r.version} is now recorded as ${r.action} on ${r.environment} (${r.database})` : `${r.version} was already recorded as ${r.action} on ${r.environment}`,
    );
    return r;
  },
});
