// The last lint of each open migration: every request on one version of a document —
// diagnostics, quick fixes, hover, completion — shares it, and the next version is linted from
// it (core/lint/engine/relint.ts: after a keystroke only what the edit can change is analysed
// again). Invariants: one run per file path, used for the model and inputs it was made for or
// handed on (and thereby consumed) to lint the next version; forgetLint when the document
// closes; the schema a result holds is valid until the next lint of the same path.

import type { LintDocument } from '../core/lint/document';
import type { LintFileOptions, LintFileResult, LintRun } from '../core/lint/engine/lint-file';
import { relintFile, sameOptions, type RelintMode } from '../core/lint/engine/relint';
import type { MigrationSchema } from '../core/lint/project-schema';
import type { Companion } from '../core/lint/rule';
import type { DocumentModel } from './document-model';
import type { LintInputs } from './lint-diagnostics';

interface Kept {
  model: DocumentModel;
  options: LintFileOptions;
  run: LintRun;
  result: LintFileResult;
}

const kept = new Map<string, Kept>();
const counts: Record<RelintMode | 'cached', number> = { full: 0, resumed: 0, reused: 0, cached: 0 };

/** What lintFile is given for a migration's model (a split layout's Down file starts from the state its Up left). */
export function lintOptions(model: DocumentModel, path: string, inputs: LintInputs): LintFileOptions {
  const { migration } = inputs;
  const isDown = model.migration?.role === 'down';
  // a split layout's Up file is judged with its Down file (up-without-down), as pglc db lint does
  const splitUp = model.migration?.role === 'up' && model.migration.format !== 'supabase';
  return {
    path,
    migration: { version: migration.version, label: migration.label },
    settings: inputs.settings,
    before: isDown ? migration.afterUp : migration.before,
    ...(isDown ? { beforeMigration: migration.before } : {}),
    ...(inputs.sizes ? { sizes: inputs.sizes } : {}),
    ...(inputs.pendingVersions ? { pendingVersions: inputs.pendingVersions } : {}),
    ...(splitUp ? { companion: companionOf(migration) } : {}),
  };
}

const companions = new WeakMap<MigrationSchema, Companion>();

/** The Down file of a split layout, one object per MigrationSchema (the incremental lint compares options by identity). */
function companionOf(migration: MigrationSchema): Companion {
  let c = companions.get(migration);
  if (!c) {
    c = { role: 'down', path: migration.downPath ?? '', ...(migration.downDocument ? { document: migration.downDocument } : {}) };
    companions.set(migration, c);
  }
  return c;
}

/**
 * The lint of `model` (a migration), from the previous version's run where it can be.
 * @example lintDocument(model, '/p/pglc/migrations/0002_x.sql', inputs).findings
 */
export function lintDocument(model: DocumentModel, path: string, inputs: LintInputs): LintFileResult {
  const options = lintOptions(model, path, inputs);
  const hit = kept.get(path);
  if (hit && hit.model === model && sameOptions(hit.options, options)) {
    counts.cached++;
    return hit.result;
  }
  const next = relintFile(hit?.run, model as LintDocument, options);
  counts[next.mode]++;
  kept.set(path, { model, options, run: next.run, result: next.result });
  return next.result;
}

/** The document at `path` closed: its run is not needed any more. */
export function forgetLint(path: string): void {
  kept.delete(path);
}

/** How lints were done since the server started (for tests and the server's stats). */
export function lintCounts(): Readonly<Record<RelintMode | 'cached', number>> {
  return { ...counts };
}
