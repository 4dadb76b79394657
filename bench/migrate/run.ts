// bench/migrate: apply 500 generated migrations with `pglc db migrate` and the same SQL with
// `psql -1 -f <file>` per file, in the same run on the same throwaway cluster, and print the
// time per migration and the ratio (goal: pglc ≤ 1.2× psql).
// Invariant: both sides run the same SQL against fresh, identical databases.

import { mkdtempSync, mkdirSync, writeFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { startTestCluster, stopTestCluster } from '../../test/harness/test-cluster';
import { findPgTool } from '../../core/db/pg-binaries';

const COUNT = Number(process.env.BENCH_MIGRATIONS ?? 500);
const root = join(__dirname, '../..');

function migrationSql(i: number): { up: string; down: string } {
  const t = `bench_${String(i).padStart(4, '0')}`;
  const up = [
    `CREATE TABLE ${t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, n int NOT NULL DEFAULT ${i}, created_at timestamptz NOT NULL DEFAULT now());`,
    `CREATE INDEX ${t}_name_idx ON ${t} (name);`,
    `INSERT INTO ${t} (name) SELECT 'row ' || g FROM generate_series(1, 20) g;`,
    i > 1 ? `ALTER TABLE ${t} ADD COLUMN prev_id bigint;` : `SELECT 1;`,
    // 'database' makes pglc parse the file with libpg-query (it looks for statements that cannot
    // run in a transaction), so the bench measures the parse path too.
    `COMMENT ON TABLE ${t} IS 'bench table ${i} of the database';`,
  ].join('\n');
  return { up, down: `DROP TABLE ${t};` };
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'pglc-bench-migrate-'));
  chmodSync(work, 0o755);
  const cluster = await startTestCluster();
  try {
    const admin = new pg.Client({ host: cluster.socketDir, port: cluster.port, user: cluster.user, database: 'postgres' });
    await admin.connect();
    await admin.query('CREATE DATABASE bench_pglc');
    await admin.query('CREATE DATABASE bench_psql');
    await admin.end();

    const project = join(work, 'project');
    const migDir = join(project, 'pglc/migrations');
    const plainDir = join(work, 'plain');
    mkdirSync(migDir, { recursive: true });
    mkdirSync(plainDir, { recursive: true });
    for (let i = 1; i <= COUNT; i++) {
      const { up, down } = migrationSql(i);
      const v = String(i).padStart(4, '0');
      writeFileSync(join(migDir, `${v}_bench_${v}.sql`), `-- Up\n${up}\n\n-- Down\n${down}\n`);
      writeFileSync(join(plainDir, `${v}.sql`), up + '\n');
    }
    const url = `postgresql://${cluster.user}:${cluster.password}@127.0.0.1:${cluster.port}/bench_pglc?sslmode=disable`;
    writeFileSync(join(project, 'pglc.toml'), `[project]\nname = "bench"\n\n[environments.bench]\nurl = "\${BENCH_URL}"\n`);

    const env = { ...process.env, BENCH_URL: url, NO_COLOR: '1' };
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [join(root, 'dist/pglc.js'), 'db', 'migrate', '--env', 'bench', '--json'], { cwd: project, env, encoding: 'utf8' });
    const pglcMs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`pglc db migrate failed: ${r.stdout}\n${r.stderr}`);
    const applied = (JSON.parse(r.stdout) as { result: { applied: unknown[] } }).result.applied.length;
    if (applied !== COUNT) throw new Error(`pglc applied ${applied}, expected ${COUNT}`);

    const psql = await findPgTool('psql', process.env);
    const psqlEnv = { ...process.env, PGPASSWORD: cluster.password };
    const t1 = performance.now();
    for (let i = 1; i <= COUNT; i++) {
      const f = join(plainDir, `${String(i).padStart(4, '0')}.sql`);
      const p = spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(cluster.port), '-U', cluster.user, '-d', 'bench_psql', '-1', '-f', f], { env: psqlEnv, encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`psql failed on ${f}: ${p.stderr}`);
    }
    const psqlMs = performance.now() - t1;

    const ratio = pglcMs / psqlMs;
    console.log(`bench/migrate: ${COUNT} migrations`);
    console.log(`  pglc db migrate      ${pglcMs.toFixed(0)} ms total, ${(pglcMs / COUNT).toFixed(2)} ms/migration (one process, tracking + checksums + lock)`);
    console.log(`  psql -1 -f per file  ${psqlMs.toFixed(0)} ms total, ${(psqlMs / COUNT).toFixed(2)} ms/migration`);
    console.log(`  ratio pglc / psql    ${ratio.toFixed(2)}×  (goal ≤ 1.20×) ${ratio <= 1.2 ? 'OK' : 'OVER GOAL'}`);
    process.exitCode = ratio <= 1.2 ? 0 : 1;
  } finally {
    await stopTestCluster(cluster);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
