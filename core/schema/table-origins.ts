// Which migration created each table or view: the ER diagram opens it when a table is clicked.
// Found from the migrations' Up sections by a lexical search for CREATE [..] TABLE / VIEW with
// the (optionally schema-qualified, optionally quoted) name; the first migration wins.
// Invariant: best effort and read-only — a table no migration creates by name (made by a
// function, a DO block) simply has no origin, and the caller falls back to its definition.

import type { ErdDiagram } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { discoverMigrations } from '../migrations/discover';

const CREATE = /\bcreate\s+(?:or\s+replace\s+)?(?:(?:global\s+|local\s+)?(?:temp|temporary|unlogged)\s+)?(?:materialized\s+)?(table|view)\s+(?:if\s+not\s+exists\s+)?((?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][\w$]*))?)/gi;

function unquote(part: string): string {
  const p = part.trim();
  return p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase();
}

/** `public.users` → `{ file, line }` for the tables of `diagram` a migration creates. */
export async function tableOrigins(project: ProjectConfig, diagram: ErdDiagram): Promise<Record<string, { file: string; line: number }>> {
  const wanted = new Set(diagram.tables.map((t) => t.id));
  const out: Record<string, { file: string; line: number }> = {};
  const files = await discoverMigrations(project).catch(() => []);
  for (const f of files) {
    const sql = f.up.sql;
    for (const m of sql.matchAll(CREATE)) {
      const parts = m[2]!.match(/"(?:[^"]|"")+"|[A-Za-z_][\w$]*/g)!.map(unquote);
      const id = parts.length === 2 ? `${parts[0]}.${parts[1]}` : `public.${parts[0]}`;
      if (!wanted.has(id) || out[id]) continue;
      const line = f.up.line + (sql.slice(0, m.index).match(/\n/g)?.length ?? 0);
      out[id] = { file: f.relPath, line };
    }
  }
  return out;
}
