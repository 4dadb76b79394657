// bench/lsp: the BUILT language server (dist/server.js) over stdio, driven like an editor.
// 1. Opens a 5,000-line migration, applies 200 small edits one after another and measures the
//    time from sending didChange to receiving publishDiagnostics for that version: p50/p95 with
//    the debounce set to 0 (analysis only; goal p95 < 50 ms), then the same with the default
//    150 ms debounce (what a user waits for).
// 2. Opens 500 migration files and prints the server's resident memory (goal < 150 MB).
// Invariant: every measurement waits on the server's own messages, never on sleeps; the server
// process and the temporary project are gone when the bench ends.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_DIAGNOSTICS_DEBOUNCE_MS } from '../../server/initialize';
import { SERVER_STATS_REQUEST, type ServerStats } from '../../server/server-stats';
import { startLspSession, type LspSession } from '../../test/fixtures/server/lsp-session';

const LINES = Number(process.env.BENCH_LSP_LINES ?? 5000);
const EDITS = Number(process.env.BENCH_LSP_EDITS ?? 200);
const DEBOUNCED_EDITS = Number(process.env.BENCH_LSP_DEBOUNCED_EDITS ?? 50);
const FILES = Number(process.env.BENCH_LSP_FILES ?? 500);

/** A migration of about `lines` lines: tables, indexes, data, a function, and the Down section. */
function bigMigration(lines: number): { text: string; editLines: number[] } {
  const up: string[] = ['-- Up'];
  const down: string[] = ['-- Down'];
  const editLines: number[] = [];
  for (let i = 0; up.length + down.length + 5 < lines; i++) {
    const t = `bench_${i}`;
    up.push(
      `CREATE TABLE ${t} (`,
      '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
    );
    editLines.push(up.length); // 0-based line of the next line: a column we edit
    up.push(
      `  name text NOT NULL DEFAULT 'n${i}',`,
      '  created_at timestamptz NOT NULL DEFAULT now()',
      ');',
      `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
      `INSERT INTO ${t} (name) VALUES ('a'), ('b'), ('c');`,
      `COMMENT ON TABLE ${t} IS 'table ${i}';`,
      '',
    );
    down.push(`DROP TABLE ${t};`);
  }
  up.push(
    'CREATE OR REPLACE FUNCTION bench_total() RETURNS bigint LANGUAGE sql STABLE AS $$',
    '  SELECT count(*) FROM bench_0;',
    '$$;',
    '',
  );
  return { text: [...up, ...down, ''].join('\n'), editLines };
}

/** A typical small migration. */
function smallMigration(i: number): string {
  const t = `t_${i}`;
  const lines = ['-- Up', `CREATE TABLE ${t} (`, '  id bigint PRIMARY KEY,', '  title text NOT NULL,', '  body text,', '  created_at timestamptz NOT NULL DEFAULT now()', ');'];
  for (let k = 0; k < 6; k++) lines.push(`CREATE INDEX ${t}_idx_${k} ON ${t} (title, id);`, `COMMENT ON INDEX ${t}_idx_${k} IS 'index ${k}';`);
  lines.push(`INSERT INTO ${t} (id, title) SELECT g, 'row ' || g FROM generate_series(1, 100) g;`, '', '-- Down', `DROP TABLE ${t};`, '');
  return lines.join('\n');
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms · p95 ${percentile(s, 95).toFixed(1)} ms · max ${(s.at(-1) ?? NaN).toFixed(1)} ms (${ms.length} edits)`;
}

/**
 * Applies `count` edits to the open document (version `from`+1 …): each replaces one character of
 * a column default on a different table; every fifth edit breaks the statement (a syntax error)
 * and the next one repairs it, so diagnostics really change. Returns the latency of each.
 */
async function timeEdits(session: LspSession, uri: string, editLines: number[], from: number, count: number): Promise<{ ms: number[]; version: number; errorsSeen: number }> {
  const ms: number[] = [];
  let version = from;
  let broken: number | undefined;
  let errorsSeen = 0;
  for (let k = 0; k < count; k++) {
    const line = broken ?? editLines[(k * 7) % editLines.length] ?? 0;
    const change = broken !== undefined
      ? { range: { start: { line, character: 0 }, end: { line, character: 2 } }, text: '  ' } // repair
      : k % 5 === 4
        ? { range: { start: { line, character: 0 }, end: { line, character: 2 } }, text: ')(' } // break
        : { range: { start: { line, character: 2 }, end: { line, character: 3 } }, text: k % 2 ? 'N' : 'n' };
    broken = broken === undefined && k % 5 === 4 ? line : undefined;
    version++;
    const t0 = performance.now();
    session.change(uri, version, [change]);
    const published = await session.diagnostics(uri, version);
    ms.push(performance.now() - t0);
    if (published.diagnostics.length) errorsSeen++;
  }
  return { ms, version, errorsSeen };
}

/**
 * Edits that force a full analysis: renaming the Down marker back and forth (`-- Down` ↔
 * `-- Downs`), which moves the section boundary. Returns the latency of each.
 */
async function timeMarkerEdits(session: LspSession, uri: string, markerLine: number, from: number, count: number): Promise<{ ms: number[]; version: number }> {
  const ms: number[] = [];
  let version = from;
  for (let k = 0; k < count; k++) {
    const change = k % 2 === 0
      ? { range: { start: { line: markerLine, character: 7 }, end: { line: markerLine, character: 7 } }, text: 's' }
      : { range: { start: { line: markerLine, character: 7 }, end: { line: markerLine, character: 8 } }, text: '' };
    version++;
    const t0 = performance.now();
    session.change(uri, version, [change]);
    await session.diagnostics(uri, version);
    ms.push(performance.now() - t0);
  }
  return { ms, version };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pglc-bench-lsp-'));
  const migrations = join(work, 'pglc/migrations');
  mkdirSync(migrations, { recursive: true });
  writeFileSync(join(work, 'pglc.toml'), '[project]\nname = "bench"\n');
  const sessions: LspSession[] = [];
  try {
    const { text, editLines } = bigMigration(LINES);
    const bigPath = join(migrations, '0000_big.sql');
    writeFileSync(bigPath, text);
    const bigUri = pathToFileURL(bigPath).href;
    process.stdout.write(`bench/lsp: ${text.split('\n').length} lines, ${(text.length / 1024).toFixed(0)} KiB migration; server ${join('dist', 'server.js')}\n\n`);

    // 1a. analysis latency (debounce 0)
    const fast = startLspSession();
    sessions.push(fast);
    await fast.initialize({ diagnosticsDebounceMs: 0 }, {}, work);
    const baseline = fast.rssBytes();
    let t0 = performance.now();
    fast.open(bigUri, text);
    await fast.diagnostics(bigUri, 1);
    const openMs = performance.now() - t0;
    const analysis = await timeEdits(fast, bigUri, editLines, 1, EDITS);
    process.stdout.write(`open → first diagnostics:              ${openMs.toFixed(1)} ms\n`);
    process.stdout.write(`didChange → diagnostics, debounce 0:   ${summary(analysis.ms)}  [goal p95 < 50 ms]\n`);
    const markerLine = text.split('\n').indexOf('-- Down');
    const full = await timeMarkerEdits(fast, bigUri, markerLine, analysis.version, 40);
    process.stdout.write(`  edits on the Down marker line (full re-analysis each): ${summary(full.ms)}\n`);

    // 1b. with the default debounce (what an editor user waits for)
    const slow = startLspSession();
    sessions.push(slow);
    await slow.initialize({}, {}, work);
    slow.open(bigUri, text);
    await slow.diagnostics(bigUri, 1);
    const debounced = await timeEdits(slow, bigUri, editLines, 1, DEBOUNCED_EDITS);
    process.stdout.write(`didChange → diagnostics, debounce ${DEFAULT_DIAGNOSTICS_DEBOUNCE_MS}: ${summary(debounced.ms)}\n`);
    await slow.dispose();
    sessions.pop();
    if (analysis.errorsSeen === 0) throw new Error('no edit produced a syntax error: the bench does not exercise diagnostics');

    // 2. memory with 500 open migrations (in the session that also holds the big one)
    t0 = performance.now();
    const uris: string[] = [];
    for (let i = 1; i <= FILES; i++) {
      const path = join(migrations, `${String(i).padStart(4, '0')}_t_${i}.sql`);
      const body = smallMigration(i);
      writeFileSync(path, body);
      const uri = pathToFileURL(path).href;
      uris.push(uri);
      fast.open(uri, body);
    }
    for (const uri of uris) await fast.diagnostics(uri, 1);
    const openAllMs = performance.now() - t0;
    const rss = fast.rssBytes();
    const stats = (await fast.connection.sendRequest(SERVER_STATS_REQUEST)) as ServerStats;
    const mib = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
    process.stdout.write(`\nopen ${FILES} migrations → all diagnostics: ${openAllMs.toFixed(0)} ms\n`);
    process.stdout.write(`server resident memory: ${mib(rss)} after ${FILES + 1} open documents (${mib(baseline)} after initialize)  [goal < 150 MB]\n`);
    process.stdout.write(`  JS heap ${mib(stats.memory.heapUsed)} used of ${mib(stats.memory.heapTotal)}; external (parser's WebAssembly memory, reserved) ${mib(stats.memory.external)}\n`);
    process.stdout.write(`  models: ${stats.models}; analyses: ${stats.fullAnalyses} full, ${stats.incrementalAnalyses} incremental; ${stats.parsedStatements} statement texts cached\n`);

    const p95 = percentile([...analysis.ms].sort((a, b) => a - b), 95);
    const ok = p95 < 50 && rss < 150e6;
    process.stdout.write(`\n${ok ? 'within goals' : 'GOAL MISSED'}: p95 ${p95.toFixed(1)} ms (< 50), RSS ${(rss / 1e6).toFixed(1)} MB (< 150)\n`);
    if (!ok) process.exitCode = 1;
  } finally {
    for (const s of sessions) await s.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
