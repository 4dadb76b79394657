// bench/lint: the schema linter's two budgets, measured in this run.
// 1. Editing a 5,000-line migration: the language server's work after an edit — the document
//    model updated incrementally, then lint from the previous version's run (core/lint/engine/
//    relint.ts) and the diagnostics — p50/p95 over 200 edits, in process (goal p95 < 50 ms;
//    bench:lsp measures the whole server over stdio, debounce and transport included). Two kinds
//    of keystroke: in a value of an INSERT (no schema change: the rest of the file is kept), and
//    in the name of an index (the schema changes: everything after the edit is replayed).
// 2. A project of 1,000 migrations linted from cold by the built `pglc db lint` (a fresh
//    process each run; goal < 5 s), and the same files by squawk in the same run (the issue's
//    goal: within 2× of it), one run of each after the other. pglc runs with its V8 code cache
//    (cli/launcher.ts: compiled code of pglc itself, never anything it linted; the first run
//    writes it) and, in the same rounds, without it (PGLC_NO_CODE_CACHE=1): both are printed. squawk is the devDependency squawk-cli from npm, whose
//    optionalDependency @squawk-cli/<platform> carries the binary itself (no download at
//    install); its binary is run directly (not the Node wrapper), else `squawk` on PATH.
// 3. Fuzz: 100,000 mutated and random migrations linted — no crash, no hang, no finding or fix
//    outside the document (test/unit/lint-fuzz.test.ts runs 2,000 of them on every test run).
// Environment: BENCH_LINT_PARTS (default `edit,project,fuzz`) runs only the parts named;
// BENCH_LINT_LINES / _EDITS (part 1), BENCH_LINT_MIGRATIONS / _RUNS (part 2: pglc and squawk
// alternate, RUNS times each), BENCH_LINT_FUZZ (part 3); BENCH_LINT_PROJECT=<dir> writes the
// generated project there and keeps it (for profiling: `node --cpu-prof dist/pglc.js db lint` in it).
// Invariant: wall-clock times of real runs, no sleeps; the temporary project is removed.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createSchemaState } from '../../core/lint/schema-state/model';
import { lintSettings } from '../../core/lint/settings';
import { clearStatementCache } from '../../core/lint/engine/statement-analysis';
import { loadSqlParser } from '../../core/sql/parse';
import { buildDocumentModel } from '../../server/document-model';
import { updateDocumentModel } from '../../server/incremental-model';
import { computeLintDiagnostics } from '../../server/lint-diagnostics';
import { fuzzBefore, fuzzCorpus, fuzzInput, lintFuzzed } from '../../test/fixtures/lint/fuzz';

const LINES = Number(process.env.BENCH_LINT_LINES ?? 5000);
const EDITS = Number(process.env.BENCH_LINT_EDITS ?? 200);
const MIGRATIONS = Number(process.env.BENCH_LINT_MIGRATIONS ?? 1000);
const RUNS = Number(process.env.BENCH_LINT_RUNS ?? 7);
const FUZZ = Number(process.env.BENCH_LINT_FUZZ ?? 100_000);
const PARTS = new Set((process.env.BENCH_LINT_PARTS ?? 'edit,project,fuzz').split(',').map((p) => p.trim()));
const KEEP = process.env.BENCH_LINT_PROJECT;
const root = join(__dirname, '../..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Statements of a realistic migration touching table `t` created `i` migrations ago. */
function migrationBody(i: number): { up: string[]; down: string[] } {
  const t = `t_${String(i).padStart(4, '0')}`;
  const prev = `t_${String(Math.max(0, i - 1)).padStart(4, '0')}`;
  const up = [
    `CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name varchar(80) NOT NULL, prev_id bigint, created_at timestamp NOT NULL DEFAULT now());`,
    `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
    `INSERT INTO ${t} (name) VALUES ('a'), ('b');`,
  ];
  const down = [`DROP TABLE ${t};`];
  if (i > 0) {
    up.push(
      `ALTER TABLE ${prev} ADD COLUMN note_${i} text;`,
      `CREATE INDEX ${prev}_note_${i}_idx ON ${prev} (note_${i});`,
      `ALTER TABLE ${t} ADD CONSTRAINT ${t}_prev_fk FOREIGN KEY (prev_id) REFERENCES ${prev} (id);`,
      `ALTER TABLE ${prev} ALTER COLUMN name SET NOT NULL;`,
    );
    down.unshift(`DROP INDEX ${prev}_note_${i}_idx;`, `ALTER TABLE ${prev} DROP COLUMN note_${i};`);
  }
  return { up, down };
}

function bigMigration(lines: number): { text: string; valueLines: number[]; ddlLines: number[] } {
  const up = ['-- Up'];
  const down = ['-- Down'];
  const valueLines: number[] = [];
  const ddlLines: number[] = [];
  for (let i = 0; up.length + down.length < lines; i++) {
    const b = migrationBody(i);
    for (const s of b.up) {
      if (s.startsWith('INSERT')) valueLines.push(up.length);
      if (s.startsWith('CREATE INDEX') && s.includes('_name_idx')) ddlLines.push(up.length);
      up.push(s);
    }
    down.unshift(...b.down.slice(0, 1));
  }
  return { text: [...up, ...down, ''].join('\n'), valueLines, ddlLines };
}

interface Latency {
  cold: number;
  ms: number[];
  findings: number;
}

/**
 * The server's work after each of EDITS keystrokes at lines picked from `lines`: one character
 * replaced right after `anchor` (in a value, or in an index name, which the Down never drops).
 */
async function editLatency(kind: 'value' | 'ddl'): Promise<Latency> {
  await loadSqlParser();
  clearStatementCache();
  const { text, valueLines, ddlLines } = bigMigration(LINES);
  const lines = kind === 'value' ? valueLines : ddlLines;
  const anchor = kind === 'value' ? "'a'" : '_name_idx';
  const path = `/bench/pglc/migrations/0002_big_${kind}.sql`;
  const info = { format: 'pglc' as const, version: '0002', role: 'sections' as const };
  const inputs = { settings: lintSettings(undefined), migration: { version: '0002', label: '0002_big', path, before: createSchemaState(), afterUp: createSchemaState() } };
  let doc = TextDocument.create(pathToFileURL(path).href, 'sql', 1, text);
  let t0 = performance.now();
  let model = buildDocumentModel(text, 1, info);
  const findings = computeLintDiagnostics(model, doc, path, inputs).length;
  const cold = performance.now() - t0;
  const ms: number[] = [];
  for (let k = 0; k < EDITS; k++) {
    const line = lines[(k * 7919) % lines.length] ?? 1;
    const lineText = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
    const at = doc.offsetAt({ line, character: lineText.indexOf(anchor) + 1 });
    const next = TextDocument.update(doc, [{ range: { start: doc.positionAt(at), end: doc.positionAt(at + 1) }, text: String.fromCharCode(97 + (k % 26)) }], doc.version + 1);
    t0 = performance.now();
    model = updateDocumentModel(model, next.getText(), next.version) ?? buildDocumentModel(next.getText(), next.version, info);
    computeLintDiagnostics(model, next, path, inputs);
    ms.push(performance.now() - t0);
    doc = next;
  }
  return { cold, ms, findings };
}

function project(count: number): string {
  const dir = KEEP ?? mkdtempSync(join(tmpdir(), 'pglc-bench-lint-'));
  rmSync(join(dir, 'pglc/migrations'), { recursive: true, force: true });
  mkdirSync(join(dir, 'pglc/migrations'), { recursive: true });
  writeFileSync(join(dir, 'pglc.toml'), '[project]\nname = "bench"\n');
  for (let i = 0; i < count; i++) {
    const b = migrationBody(i);
    writeFileSync(join(dir, 'pglc/migrations', `${String(i + 1).padStart(4, '0')}_m.sql`), `-- Up\n${b.up.join('\n')}\n\n-- Down\n${b.down.join('\n')}\n`);
  }
  return dir;
}

function timeRun(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): { ms: number; status: number | null; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, NO_COLOR: '1', ...env } });
  return { ms: performance.now() - t0, status: r.status, out: r.stdout };
}

/** squawk's own binary from npm (squawk-cli's platform package), else the npm wrapper, else `squawk` on PATH. */
function squawkBinary(): string | undefined {
  const candidates = [
    join(root, 'node_modules', '@squawk-cli', `${process.platform}-${process.arch}`, 'bin', process.platform === 'win32' ? 'squawk.exe' : 'squawk'),
    join(root, 'node_modules', '.bin', 'squawk'),
  ];
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  return spawnSync('squawk', ['--version']).status === 0 ? 'squawk' : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

function fuzzRun(): { ms: number; slowest: number; problems: string[] } {
  const corpus = fuzzCorpus();
  const before = fuzzBefore();
  const problems: string[] = [];
  let slowest = 0;
  const t0 = performance.now();
  for (let i = 0; i < FUZZ; i++) {
    const text = fuzzInput(corpus, 2026, i);
    try {
      const { findings, ms } = lintFuzzed(text, before);
      slowest = Math.max(slowest, ms);
      if (ms > 2000) problems.push(`input ${i}: ${ms.toFixed(0)} ms`);
      for (const f of findings) if (f.start < 0 || f.end > text.length || f.start > f.end) problems.push(`input ${i}: ${f.rule} at ${f.start}-${f.end} of ${text.length}`);
    } catch (e) {
      problems.push(`input ${i}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return { ms: performance.now() - t0, slowest, problems };
}

interface ProjectFigures {
  pglcMs: number;
  ratio?: number;
}

/** pglc db lint and squawk on the same generated project, alternately (the machine is shared: one run of each after the other). */
function projectRun(): ProjectFigures {
  const dir = project(MIGRATIONS);
  try {
    const pglc = join(root, 'dist/pglc.js');
    const squawk = squawkBinary();
    const which = squawk ? spawnSync(squawk, ['--version'], { encoding: 'utf8' }) : undefined;
    const withSquawk = squawk !== undefined && which?.status === 0;
    const files = Array.from({ length: MIGRATIONS }, (_, i) => join('pglc/migrations', `${String(i + 1).padStart(4, '0')}_m.sql`));
    const runs: number[] = [];
    const uncached: number[] = [];
    const sqRuns: number[] = [];
    let findings = 0;
    const lint = (env?: Record<string, string>): number => {
      const run = timeRun(process.execPath, [pglc, 'db', 'lint', '--format', 'json'], dir, env);
      if (run.status !== 0 && run.status !== 1) throw new Error(`pglc db lint exited ${run.status}`);
      findings = (JSON.parse(run.out) as { findings: unknown[] }).findings.length;
      return run.ms;
    };
    // the code cache of this build and command, if there is none yet
    lint();
    for (let r = 0; r < RUNS; r++) {
      runs.push(lint());
      if (withSquawk) sqRuns.push(timeRun(squawk, files, dir).ms);
      uncached.push(lint({ PGLC_NO_CODE_CACHE: '1' }));
    }
    const pglcMs = median(runs);
    const s = (ms: number): string => (ms / 1000).toFixed(2);
    process.stdout.write(`pglc db lint, ${MIGRATIONS} migrations from cold (new process): median ${s(pglcMs)} s, fastest ${s(Math.min(...runs))} s of ${RUNS} runs, ${findings} findings  [goal < 5 s]\n`);
    process.stdout.write(`  without the code cache (PGLC_NO_CODE_CACHE=1): median ${s(median(uncached))} s, fastest ${s(Math.min(...uncached))} s\n`);
    if (!withSquawk) {
      process.stdout.write(`squawk: no binary for ${process.platform}-${process.arch} in node_modules (squawk-cli's optional @squawk-cli/${process.platform}-${process.arch}) and none on PATH — no comparison in this run\n`);
      return { pglcMs };
    }
    const sq = median(sqRuns);
    const ratio = pglcMs / sq;
    process.stdout.write(`${which.stdout.trim()} (npm squawk-cli), same files, run after each pglc run: median ${s(sq)} s, fastest ${s(Math.min(...sqRuns))} s → pglc/squawk = ${ratio.toFixed(2)}× (fastest runs ${(Math.min(...runs) / Math.min(...sqRuns)).toFixed(2)}×; without the code cache ${(median(uncached) / sq).toFixed(2)}×)  [goal ≤ 2×]\n`);
    return { pglcMs, ratio };
  } finally {
    if (!KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  process.stdout.write('bench/lint\n\n');
  const goals: string[] = [];
  let ok = true;
  if (PARTS.has('edit')) {
    const value = await editLatency('value');
    const ddl = await editLatency('ddl');
    const sorted = [...value.ms].sort((a, b) => a - b);
    const sortedDdl = [...ddl.ms].sort((a, b) => a - b);
    const p95 = percentile(sorted, 95);
    const p95Ddl = percentile(sortedDdl, 95);
    const line = (label: string, xs: number[]): string =>
      `${label}: p50 ${percentile(xs, 50).toFixed(1)} ms · p95 ${percentile(xs, 95).toFixed(1)} ms · max ${(xs.at(-1) ?? NaN).toFixed(1)} ms (${EDITS} edits)  [goal p95 < 50 ms]\n`;
    process.stdout.write(`${LINES}-line migration (${value.findings} findings): first lint ${value.cold.toFixed(0)} ms\n`);
    process.stdout.write(line('edit in a value → lint diagnostics', sorted));
    process.stdout.write(line('edit in an index name (schema changes) → lint diagnostics', sortedDdl));
    process.stdout.write('\n');
    ok &&= p95 < 50 && p95Ddl < 50;
    goals.push(`edit p95 ${p95.toFixed(1)} / ${p95Ddl.toFixed(1)} ms (< 50)`);
  }
  if (PARTS.has('project')) {
    const { pglcMs, ratio } = projectRun();
    ok &&= pglcMs < 5000 && (ratio === undefined || ratio <= 2);
    goals.push(`project ${(pglcMs / 1000).toFixed(2)} s (< 5)`, ratio === undefined ? 'squawk not measured' : `pglc/squawk ${ratio.toFixed(2)}× (≤ 2)`);
  }
  if (PARTS.has('fuzz')) {
    const fuzz = fuzzRun();
    process.stdout.write(`\nfuzz: ${FUZZ} inputs in ${(fuzz.ms / 1000).toFixed(1)} s (slowest ${fuzz.slowest.toFixed(0)} ms): ${fuzz.problems.length} problems${fuzz.problems.length ? `\n  ${fuzz.problems.slice(0, 5).join('\n  ')}` : ''}\n`);
    ok &&= fuzz.problems.length === 0;
    goals.push(`fuzz problems ${fuzz.problems.length} (0)`);
  }
  process.stdout.write(`\n${ok ? 'within goals' : 'GOAL MISSED'}: ${goals.join(', ')}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
