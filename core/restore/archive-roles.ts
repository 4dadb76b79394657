// Which roles a backup's schema names, read with PostgreSQL's own parser from the archive's DDL
// (pg_restore --schema-only for archives; the plain dump without its COPY data): owners (OWNER TO),
// grantees (GRANT / REVOKE / ALTER DEFAULT PRIVILEGES) and the others (CREATE POLICY … TO, user
// mappings, …). A target server that lacks some of them can still take the backup without owners
// or without grants; it cannot take a policy for a role it does not have.
// Invariant: the answer comes from parse trees, never from matching words in SQL text.

import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { FoundTool } from '../db/tool-check';
import { offlineToolEnv } from '../backup/pg-tool-env';
import { spawnTool } from '../backup/pg-dump-process';
import { loadSqlParser, parseStatementsSync, type SqlNode } from '../sql/parse';
import { splitStatements } from '../sql/split-statements';
import type { MaterializedArchive } from './archive';

export interface ArchiveRoles {
  owners: Set<string>;
  grantees: Set<string>;
  /** Roles named elsewhere (policies, user mappings…), with where: role → ['CREATE POLICY owner_only ON public.notes'] */
  others: Map<string, string[]>;
}

/**
 * Roles the archive's DDL names.
 * @example const roles = await archiveRoles(archive, pgRestore, ctx.env); roles.owners.has('app')
 */
export async function archiveRoles(archive: MaterializedArchive, pgRestore: FoundTool, vars: Readonly<Record<string, string | undefined>>): Promise<ArchiveRoles> {
  const sql = archive.format === 'plain' ? await plainDdl(archive.path) : await archiveDdl(archive, pgRestore, vars);
  return rolesInSql(sql);
}

/** Roles named in `sql` (pg_dump's output, psql meta-commands allowed). */
export async function rolesInSql(sql: string): Promise<ArchiveRoles> {
  await loadSqlParser();
  const clean = sql
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n');
  const roles: ArchiveRoles = { owners: new Set(), grantees: new Set(), others: new Map() };
  const whole = parseStatementsSync(clean);
  const statements = whole.ok
    ? whole.statements.map((s) => ({ kind: s.kind, node: s.node, text: s.text }))
    : // One statement the parser does not take must not hide the roles of all the others.
      splitStatements(clean).flatMap((piece) => {
        const r = parseStatementsSync(piece.text);
        return r.ok ? r.statements.map((s) => ({ kind: s.kind, node: s.node, text: s.text })) : [];
      });
  for (const s of statements) collect(s.kind, s.node, s.text, roles);
  return roles;
}

function collect(kind: string, node: SqlNode, text: string, roles: ArchiveRoles): void {
  const visit = (value: unknown, key: string | undefined): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v, key);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const o = value as Record<string, unknown>;
    const spec = (o.RoleSpec ?? (typeof o.roletype === 'string' ? o : undefined)) as { roletype?: string; rolename?: string } | undefined;
    if (spec && spec.roletype === 'ROLESPEC_CSTRING' && spec.rolename) {
      if (key === 'newowner') roles.owners.add(spec.rolename);
      else if (kind === 'GrantStmt' || kind === 'AlterDefaultPrivilegesStmt' || kind === 'GrantRoleStmt') roles.grantees.add(spec.rolename);
      else {
        const where = roles.others.get(spec.rolename) ?? [];
        if (where.length < 3) where.push(text.split('\n')[0]!.slice(0, 120));
        roles.others.set(spec.rolename, where);
      }
      return;
    }
    for (const [k, v] of Object.entries(o)) visit(v, k);
  };
  visit(node, undefined);
}

async function archiveDdl(archive: MaterializedArchive, pgRestore: FoundTool, vars: Readonly<Record<string, string | undefined>>): Promise<string> {
  const run = spawnTool(pgRestore.path, ['--schema-only', '--file=-', `--format=${archive.format}`, archive.path], { env: offlineToolEnv(vars), stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: string[] = [];
  run.child.stdout!.setEncoding('utf8').on('data', (d: string) => chunks.push(d));
  const status = await run.exited;
  if (status.code !== 0) throw new Error(`pg_restore --schema-only failed: ${run.errorLines().join(' / ')}`);
  return chunks.join('');
}

/** A plain dump's statements without the rows of its COPY blocks. */
async function plainDdl(path: string): Promise<string> {
  const out: string[] = [];
  let inCopy = false;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (inCopy) {
      if (line === '\\.') inCopy = false;
      continue;
    }
    if (/^COPY .* FROM stdin;$/.test(line)) {
      inCopy = true;
      continue;
    }
    out.push(line);
  }
  return out.join('\n');
}
