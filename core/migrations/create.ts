// `migrate:create <name>`: a new, empty migration in the project's first migrations folder,
// following that folder's conventions — its layout (pglc, dbmate, Supabase, split files or
// folders) and its versions (zero-padded sequence, YYYYMMDDHHMMSS, epoch milliseconds or
// seconds).
// Invariant: the new version sorts after every existing one in every configured folder (a new
// migration is never born out of order), and an existing file is never overwritten.

import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import type { CreateMigrationResult, MigrationFormat } from '../../protocol/index';
import type { ProjectConfig } from '../config/project-config';
import { PglcError } from '../errors';
import { note, nowOf, type OperationContext } from '../operation-context';
import { detectFolderFormat, entryVersion } from './discover';
import { compareVersions } from './version';

/**
 * The name part of a file: snake_case ASCII.
 * @example slugify('Add posts: "comments" table') === 'add_posts_comments_table'
 * @example slugify('AddUserEmail') === 'add_user_email'
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 80)
    .replace(/_+$/, '');
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** UTC YYYYMMDDHHMMSS. */
export function timestampVersion(d: Date): string {
  return `${d.getUTCFullYear()}${pad2(d.getUTCMonth() + 1)}${pad2(d.getUTCDate())}${pad2(d.getUTCHours())}${pad2(d.getUTCMinutes())}${pad2(d.getUTCSeconds())}`;
}

function after(candidate: string, newest: string | undefined): string {
  if (newest === undefined || compareVersions(candidate, newest) > 0) return candidate;
  return (BigInt(newest) + 1n).toString().padStart(newest.length, '0');
}

/**
 * The next version in the convention of `existing` (all versions in the project's folders).
 * An empty project gets a 4-digit sequence, or a timestamp for layouts whose tools use one.
 * @example nextVersion(['0001', '0002'], 'pglc', new Date()) === '0003'
 * @example nextVersion(['20240101120000'], 'supabase', new Date(Date.UTC(2024, 5, 1))) === '20240601000000'
 */
export function nextVersion(existing: string[], format: MigrationFormat, now: Date): string {
  const numeric = existing.filter((v) => /^\d+$/.test(v)).sort(compareVersions);
  const newest = numeric.at(-1);
  if (newest === undefined) {
    if (format === 'pglc') return '0001';
    if (format === 'split-folder') return String(now.getTime()); // Hasura: epoch milliseconds
    return timestampVersion(now); // Supabase, dbmate, golang-migrate
  }
  if (newest.length === 14 && /^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])/.test(newest)) return after(timestampVersion(now), newest);
  if (newest.length === 13 && /^1/.test(newest)) return after(String(now.getTime()), newest);
  if (newest.length === 10 && /^1/.test(newest)) return after(String(Math.floor(now.getTime() / 1000)), newest);
  return (BigInt(newest) + 1n).toString().padStart(newest.length, '0');
}

/** What a generated migration holds (`pglc schema diff --create-migration`). */
export interface MigrationContent {
  /** Comment lines for the top of the (Up) file. */
  header: string;
  up: string;
  down: string;
}

function templateFor(format: MigrationFormat, c: MigrationContent = { header: '', up: '\n', down: '\n' }): { up: string; down?: string } {
  switch (format) {
    case 'pglc':
      return { up: `${c.header}-- Up\n${c.up}\n-- Down\n${c.down}` };
    case 'dbmate': {
      // dbmate declares no-transaction on its markers.
      const noTx = /^-- pglc:no-transaction$/m.test(c.header) ? ' transaction:false' : '';
      return { up: `${c.header.replace(/^-- pglc:no-transaction\n/m, '')}-- migrate:up${noTx}\n${c.up}\n-- migrate:down${noTx}\n${c.down}` };
    }
    case 'supabase':
      // Supabase migrations have no Down: it is kept as a comment for the reader.
      return { up: c.header || c.up.trim() ? `${c.header}${c.up}${c.down.trim() ? `\n-- Down (Supabase runs no Down; kept for reference):\n${c.down.replace(/^/gm, '-- ')}` : ''}` : '' };
    case 'split-files':
    case 'split-folder':
      return { up: c.header || c.up.trim() ? `${c.header}${c.up}` : '', down: c.down.trim() ? c.down : '' };
  }
}

/**
 * Creates the files of a new migration and returns where they are.
 * @example const r = await createMigration(project, 'add posts', ctx); r.file // 'pglc/migrations/0003_add_posts.sql'
 */
export async function createMigration(project: ProjectConfig, name: string, ctx: OperationContext, content?: MigrationContent): Promise<CreateMigrationResult> {
  const slug = slugify(name);
  if (!slug) {
    throw new PglcError('usage', {
      what: `"${name}" cannot name a migration`,
      why: 'it has no letters or digits to build a file name from',
      fix: 'Describe the change in a few words, e.g. `pglc db migrate:create add_posts`.',
    });
  }
  const folder = project.migrations[0];
  if (folder === undefined) {
    throw new PglcError('config-invalid', {
      what: 'No migrations folder is configured',
      why: '[project] migrations in pglc.toml is an empty list',
      fix: 'Set [project] migrations = "pglc/migrations" (or your existing folder) in pglc.toml.',
    });
  }
  const absDir = resolve(project.root, folder);
  const relDir = relative(project.root, absDir).split(sep).join('/');
  const format = await detectFolderFormat(absDir, relDir);

  const versions: string[] = [];
  for (const f of project.migrations) {
    const entries = await readdir(resolve(project.root, f), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const v = entryVersion(e.name, e.isDirectory());
      if (v !== undefined) versions.push(v);
    }
  }
  const version = nextVersion(versions, format, nowOf(ctx));
  const base = `${version}_${slug}`;
  const template = templateFor(format, content);

  const planned: { path: string; text: string }[] = [];
  if (format === 'split-files') {
    planned.push({ path: join(absDir, `${base}.up.sql`), text: template.up }, { path: join(absDir, `${base}.down.sql`), text: template.down ?? '' });
  } else if (format === 'split-folder') {
    planned.push({ path: join(absDir, base, 'up.sql'), text: template.up }, { path: join(absDir, base, 'down.sql'), text: template.down ?? '' });
  } else {
    planned.push({ path: join(absDir, `${base}.sql`), text: template.up });
  }
  await mkdir(format === 'split-folder' ? join(absDir, base) : absDir, { recursive: true });
  for (const p of planned) {
    try {
      await writeFile(p.path, p.text, { flag: 'wx' });
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') {
        throw new PglcError('migration-conflict', {
          what: `${relative(project.root, p.path)} already exists`,
          why: 'a migration with this version and name was just created (or the clock went backwards)',
          fix: 'Run the command again in a second, or pick another name.',
          details: { file: relative(project.root, p.path) },
        });
      }
      throw e;
    }
  }
  const files = planned.map((p) => relative(project.root, p.path).split(sep).join('/'));
  note(ctx, `Created ${files.join(' and ')} (${format} layout)`, 'info');
  return { version, name: slug, file: files[0] ?? '', files, format };
}
