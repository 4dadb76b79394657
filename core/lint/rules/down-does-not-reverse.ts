// down-does-not-reverse: a Down section that does not put the schema back the way the Up found
// it — a table, column, index, type or function the Up creates is still there after the Down
// (a rollback leaves it, and migrating again fails on it), or one that existed before is gone
// after the Down. Known by replaying the Down on the schema the Up left and comparing with the
// schema before the Up — not by matching statement text, so `DROP TABLE` covers its columns
// and indexes, and a rename back counts as a reversal. In a split layout (golang-migrate's
// `0003_x.up.sql` / `0003_x.down.sql`, Hasura's `up.sql` / `down.sql`) the Down file is judged:
// its findings are in it, with related information pointing at the Up file's statement.
// Invariants: judged only for a Down with statements (no Down at all is up-without-down), and
// not when a statement's effects are unknown (a syntax error, a DO block): the replay would be
// a guess. When the engine names the keys the migration changed (`changed`), only those are
// looked at to learn that nothing is left or lost — the usual case, and a project has a
// thousand migrations over a schema of a thousand tables; otherwise, and whenever something
// is, the whole schemas are compared, so the findings and their order are the same either way.

import type { DocumentInput, DocumentRule, RelatedRef, RuleFinding } from '../rule';
import type { SchemaState, SourceLocation } from '../schema-state/model';
import { displayName } from '../schema-state/model';

type Kind = 'table' | 'index' | 'type' | 'function';

/** How a finding about an object points at where the Up created it (functions have no such reference). */
const REF: Partial<Record<Kind, (key: string) => RelatedRef>> = {
  table: (key) => ({ kind: 'table', table: key }),
  index: (key) => ({ kind: 'index', index: key }),
  type: (key) => ({ kind: 'type', type: key }),
};
const MAPS: { kind: Kind; map: 'tables' | 'indexes' | 'types' | 'functions' }[] = [
  { kind: 'table', map: 'tables' },
  { kind: 'index', map: 'indexes' },
  { kind: 'type', map: 'types' },
  { kind: 'function', map: 'functions' },
];

type Entry = { schema?: string; name: string; createdAt: SourceLocation };

/** Whether comparing the whole schemas can find anything, looking only at the keys that changed. */
function mayDiffer(before: SchemaState, afterDown: SchemaState, changed: NonNullable<DocumentInput['changed']>): boolean {
  for (const { map } of MAPS) {
    const keys = changed(map);
    if (!keys) return true;
    const was = before[map] as Map<string, Entry>;
    const now = afterDown[map] as Map<string, Entry>;
    for (const key of keys) if (was.has(key) !== now.has(key)) return true;
  }
  for (const key of changed('tables') ?? []) {
    const old = before.tables.get(key);
    const t = afterDown.tables.get(key);
    if (!old || !t || old === t || !old.knownColumns || !t.knownColumns) continue;
    for (const c of t.columns) if (!old.columns.some((o) => o.name === c.name)) return true;
    for (const c of old.columns) if (!t.columns.some((n) => n.name === c.name)) return true;
  }
  return false;
}

function nameOf(key: string, entry: { schema?: string; name: string }): string {
  return entry.schema ? displayName(entry.schema, entry.name) : key;
}

export const downDoesNotReverse: DocumentRule = {
  name: 'down-does-not-reverse',
  summary: 'The Down section leaves objects the Up created, or does not restore ones the Up removed.',
  category: 'migration-file',
  defaultLevel: 'warning',
  scope: 'document',
  check({ doc, before, afterDown, parseErrors, statements, changed }): RuleFinding[] {
    const role = doc.migration?.role;
    if (!doc.migration || (role !== 'sections' && role !== 'down') || !afterDown || parseErrors) return [];
    const down = doc.sections.find((s) => s.kind === 'down');
    if (!down || down.statements.length === 0) return [];
    if (statements.some((s) => s.effects.some((e) => e.op === 'opaque'))) return [];
    if (changed && !mayDiffer(before, afterDown, changed)) return [];
    const version = doc.migration.version;
    const split = role === 'down';
    // a split Down file has no marker: its first statement stands for it
    const first = doc.statements[down.statements[0] as number];
    const downRange = down.marker ? { start: down.marker.start, end: down.marker.end } : first && split ? { start: first.start, end: first.end } : { start: down.start, end: down.start };
    // where the Up created it, when that is in this file (a split layout's Up is another file)
    const here = (loc: SourceLocation) => (!split && loc.migration === version && loc.section !== 'down' ? { start: loc.start, end: loc.end } : downRange);
    const noun = split ? 'Down file' : 'Down section';
    const out: RuleFinding[] = [];
    const left = (what: string, loc: SourceLocation, ref?: RelatedRef) => {
      const f: RuleFinding = { range: here(loc), message: `The ${noun} does not drop ${what}, which the Up creates — after a rollback it is still there, and migrating again fails on it.` };
      if (split && ref) f.related = [{ message: `the Up creates ${what} here`, ref }];
      out.push(f);
    };
    const lost = (what: string) => out.push({ range: downRange, message: `After the ${noun} ${what} is gone, but it existed before the Up — the Down should create it again (or the Up should not drop it).` });

    for (const { kind, map } of MAPS) {
      const was = (before as SchemaState)[map] as Map<string, { schema?: string; name: string; createdAt: SourceLocation }>;
      const now = afterDown[map] as Map<string, { schema?: string; name: string; createdAt: SourceLocation }>;
      for (const [key, entry] of now) if (!was.has(key)) left(`${kind} ${nameOf(key, entry)}`, entry.createdAt, REF[kind]?.(key));
      for (const [key, entry] of was) if (!now.has(key)) lost(`${kind} ${nameOf(key, entry)}`);
    }
    for (const [key, t] of afterDown.tables) {
      const old = before.tables.get(key);
      if (!old || !old.knownColumns || !t.knownColumns) continue;
      const table = displayName(t.schema, t.name);
      for (const c of t.columns) if (!old.columns.some((o) => o.name === c.name)) left(`column ${table}.${c.name}`, c.createdAt, { kind: 'column', table: key, column: c.name });
      for (const c of old.columns) if (!t.columns.some((n) => n.name === c.name)) lost(`column ${table}.${c.name}`);
    }
    return out;
  },
};
