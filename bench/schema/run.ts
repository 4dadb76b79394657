// bench/schema: on one throwaway cluster, in the same run —
//  - introspection of 1,000 tables / 5,000 columns (goal < 1 s) vs `pg_dump --schema-only` of the same database;
//  - diff of two 1,000-table models (goal < 2 s);
//  - the ER diagram of 300 tables: model → diagram → elkjs layout → SVG (goal < 1 s; the pglc side
//    of the editor's panel — the webview's own drawing is measured by bench/schema/webview.ts).
// Invariant: every figure is measured here, next to the raw tool where there is one; medians of 3.

import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { findPgTool } from '../../core/db/pg-binaries';
import { diffModels } from '../../core/diff/diff-models';
import { erdOf } from '../../core/schema/erd';
import { layoutErd } from '../../core/schema/erd-layout';
import { introspect } from '../../core/schema/introspect';
import type { SchemaModel } from '../../core/schema/model';
import { renderSvg } from '../../core/schema/render-svg';
import { largeSchemaSql } from '../../test/harness/large-schema';
import { startTestCluster, stopTestCluster } from '../../test/harness/test-cluster';

const TABLES = Number(process.env.BENCH_TABLES ?? 1000);
const ERD_TABLES = Number(process.env.BENCH_ERD_TABLES ?? 300);

async function median(n: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
}

async function main(): Promise<void> {
  const cluster = await startTestCluster();
  const verdicts: boolean[] = [];
  const line = (label: string, ms: number, goal?: number, extra = '') => {
    const ok = goal === undefined || ms < goal;
    if (goal !== undefined) verdicts.push(ok);
    console.log(`  ${label.padEnd(56)} ${ms.toFixed(0).padStart(6)} ms${goal !== undefined ? `  (goal < ${goal} ms) ${ok ? 'OK' : 'OVER GOAL'}` : ''}${extra}`);
  };
  try {
    const target = (db: string) => ({ host: cluster.socketDir, port: cluster.port, user: cluster.user, database: db });
    const admin = new pg.Client(target('postgres'));
    await admin.connect();
    for (const db of ['bench_a', 'bench_b']) await admin.query(`CREATE DATABASE ${db}`);
    await admin.end();
    const fill = async (db: string, variant: number) => {
      const c = new pg.Client(target(db));
      await c.connect();
      await c.query(largeSchemaSql(TABLES, variant));
      await c.end();
    };
    await fill('bench_a', 0);
    await fill('bench_b', 1);

    const read = async (db: string): Promise<SchemaModel> => {
      const c = new pg.Client(target(db));
      await c.connect();
      try {
        return await introspect(c, {});
      } finally {
        await c.end();
      }
    };
    let a!: SchemaModel;
    await read('bench_a'); // warm the catalog caches for both sides alike
    const introspectMs = await median(3, async () => (a = await read('bench_a')));
    const columns = a.tables.reduce((n, t) => n + t.columns.length, 0);
    const dump = await findPgTool('pg_dump', process.env);
    const dumpMs = await median(3, () => {
      const r = spawnSync(dump, ['--schema-only', '-h', cluster.socketDir, '-p', String(cluster.port), '-U', cluster.user, '-d', 'bench_a'], { encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(r.stderr);
    });
    const b = await read('bench_b');
    let steps = 0;
    const diffMs = await median(3, () => (steps = diffModels(a, b).up.steps.length));

    const small = { ...a, tables: a.tables.slice(0, ERD_TABLES) };
    let svgBytes = 0;
    const erdMs = await median(3, async () => {
      const d = erdOf(small, 'bench');
      svgBytes = renderSvg(d, await layoutErd(d)).length;
    });

    console.log(`bench/schema: ${a.tables.length} tables, ${columns} columns, ${a.indexes.length} indexes, ${a.tables.reduce((n, t) => n + t.constraints.length, 0)} constraints`);
    line('introspect (pglc, a dozen catalog queries)', introspectMs, 1000);
    line('pg_dump --schema-only (same database)', dumpMs, undefined, `  → ratio pglc / pg_dump ${(introspectMs / dumpMs).toFixed(2)}×`);
    line(`diff of two ${TABLES}-table models (${steps} Up statements)`, diffMs, 2000);
    line(`ER diagram of ${ERD_TABLES} tables (layout + SVG, ${Math.round(svgBytes / 1024)} KiB)`, erdMs, 1000);
    process.exitCode = verdicts.every(Boolean) ? 0 : 1;
  } finally {
    await stopTestCluster(cluster);
  }
}

void main();
