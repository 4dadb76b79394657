// bench/backup: `pglc backup create` against the raw tools, measured in the same run on the same
// generated database of more than 1 GB (pgbench plus a jsonb/text table) on a throwaway cluster:
//   - pg_dump -Fc to a file  vs  pglc backup create (zstd -3, SHA-256, AES-256-GCM, local store)
//     goals: time ≤ 0.7×, size ≤ 0.8×
//   - pg_dump -Fd -j2        vs  pglc backup create --format directory --jobs 2      goal: time ≤ 1.0×
// and the cost of the exact row counts (--no-count-rows). Each measurement runs BENCH_RUNS times
// (default 2), alternating, and the fastest run counts (the page cache is warm for everyone).
// Invariant: both sides read the same database, one after the other, on the same cluster.

import { mkdirSync, mkdtempSync, rmSync, chmodSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { startTestCluster, stopTestCluster } from '../../test/harness/test-cluster';
import { requireClientTool } from '../../core/db/tool-check';
import { generateKey } from '../../core/crypto/backup-key';
import { fmtMb, fmtMs, timed } from '../shared/measure';

const SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? 68);
const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 700_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
/** Extra levels to compare, e.g. BENCH_EXTRA_COMPRESS=zstd:6,zstd:9 (also measured against pg_dump -Fc). */
const EXTRA = (process.env.BENCH_EXTRA_COMPRESS ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const root = join(__dirname, '../..');

// Realistic application text: articles/comments whose words follow a Zipf-like distribution
// over a vocabulary, with jsonb metadata of the shapes apps store (tags, authors, counters,
// flags, sources) — neither random bytes nor one repeated string.
const DOCUMENTS_SQL = `
CREATE TABLE documents (
  id bigserial PRIMARY KEY,
  author_id int NOT NULL,
  title text NOT NULL,
  body text NOT NULL,
  tags text[] NOT NULL,
  meta jsonb NOT NULL,
  created_at timestamptz NOT NULL
);
WITH v AS (SELECT
  string_to_array('the of and to a in is that for it as was with be by on not he this are or his from at which but have an they you were her she there one all we can their has been if more when will would who so no time people year way day man thing woman life child world school state family student group country problem hand part place case week company system program question work government number night point home water room mother area money story fact month lot right study book eye job word business issue side kind head house service friend father power hour game line end member law car city community name president team minute idea kid body information back parent face others level office door health person art war history party result change morning reason research girl guy moment air teacher force education database backup restore customer order invoice payment shipping address product review account session error warning latency replica index query migration release feature bug test monitor alert metric request response user admin support ticket priority status', ' ') AS words,
  ARRAY['postgres','backup','ops','billing','frontend','api','mobile','security','performance','release','docs','support'] AS tagset,
  ARRAY['web','mobile','api','import','email'] AS sources)
INSERT INTO documents (author_id, title, body, tags, meta, created_at)
SELECT (random() ^ 2 * 20000)::int,
       initcap(words[1 + floor(cardinality(words) * random() ^ 1.5)::int] || ' ' || words[1 + floor(cardinality(words) * random() ^ 1.5)::int] || ' ' || words[1 + floor(cardinality(words) * random() ^ 1.5)::int]),
       (SELECT string_agg(words[1 + floor(cardinality(words) * random() ^ 2.2)::int + 0 * i], ' ') FROM generate_series(1, 30 + (g % 120)) i),
       ARRAY[tagset[1 + floor(12 * random() ^ 2)::int], tagset[1 + floor(12 * random())::int]],
       jsonb_build_object(
         'lang', CASE WHEN random() < 0.85 THEN 'en' ELSE 'de' END,
         'views', floor(random() ^ 3 * 100000)::int,
         'score', round((random() * 5)::numeric, 1),
         'source', sources[1 + floor(5 * random() ^ 2)::int],
         'author', jsonb_build_object('id', (random() ^ 2 * 20000)::int, 'verified', random() < 0.3),
         'flags', jsonb_build_object('pinned', random() < 0.05, 'locked', random() < 0.02, 'nsfw', false)),
       timestamptz '2024-01-01' + g * interval '37 seconds'
FROM v, generate_series(1, ${DOCUMENTS}) g;`;

interface Sample { ms: number; bytes: number }

function duBytes(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((s, e) => s + duBytes(join(path, e)), 0);
}


async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pglc-bench-backup-'));
  chmodSync(work, 0o755);
  const cluster = await startTestCluster();
  try {
    const admin = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: cluster.user, database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const pgEnv = { PATH: process.env.PATH, PGHOST: cluster.socketDir, PGPORT: String(cluster.port), PGUSER: cluster.user, PGDATABASE: 'bench', LC_ALL: 'C' };
    const pgDump = await requireClientTool('pg_dump', 15, process.env);
    const pgbench = join(dirname(pgDump.path), 'pgbench');

    process.stdout.write(`generating: pgbench -i -s ${SCALE} and ${DOCUMENTS} documents (jsonb/text)…\n`);
    const gen0 = performance.now();
    timed('pgbench -i', pgbench, ['-i', '-q', '-s', String(SCALE), 'bench'], pgEnv);
    const db = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: cluster.user, database: 'bench' });
    db.on('error', () => undefined); // a failure surfaces through the query's rejection
    await db.connect();
    await db.query(DOCUMENTS_SQL);
    await db.query('VACUUM ANALYZE');
    const size = Number((await db.query<{ s: string }>("SELECT pg_database_size('bench')::text AS s")).rows[0]!.s);
    const tables = (await db.query<{ t: string; s: string }>(
      "SELECT relname AS t, pg_size_pretty(pg_total_relation_size(oid)) AS s FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY pg_total_relation_size(oid) DESC")).rows;
    await db.end();
    process.stdout.write(`database: ${fmtMb(size)} (${tables.map((t) => `${t.t} ${t.s}`).join(', ')}), generated in ${fmtMs(performance.now() - gen0)}\n`);
    if (size < 1024 ** 3) throw new Error(`the bench database must be at least 1 GB (it is ${fmtMb(size)}): raise BENCH_PGBENCH_SCALE`);

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'pglc.toml'), '[project]\nname = "bench"\n\n[environments.bench]\nurl = "${BENCH_URL}"\n');
    const pglcEnv = {
      ...process.env,
      NO_COLOR: '1',
      BENCH_URL: `postgresql://${cluster.user}:${cluster.password}@127.0.0.1:${cluster.port}/bench?sslmode=disable`,
      BACKUP_ENCRYPTION_KEY: generateKey().key,
    };
    const pglc = (args: string[]): Sample => {
      const r = timed(`pglc ${args.join(' ')}`, process.execPath, [join(root, 'dist/pglc.js'), 'backup', 'create', '--env', 'bench', '--encrypt', '--json', ...args], pglcEnv, project);
      const m = JSON.parse(r.stdout).result.manifest as { id: string; totalSize: number };
      rmSync(join(project, 'backups', m.id), { recursive: true, force: true });
      return { ms: r.ms, bytes: m.totalSize };
    };
    const pgDumpTo = (args: string[], out: string): Sample => {
      rmSync(out, { recursive: true, force: true });
      const { ms } = timed(`pg_dump ${args.join(' ')}`, pgDump.path, [...args, '-f', out], pgEnv);
      const bytes = duBytes(out);
      rmSync(out, { recursive: true, force: true });
      return { ms, bytes };
    };

    const samples: Record<string, Sample[]> = {};
    const add = (k: string, s: Sample) => (samples[k] ??= []).push(s);
    // Warm the page cache once, unmeasured, so the first measured run is not penalized.
    pgDumpTo(['-Fc', '-Z0'], join(work, 'warm.dump'));
    for (let i = 0; i < RUNS; i++) {
      process.stdout.write(`run ${i + 1}/${RUNS}…\n`);
      add('pg_dump -Fc', pgDumpTo(['-Fc'], join(work, 'x.dump')));
      add('pglc backup create', pglc([]));
      add('pglc backup create --no-count-rows', pglc(['--no-count-rows']));
      add('pg_dump -Fd -j2', pgDumpTo(['-Fd', '-j2'], join(work, 'xd')));
      add('pglc backup create --format directory --jobs 2', pglc(['--format', 'directory', '--jobs', '2']));
      for (const c of EXTRA) add(`pglc backup create --compress ${c}`, pglc(['--compress', c]));
    }
    const best = (k: string): Sample => samples[k]!.reduce((a, b) => (b.ms < a.ms ? b : a));
    const rows: [string, Sample][] = Object.keys(samples).map((k) => [k, best(k)]);
    process.stdout.write(`\n${'measurement'.padEnd(50)} ${'time'.padStart(9)} ${'size'.padStart(10)}\n`);
    for (const [k, s] of rows) process.stdout.write(`${k.padEnd(50)} ${fmtMs(s.ms).padStart(9)} ${fmtMb(s.bytes).padStart(10)}\n`);

    const fc = best('pg_dump -Fc');
    const pc = best('pglc backup create');
    const nc = best('pglc backup create --no-count-rows');
    const fd = best('pg_dump -Fd -j2');
    const pd = best('pglc backup create --format directory --jobs 2');
    const verdict = (v: number, goal: number) => `${v.toFixed(2)}× (goal ≤ ${goal}×: ${v <= goal ? 'met' : 'MISSED'})`;
    process.stdout.write('\n');
    process.stdout.write(`pglc backup create vs pg_dump -Fc, time:   ${verdict(pc.ms / fc.ms, 0.7)}\n`);
    process.stdout.write(`pglc backup create vs pg_dump -Fc, size:   ${verdict(pc.bytes / fc.bytes, 0.8)}\n`);
    process.stdout.write(`directory --jobs 2 vs pg_dump -Fd -j2:     ${verdict(pd.ms / fd.ms, 1.0)}\n`);
    process.stdout.write(`exact row counts cost:                     ${fmtMs(pc.ms - nc.ms)} (${(((pc.ms - nc.ms) / nc.ms) * 100).toFixed(1)}% of the backup)\n`);
    for (const c of EXTRA) {
      const x = best(`pglc backup create --compress ${c}`);
      process.stdout.write(`--compress ${c} vs pg_dump -Fc:`.padEnd(43) + `time ${(x.ms / fc.ms).toFixed(2)}×, size ${(x.bytes / fc.bytes).toFixed(2)}×\n`);
    }
  } finally {
    await stopTestCluster(cluster);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
