// applied-migration-modified: a migration the connected environment has applied, whose Up
// section changed since (its checksum differs from the tracking table's). The edit never runs
// there — the environment and a fresh database now differ — and `pglc db migrate` stops at the
// file. Known only with `pglc db lint --env` (the tracking table is read-only there).
// Invariant: reported once per file, at the Up marker (or the first statement).

import type { DocumentRule, RuleFinding } from '../rule';

export const appliedMigrationModified: DocumentRule = {
  name: 'applied-migration-modified',
  summary: 'A migration the environment already applied was edited: the change will never run there.',
  category: 'migration-file',
  defaultLevel: 'error',
  scope: 'document',
  check({ doc, applied }): RuleFinding[] {
    if (!applied?.modified || !doc.migration) return [];
    const up = doc.sections.find((s) => s.kind === 'up');
    const first = up?.statements[0] !== undefined ? doc.statements[up.statements[0]] : undefined;
    const range = up?.marker ? { start: up.marker.start, end: up.marker.end } : first ? { start: first.start, end: first.end } : { start: 0, end: 0 };
    const when = applied.appliedAt ? ` on ${applied.appliedAt.replace('T', ' ').slice(0, 16)} UTC` : '';
    return [{ range, message: `${applied.environment} applied this migration${when}, and its Up section has changed since: the change will never run there (and pglc db migrate stops here) — put it in a new migration and restore this one, or record the edit with pglc db migrate:repair if it changes nothing.` }];
  },
};
