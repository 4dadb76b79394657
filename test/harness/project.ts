// Project literals and temporary project folders for tests (config loading is tested on its
// own; engine tests build the typed ProjectConfig directly), plus an OperationContext that
// records its events. Invariant: every temporary folder lives under os.tmpdir() and is removed
// by cleanup().

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ProjectConfig } from '../../core/config/project-config';
import type { OperationContext } from '../../core/operation-context';
import type { CliEvent } from '../../protocol/index';

/** A ProjectConfig for `root` with pglc's defaults. */
export function testProject(root: string, overrides: Partial<ProjectConfig> = {}): ProjectConfig {
  return {
    root,
    file: join(root, 'pglc.toml'),
    name: 'test',
    migrations: ['pglc/migrations'],
    migrationTable: '_pglc_migrations',
    lockTimeoutMs: 60_000,
    environments: { local: { name: 'local', protected: false } },
    defaultEnvironment: 'local',
    backup: { storage: 'local', path: 'backups', encrypt: false, retention: {}, preMigration: 'protected' },
    lint: { assumeInTransaction: true, rules: {}, exclude: [] },
    restore: { anonymizeRules: 'pglc/anonymize.yaml' },
    ...overrides,
  };
}

export interface TempProject {
  root: string;
  project: ProjectConfig;
  /** Writes a file (relative to root), creating folders. */
  write(rel: string, text: string): string;
  cleanup(): void;
}

/**
 * A project folder in os.tmpdir() holding `files` (paths relative to the root).
 * @example const p = tempProject({ 'pglc/migrations/0001_a.sql': '-- Up\ncreate table a();' });
 */
export function tempProject(files: Record<string, string> = {}, overrides: Partial<ProjectConfig> = {}): TempProject {
  const root = mkdtempSync(join(tmpdir(), 'pglc-project-'));
  const write = (rel: string, text: string): string => {
    const p = join(root, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  for (const folder of overrides.migrations ?? ['pglc/migrations']) mkdirSync(join(root, folder), { recursive: true });
  return { root, project: testProject(root, overrides), write, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export interface RecordingContext extends OperationContext {
  events: CliEvent[];
  messages(): string[];
}

/** An OperationContext that keeps every event it is given. */
export function recordingContext(overrides: Partial<OperationContext> = {}): RecordingContext {
  const events: CliEvent[] = [];
  return {
    env: {},
    cwd: process.cwd(),
    actor: 'pglc-test',
    report: (e) => events.push(e),
    ...overrides,
    events,
    messages: () => events.map((e) => e.message),
  };
}
