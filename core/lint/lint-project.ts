// `pglc db lint`'s engine: replays every migration of the project in version order (each
// file's Up section builds the schema the next one starts from), lints the files asked for,
// and collects the findings. Table-state awareness comes from this replay — a table created
// earlier in the same migration is new and empty, so lock rules stay quiet on it — and, with a
// connected environment, from its facts: table sizes rate findings by impact, migrations the
// environment has not applied yet count as new, an applied one that was edited since is
// reported, and its server version is the one rules assume.
// Invariants: every migration is replayed even when only some files are reported (a file is
// judged on the schema all earlier migrations left); excluded paths are replayed but never
// reported; the same engine runs here and in the language server (lintFileLayered is lintFile
// on layers: one schema for the whole project, each migration's changes a layer over it that is
// committed after the migration — no copy of the schema per migration).

import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { DbLintResult, LintFacts, LintFindingPayload, LintSeverity } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { discoverMigrations } from '../migrations/discover';
import { migrationLabel, type MigrationFile } from '../migrations/migration-file';
import { progress, type OperationContext } from '../operation-context';
import { loadSqlParser } from '../sql/parse';
import { buildLintDocument, type LintDocumentInfo } from './document';
import { lintFile, lintFileLayered } from './engine/lint-file';
import { projectFile, rangeMapper, toFindingPayload } from './finding-payload';
import type { TableSize } from './rule';
import { commitLayer } from './schema-state/layered-state';
import { forkState, objectKey, type SchemaState } from './schema-state/model';
import { indexedState } from './schema-state/pointer-index';
import type { LintFinding } from './finding';
import { plpgsqlFindings, runPlpgsqlCheck } from './plpgsql-check';
import { isExcluded, lintSettings, type LintSettings } from './settings';
import type { OpenedProject } from '../environments/open-environment';
import type { ScratchServer } from '../schema/scratch-database';

/** The level of a plpgsql_check finding: its own, unless pglc.toml sets the rule's level (off drops it). */
function levelFor(settings: LintSettings, own: LintSeverity): LintSeverity | 'off' {
  const set = settings.levels['plpgsql-check'];
  return set ?? own;
}

export interface LintProjectOptions {
  /** Files or folders to report on (absolute or relative to ctx.cwd); none: every migration. */
  paths?: readonly string[];
  /** Facts of the environment given with --env, and what it has applied (by version). */
  environment?: { facts: LintFacts; applied: ReadonlyMap<string, { appliedAt: string; checksum: string }> };
  failOn?: 'error' | 'warning';
  /** Check PL/pgSQL function bodies with plpgsql_check in a scratch database on this server (plpgsql-check.ts). */
  functions?: { opened: OpenedProject; server: () => Promise<ScratchServer> };
}

const RANK: Record<LintSeverity, number> = { info: 0, warning: 1, error: 2 };

function toPosix(p: string): string {
  return p.split(sep).join('/');
}

function inside(path: string, selection: string): boolean {
  const rel = relative(selection, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function documentInfo(m: MigrationFile): LintDocumentInfo {
  const role = m.format === 'pglc' || m.format === 'dbmate' ? 'sections' : 'up';
  return { format: m.format, version: m.version, role };
}

/**
 * Lints the project's migrations (or the files and folders in `paths`).
 * @example const r = await lintProject(project, {}, ctx); r.findings.filter((f) => f.severity === 'error')
 */
export async function lintProject(project: ProjectConfig, options: LintProjectOptions, ctx: OperationContext): Promise<DbLintResult> {
  // the parser's WebAssembly compiles in the background while the files are read
  const parser = loadSqlParser();
  parser.catch(() => undefined);
  const settings = lintSettings(project.lint, options.environment?.facts);
  // the files' texts as discovery read them: each file is read once
  const texts = new Map<string, string>();
  const migrations = await discoverMigrations(project, ctx, { texts });
  await parser;
  const selections = (options.paths ?? []).map((p) => resolve(ctx.cwd, p));
  const migrationPaths = new Set(migrations.flatMap((m) => [m.path, ...(m.downPath ? [m.downPath] : [])]));
  const selected = (path: string): boolean => selections.length === 0 || selections.some((s) => inside(path, s));
  const reported = (path: string): boolean => selected(path) && (settings.exclude.length === 0 || !isExcluded(toPosix(relative(project.root, path)), settings.exclude));

  let sizes: Map<string, TableSize> | undefined;
  let pendingVersions: Set<string> | undefined;
  if (options.environment) {
    sizes = new Map(options.environment.facts.tables.map((t) => [objectKey(t.schema, t.name), { rows: t.rows, bytes: t.bytes }]));
    pendingVersions = new Set(migrations.map((m) => m.version).filter((v) => !options.environment?.applied.has(v)));
  }
  const env = { settings, ...(sizes ? { sizes } : {}), ...(pendingVersions ? { pendingVersions } : {}) };

  // findings by file, in the order the files were linted (a file is linted again with plpgsql_check's findings)
  const byFile = new Map<string, LintFindingPayload[]>();
  const collect = (path: string, text: string, list: ReturnType<typeof lintFile>['findings']): void => {
    const map = rangeMapper(text);
    const file = projectFile(project.root, path);
    byFile.set(path, list.map((f) => toFindingPayload(f, text, path, project.root, map, file)));
  };
  const check = options.functions ? await runPlpgsqlCheck(options.functions.opened, await options.functions.server(), ctx) : undefined;
  /** What linting a migration that creates PL/pgSQL functions again takes, should plpgsql_check report on them. */
  const again: { m: MigrationFile; before: SchemaState; options: Parameters<typeof lintFile>[1] }[] = [];

  // the schema before the migration being linted: changed only by committing a migration's Up
  const state: SchemaState = indexedState();
  // one event, not one per file: CI logs are not terminals, and a project has hundreds
  progress(ctx, 'lint', `Linting ${migrations.length} migration${migrations.length === 1 ? '' : 's'}`, { total: migrations.length, unit: 'migrations' });
  for (const m of migrations) {
    ctx.signal?.throwIfAborted();
    const text = texts.get(m.path) ?? (await readFile(m.path, 'utf8'));
    const migration = { version: m.version, label: migrationLabel(m) };
    const downText = m.downPath ? (texts.get(m.downPath) ?? (await readFile(m.downPath, 'utf8'))) : undefined;
    // (documents linted right away: their parse trees are handed over to the replay)
    const downDoc = m.downPath && downText !== undefined ? buildLintDocument(downText, { format: m.format, version: m.version, role: 'down' }, true) : undefined;
    const info = documentInfo(m);
    const record = options.environment?.applied.get(m.version);
    const applied = record ? { environment: options.environment?.facts.environment ?? '', appliedAt: record.appliedAt, appliedChecksum: record.checksum, modified: record.checksum !== '' && record.checksum !== m.checksum } : undefined;
    const upOptions: Parameters<typeof lintFile>[1] = {
      path: m.path,
      migration,
      before: state,
      ...env,
      ...(applied ? { applied } : {}),
      ...(info.role === 'up' && m.format !== 'supabase' ? { companion: { role: 'down' as const, path: m.downPath ?? '', ...(downDoc ? { document: downDoc } : {}) } } : {}),
    };
    const up = lintFileLayered(buildLintDocument(text, info, true), upOptions);
    if (reported(m.path)) collect(m.path, text, up.findings);
    if (check?.problems.length && [...up.afterUp.functions.values()].some((f) => f.createdAt.path === m.path && f.language === 'plpgsql')) {
      const before = forkState(state);
      again.push({ m, before, options: { ...upOptions, before } });
    }
    if (m.downPath && downDoc && downText !== undefined && reported(m.downPath)) {
      const down = lintFileLayered(downDoc, { path: m.downPath, migration, before: up.afterUp, beforeMigration: state, ...env });
      collect(m.downPath, downText, down.findings);
    }
    commitLayer(up.afterUp);
  }

  // files named on the command line that are not migrations: plain SQL on the final schema
  for (const s of selections) {
    if (migrationPaths.has(s) || !/\.sql$/i.test(s)) continue;
    let text: string;
    try {
      text = await readFile(s, 'utf8');
    } catch {
      continue;
    }
    if (!reported(s)) continue;
    collect(s, text, lintFile(buildLintDocument(text), { path: s, before: state, ...env }).findings);
  }
  // plpgsql_check's problems, at the lines of the migrations that made the functions as they finally are
  for (const { m, options: o } of again) {
    if (!reported(m.path)) continue;
    const text = await readFile(m.path, 'utf8');
    const external = plpgsqlFindings(check?.problems ?? [], state, m.path, text);
    if (!external.length) continue;
    collect(m.path, text, lintFile(buildLintDocument(text, documentInfo(m)), { ...o, external: external.map((f) => ({ ...f, severity: levelFor(settings, f.severity) })).filter((f) => f.severity !== 'off') as LintFinding[] }).findings);
  }
  const files = [...byFile.keys()].map((p) => toPosix(relative(project.root, p)));
  const findings = [...byFile.values()].flat();
  if (selections.length && files.length === 0) {
    throw new PglcError('usage', {
      what: `Nothing to lint in ${(options.paths ?? []).join(', ')}`,
      why: 'no migration of the project and no .sql file is at those paths (or [lint] exclude in pglc.toml excludes them)',
      fix: 'Pass migration files or folders of this project, or run pglc db lint without paths to lint every migration.',
      details: { paths: options.paths },
    });
  }

  const failOn = options.failOn ?? 'error';
  const counts: Record<LintSeverity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const result: DbLintResult = {
    files,
    findings,
    counts,
    postgresVersion: { major: settings.pgVersion, source: settings.versionSource },
    failOn,
    failed: findings.some((f) => RANK[f.severity] >= RANK[failOn]),
  };
  if (options.environment) result.environment = options.environment.facts.environment;
  if (check) result.functions = { status: check.status, checked: check.checked, problems: check.problems.length, notes: check.notes };
  return result;
}
