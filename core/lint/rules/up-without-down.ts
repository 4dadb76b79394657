// up-without-down: a migration whose Up section changes something and whose Down section is
// missing or empty, so `pglc db migrate:rollback` cannot undo it. Invariant: only migrations
// that have both sides in one file (pglc and dbmate formats) or a split layout's Up file with
// its companion known are judged; Supabase's all-Up files have no Down by design.

import type { DocumentRule, RuleFinding } from '../rule';

export const upWithoutDown: DocumentRule = {
  name: 'up-without-down',
  summary: 'A migration with an Up section but no Down section cannot be rolled back.',
  category: 'migration-file',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, statements, companion }): RuleFinding[] {
    const info = doc.migration;
    if (!info || info.format === 'supabase') return [];
    const firstUp = statements.find((s) => s.section === 'up' && !s.ref.meta);
    if (!firstUp) return [];
    if (info.role === 'up') {
      // a split layout: the Down file is the companion; unknown companion → not judged
      if (!companion || companion.role !== 'down') return [];
      if (companion.document && companion.document.statements.length > 0) return [];
    } else if (info.role === 'sections') {
      const down = doc.sections.find((s) => s.kind === 'down');
      if (down && down.statements.length > 0) return [];
    } else return [];
    const first = firstUp.ref;
    const up = doc.sections.find((s) => s.kind === 'up');
    const range = up?.marker ? { start: up.marker.start, end: up.marker.end } : { start: first?.start ?? 0, end: first?.end ?? 0 };
    const where = info.role === 'up' ? 'its Down file is missing or empty' : 'it has no Down section with statements';
    return [{ range, message: `This migration changes the schema but ${where}, so pglc db migrate:rollback cannot undo it — write the statements that reverse the Up section.` }];
  },
};
