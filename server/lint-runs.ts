// The last lint of each open migration: every request on one version of a document —
// diagnostics, quick fixes, hover, completion — shares it, and a long document's next version is
// linted from its run (core/lint/engine/relint.ts: after a keystroke only what the edit can change
// is analysed again). Why only long ones keep a run: a run holds its own copy of the schema and an
// undo log — worth it for a 5,000-line file, not for the hundreds of short migrations an editor
// may have open (bench/lsp: 500 open files), which a plain lint redoes in a millisecond.
// Invariants: one entry per file path, used for the model and inputs it was made for, or (a run)
// handed on — and thereby consumed — to lint the next version; at most KEPT_RUNS runs are kept
// (least recently linted dropped); forgetLint when the document closes; a schema handed out is
// valid until the next lint of the same path.

import type { LintDocument } from '../core/lint/document';
import { lintFile, type LintFileOptions, type LintRun } from '../core/lint/engine/lint-file';
import { relintFile, sameOptions, type RelintMode } from '../core/lint/engine/relint';
import type { LintFinding } from '../core/lint/finding';
import type { MigrationSchema } from '../core/lint/project-schema';
import type { Companion } from '../core/lint/rule';
import type { SchemaState } from '../core/lint/schema-state/model';
import type { DocumentModel } from './document-model';
import type { LintInputs } from './lint-diagnostics';

/** Documents with at least this many statements keep a run to lint their next version from. */
export const RELINT_MIN_STATEMENTS = 200;
const KEPT_RUNS = 8;

interface Kept {
  model: DocumentModel;
  options: LintFileOptions;
  findings: LintFinding[];
  /** Long documents: the run (its schema after the Up section is valid until the next lint). */
  run?: LintRun;
  afterUp?: SchemaState;
}

const kept = new Map<string, Kept>();
const counts: Record<RelintMode | 'cached' | 'plain', number> = { full: 0, resumed: 0, reused: 0, cached: 0, plain: 0 };

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

function remember(path: string, entry: Kept): void {
  kept.delete(path);
  kept.set(path, entry);
  let runs = 0;
  for (const [p, k] of [...kept].reverse()) {
    if (!k.run) continue;
    if (++runs > KEPT_RUNS) kept.set(p, { model: k.model, options: k.options, findings: k.findings });
  }
}

function lintNow(model: DocumentModel, path: string, inputs: LintInputs): Kept {
  const options = lintOptions(model, path, inputs);
  const hit = kept.get(path);
  if (hit && hit.model === model && sameOptions(hit.options, options)) {
    counts.cached++;
    return hit;
  }
  let entry: Kept;
  if (hit?.run || model.statements.length >= RELINT_MIN_STATEMENTS) {
    const next = relintFile(hit?.run, model as LintDocument, options);
    counts[next.mode]++;
    entry = { model, options, findings: next.result.findings, run: next.run, afterUp: next.result.afterUp };
    // a document that shrank below the size that pays for a run lets it go
    if (model.statements.length < RELINT_MIN_STATEMENTS / 2) entry = { model, options, findings: entry.findings };
  } else {
    counts.plain++;
    entry = { model, options, findings: lintFile(model as LintDocument, options).findings };
  }
  remember(path, entry);
  return entry;
}

/**
 * The findings of `model` (a migration), from the previous version's lint where it can be.
 * @example lintFindings(model, '/p/pglc/migrations/0002_x.sql', inputs)[0].rule
 */
export function lintFindings(model: DocumentModel, path: string, inputs: LintInputs): LintFinding[] {
  return lintNow(model, path, inputs).findings;
}

/** The schema after the model's Up section (its tables too): a long document's run has it, a short one is replayed. */
export function schemaAfterUp(model: DocumentModel, path: string, inputs: LintInputs): SchemaState {
  const k = lintNow(model, path, inputs);
  return k.afterUp ?? lintFile(model as LintDocument, k.options).afterUp;
}

/** The document at `path` closed: its lint is not needed any more. */
export function forgetLint(path: string): void {
  kept.delete(path);
}

/** How lints were done since the server started (for tests and the server's stats). */
export function lintCounts(): Readonly<Record<RelintMode | 'cached' | 'plain', number>> {
  return { ...counts };
}
