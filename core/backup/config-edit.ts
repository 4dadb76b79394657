// `backup storage set …` and `backup config …`: targeted edits of the [backup] part of pglc.toml
// that keep every comment, blank line and the layout of everything else.
// Invariants: only the lines of the keys being set change (or one line is added); sub-tables are
// edited in the form the file already uses — a `[backup.s3]` header, an inline table
// (`retention = { days = 30 }`), or dotted keys (`s3.bucket = "…"`); the result is parsed again
// with the config loader and written (atomically) only when it is valid and reads back the values
// asked for; credentials are never written (the commands point to the variables instead).

import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { parse as parseToml } from 'smol-toml';
import type { ProjectConfig } from '../config/project-config';
import { CONFIG_FILE, findProjectRoot, parseProjectConfig } from '../config/load-config';
import { effectiveEnv } from '../config/dotenv';
import { PglcError, isPglcError } from '../errors';
import type { OperationContext } from '../operation-context';

type Scalar = string | number | boolean;

export interface BackupSettingsChange {
  storage?: 'local' | 's3';
  path?: string;
  encrypt?: boolean;
  /** As written in pglc.toml: `zstd`, `zstd:9`, `gzip:6`, `none`. */
  compression?: string;
  retention?: { days?: number; count?: number; keepDaily?: number; keepWeekly?: number; keepMonthly?: number };
  s3?: { endpoint?: string; region?: string; bucket?: string; prefix?: string; forcePathStyle?: boolean };
}

/** One key to set: `table` is the dotted table path (`backup`, `backup.s3`), `key` a bare key. */
export interface TomlSet {
  table: string;
  key: string;
  value: Scalar;
}

const RETENTION_KEYS = { days: 'days', count: 'count', keepDaily: 'keep_daily', keepWeekly: 'keep_weekly', keepMonthly: 'keep_monthly' } as const;
const S3_KEYS = { endpoint: 'endpoint', region: 'region', bucket: 'bucket', prefix: 'prefix', forcePathStyle: 'force_path_style' } as const;

/** The TOML keys a change sets, in a stable order. */
export function settingsToSets(change: BackupSettingsChange): TomlSet[] {
  const sets: TomlSet[] = [];
  if (change.storage !== undefined) sets.push({ table: 'backup', key: 'storage', value: change.storage });
  if (change.path !== undefined) sets.push({ table: 'backup', key: 'path', value: change.path });
  if (change.encrypt !== undefined) sets.push({ table: 'backup', key: 'encrypt', value: change.encrypt });
  if (change.compression !== undefined) sets.push({ table: 'backup', key: 'compression', value: change.compression });
  for (const [field, key] of Object.entries(RETENTION_KEYS) as [keyof typeof RETENTION_KEYS, string][]) {
    const v = change.retention?.[field];
    if (v !== undefined) sets.push({ table: 'backup.retention', key, value: v });
  }
  for (const [field, key] of Object.entries(S3_KEYS) as [keyof typeof S3_KEYS, string][]) {
    const v = change.s3?.[field];
    if (v !== undefined) sets.push({ table: 'backup.s3', key, value: v });
  }
  return sets;
}

/**
 * Applies `sets` to pglc.toml text, preserving everything else.
 * @example editToml('[backup]\nstorage = "local" # here\n', [{ table: 'backup', key: 'storage', value: 's3' }])
 *   === '[backup]\nstorage = "s3" # here\n'
 */
export function editToml(text: string, sets: readonly TomlSet[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let lines = text.split(/\r?\n/);
  for (const s of sets) lines = applySet(lines, s);
  return lines.join(eol);
}

function applySet(lines: string[], s: TomlSet): string[] {
  const path = s.table.split('.');
  const value = formatValue(s.value);
  const sections = scanSections(lines);
  const own = sections.find((sec) => sec.name === s.table);
  if (own) return setInSection(lines, own, s.key, value);
  // A sub-table written inside its parent: inline `sub = { … }` or dotted `sub.key = …`.
  if (path.length === 2) {
    const parent = sections.find((sec) => sec.name === path[0]);
    if (parent) {
      const sub = path[1]!;
      const inline = findKeyLine(lines, parent, sub);
      if (inline !== undefined) return setInInlineTable(lines, inline, sub, s.key, s.value);
      const dotted = findKeyLine(lines, parent, `${sub}.${s.key}`);
      const anyDotted = lastKeyLine(lines, parent, (k) => k.startsWith(`${sub}.`));
      if (dotted !== undefined || anyDotted !== undefined) return setInSection(lines, parent, `${sub}.${s.key}`, value);
      if (sub === 'retention') {
        // The project's documented shape: retention = { days = 30, count = 10, … } in [backup].
        return insertInSection(lines, parent, `${sub} = { ${s.key} = ${value} }`);
      }
      // A new [backup.s3] table right after [backup]'s own lines.
      const at = parent.end;
      const block = [`[${s.table}]`, `${s.key} = ${value}`];
      const before = at > 0 && lines[at - 1]!.trim() !== '' ? [''] : [];
      return [...lines.slice(0, at), ...before, ...block, ...(at < lines.length && lines[at]!.trim() !== '' ? [''] : []), ...lines.slice(at)];
    }
  }
  // No such table yet: append it (after its parent's new table, if the parent is missing too).
  const out = [...lines];
  while (out.length && out[out.length - 1]!.trim() === '') out.pop();
  if (path.length === 2 && !sections.some((sec) => sec.name === path[0])) {
    if (out.length) out.push('');
    out.push(`[${path[0]}]`);
  }
  if (out.length) out.push('');
  out.push(`[${s.table}]`, `${s.key} = ${value}`, '');
  return out;
}

interface Section {
  /** Normalized dotted name ('' for the root table). */
  name: string;
  /** Index of the header line (-1 for the root). */
  header: number;
  /** First line after the header. */
  start: number;
  /** Index after the section's last line. */
  end: number;
}

/** Sections of the document, skipping `[` lines inside multi-line strings and arrays. */
function scanSections(lines: string[]): Section[] {
  const out: Section[] = [{ name: '', header: -1, start: 0, end: lines.length }];
  let inString: '"""' | "'''" | undefined;
  let depth = 0;
  lines.forEach((line, i) => {
    if (!inString && depth === 0) {
      const m = /^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$/.exec(line);
      if (m && !/^\s*\[\[/.test(line)) {
        out[out.length - 1]!.end = i;
        out.push({ name: normalizeName(m[1]!), header: i, start: i + 1, end: lines.length });
        return;
      }
      if (/^\s*\[\[/.test(line)) {
        out[out.length - 1]!.end = i;
        out.push({ name: `[[${line.trim()}]]`, header: i, start: i + 1, end: lines.length });
        return;
      }
    }
    ({ inString, depth } = scanLine(line, inString, depth));
  });
  return out;
}

function normalizeName(raw: string): string {
  return raw.split('.').map((p) => p.trim().replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1')).join('.');
}

/** Tracks multi-line strings and array depth across a line (comments and strings skipped). */
function scanLine(line: string, inString: '"""' | "'''" | undefined, depth: number): { inString: '"""' | "'''" | undefined; depth: number } {
  let i = 0;
  while (i < line.length) {
    if (inString) {
      const close = line.indexOf(inString, i);
      if (close < 0) return { inString, depth };
      i = close + 3;
      inString = undefined;
      continue;
    }
    const c = line[i]!;
    if (c === '#') break;
    if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
      inString = line.slice(i, i + 3) as '"""' | "'''";
      i += 3;
      continue;
    }
    if (c === '"' || c === "'") {
      i = endOfString(line, i) ?? line.length;
      continue;
    }
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    i++;
  }
  return { inString, depth };
}

/** Index after the closing quote of the one-line string starting at `i`. */
function endOfString(line: string, i: number): number | undefined {
  const q = line[i]!;
  for (let j = i + 1; j < line.length; j++) {
    if (q === '"' && line[j] === '\\') {
      j++;
      continue;
    }
    if (line[j] === q) return j + 1;
  }
  return undefined;
}

const KEY_LINE = /^(\s*)((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/;

function keyOf(line: string): { indent: string; key: string; raw: string } | undefined {
  const m = KEY_LINE.exec(line);
  if (!m) return undefined;
  return { indent: m[1]!, key: normalizeName(m[2]!), raw: m[0]! };
}

/** Key lines of a section (only those at depth 0, i.e. not inside multi-line values). */
function keyLines(lines: string[], sec: Section): { index: number; key: string }[] {
  const out: { index: number; key: string }[] = [];
  let inString: '"""' | "'''" | undefined;
  let depth = 0;
  for (let i = sec.start; i < sec.end; i++) {
    if (!inString && depth === 0) {
      const k = keyOf(lines[i]!);
      if (k) out.push({ index: i, key: k.key });
    }
    ({ inString, depth } = scanLine(lines[i]!, inString, depth));
  }
  return out;
}

function findKeyLine(lines: string[], sec: Section, key: string): number | undefined {
  return keyLines(lines, sec).find((k) => k.key === key)?.index;
}

function lastKeyLine(lines: string[], sec: Section, pred: (key: string) => boolean): number | undefined {
  const all = keyLines(lines, sec).filter((k) => pred(k.key));
  return all.length ? all[all.length - 1]!.index : undefined;
}

function setInSection(lines: string[], sec: Section, key: string, value: string): string[] {
  const at = findKeyLine(lines, sec, key);
  if (at === undefined) return insertInSection(lines, sec, `${key} = ${value}`);
  const line = lines[at]!;
  const k = keyOf(line)!;
  const rest = line.slice(k.raw.length);
  const comment = trailingComment(rest);
  if (comment === undefined) throw cannotEdit(key, 'its current value spans several lines or could not be read');
  const out = [...lines];
  out[at] = withComment(`${k.raw.replace(/\s*=$/, '')} = ${value}`, line, comment);
  return out;
}

/** `text` followed by the line's old comment, at its old column when there is room (aligned comments stay aligned). */
function withComment(text: string, oldLine: string, comment: string): string {
  if (!comment) return text;
  const c = comment.trimStart();
  const column = oldLine.length - c.length;
  const gap = Math.max(1, comment.length - c.length);
  return `${text}${' '.repeat(text.length + 1 <= column ? column - text.length : gap)}${c}`;
}

function insertInSection(lines: string[], sec: Section, text: string): string[] {
  const keys = keyLines(lines, sec);
  let at = keys.length ? keys[keys.length - 1]!.index + 1 : sec.start;
  if (keys.length) {
    // After the last key's value, even when it continues over several lines.
    let inString: '"""' | "'''" | undefined;
    let depth = 0;
    for (let i = keys[keys.length - 1]!.index; i < sec.end; i++) {
      ({ inString, depth } = scanLine(lines[i]!, inString, depth));
      if (!inString && depth === 0) {
        at = i + 1;
        break;
      }
    }
  }
  const indent = keys.length ? keyOf(lines[keys[keys.length - 1]!.index]!)!.indent : '';
  return [...lines.slice(0, at), `${indent}${text}`, ...lines.slice(at)];
}

/** `value  # comment` → `  # comment`; '' without comment; undefined when the value does not end on this line. */
function trailingComment(rest: string): string | undefined {
  const { inString, depth } = scanLine(rest, undefined, 0);
  if (inString || depth > 0 || /=\s*\{[^}]*$/.test(`=${rest}`)) return undefined;
  let i = 0;
  while (i < rest.length) {
    const c = rest[i]!;
    if (c === '"' || c === "'") {
      if (rest.startsWith(c.repeat(3), i)) {
        const close = rest.indexOf(c.repeat(3), i + 3);
        if (close < 0) return undefined;
        i = close + 3;
        continue;
      }
      i = endOfString(rest, i) ?? rest.length;
      continue;
    }
    if (c === '#') {
      let start = i;
      while (start > 0 && /\s/.test(rest[start - 1]!)) start--;
      return rest.slice(start);
    }
    i++;
  }
  return '';
}

function setInInlineTable(lines: string[], at: number, sub: string, key: string, value: Scalar): string[] {
  const line = lines[at]!;
  const k = keyOf(line)!;
  const rest = line.slice(k.raw.length);
  const comment = trailingComment(rest);
  let table: Record<string, unknown>;
  try {
    table = (parseToml(`x = ${rest.slice(0, rest.length - (comment?.length ?? 0))}`) as { x: unknown }).x as Record<string, unknown>;
  } catch {
    throw cannotEdit(sub, 'it is not a one-line inline table');
  }
  if (comment === undefined || typeof table !== 'object' || table === null || Array.isArray(table)) throw cannotEdit(sub, 'it is not a one-line inline table');
  const entries = Object.entries(table);
  const i = entries.findIndex(([n]) => n === key);
  if (i >= 0) entries[i] = [key, value];
  else entries.push([key, value]);
  const body = entries.map(([n, v]) => `${/^[A-Za-z0-9_-]+$/.test(n) ? n : JSON.stringify(n)} = ${formatAny(n, v)}`).join(', ');
  const out = [...lines];
  out[at] = withComment(`${k.raw.replace(/\s*=$/, '')} = { ${body} }`, line, comment);
  return out;
}

function formatAny(key: string, v: unknown): string {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return formatValue(v);
  throw cannotEdit(key, 'it holds a nested value pglc does not rewrite');
}

/** A TOML scalar. Strings use JSON escapes, which are valid TOML basic-string escapes. */
export function formatValue(v: Scalar): string {
  if (typeof v === 'string') return JSON.stringify(v).replace(/\u007f/g, '\\u007f');
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (!Number.isFinite(v)) throw new Error(`not a TOML number: ${v}`);
  return String(v);
}

function cannotEdit(key: string, why: string): PglcError {
  return new PglcError('config-invalid', {
    what: `pglc cannot change "${key}" in ${CONFIG_FILE} automatically`,
    why,
    fix: `Edit ${CONFIG_FILE} by hand (see docs/backup-storage.md for the keys).`,
  });
}

/** The current value of a backup key in the parsed file (before overrides), for `changed`. */
function currentValue(doc: Record<string, unknown>, s: TomlSet): unknown {
  let t: unknown = doc;
  for (const p of s.table.split('.')) t = (t as Record<string, unknown> | undefined)?.[p];
  return (t as Record<string, unknown> | undefined)?.[s.key];
}

/**
 * Edits the project's pglc.toml; validates by parsing the result; writes it only when valid and
 * when something changes. Returns the keys changed and the project as loaded afterwards.
 * @example const r = await editBackupConfig(ctx, { storage: 's3', s3: { bucket: 'db-backups' } }); r.changed
 *   // ['backup.storage', 'backup.s3.bucket']
 */
export async function editBackupConfig(ctx: OperationContext, change: BackupSettingsChange): Promise<{ file: string; changed: string[]; project: ProjectConfig }> {
  const root = findProjectRoot(ctx.cwd);
  if (!root) {
    throw new PglcError('config-missing', {
      what: `No ${CONFIG_FILE} found in ${ctx.cwd} or any folder above it`,
      why: 'backup settings live in the project\'s pglc.toml',
      fix: 'Run `pglc init` first.',
    });
  }
  const file = `${root}/${CONFIG_FILE}`;
  const text = await readFile(file, 'utf8');
  const env = effectiveEnv(root, ctx.env);
  // Parse first: a file that is already invalid is reported as such, not blamed on the edit.
  parseProjectConfig(text, { root, file, env: {} });
  const doc = parseToml(text) as Record<string, unknown>;
  const sets = settingsToSets(change).filter((s) => currentValue(doc, s) !== s.value);
  const changed = sets.map((s) => `${s.table}.${s.key}`);
  if (!sets.length) return { file, changed, project: parseProjectConfig(text, { root, file, env }) };

  const next = editToml(text, sets);
  let project: ProjectConfig;
  try {
    project = parseProjectConfig(next, { root, file, env: {} });
  } catch (e) {
    if (!isPglcError(e)) throw e;
    throw new PglcError('config-invalid', {
      what: `The change would make ${CONFIG_FILE} invalid, so it was not written`,
      why: `${e.what} — ${e.why}`,
      fix: e.fix,
      details: e.details,
    });
  }
  const after = parseToml(next) as Record<string, unknown>;
  const wrong = sets.find((s) => currentValue(after, s) !== s.value);
  if (wrong) throw cannotEdit(`${wrong.table}.${wrong.key}`, 'the edited file did not read back the value asked for');
  void project;
  const mode = (await stat(file)).mode & 0o777;
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, next, { mode });
  await rename(tmp, file);
  return { file, changed, project: parseProjectConfig(next, { root, file, env }) };
}
