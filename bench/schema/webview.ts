/// <reference lib="dom" />
// `npm run bench:schema-webview`: the ER diagram of a generated 300-table schema (every third table
// referencing the one before: 100 foreign keys) drawn in the real webview of the installed VSIX —
// code-server + headless Chromium driven by playwright-core, as test/ui does. Per run, the webview
// reports the time from the diagram message's arrival to the first frame painted with it
// (`data-render-ms`, webviews/er-diagram/main.ts) — the goal is < 1 s — and how many SVG
// elements it made. Measured in the same run, for comparison:
//  - `pglc schema diagram --json` on the same database (what the host waits for before it posts
//    the message: introspection + elkjs layout in the pglc process), and its layout time alone;
//  - interaction: zooming in past the level of detail where column rows appear, and panning there.
// Invariants: every figure is measured here, in this run (medians of RUNS draws, each a fresh
// load through the panel's Refresh); code-server, the browser, the database and a cluster this
// bench started never outlive it.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { largeSchemaSql } from '../../test/harness/large-schema';
import { createRunDatabases, createRunDir, exitOnSignals, installVsix, launchChromium, ROOT, startVsCodeServer } from '../../scripts/vscode-server';

const TABLES = Number(process.env.BENCH_ERD_TABLES ?? 300);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const GOAL_MS = 1000;
const TIMEOUT = 120_000;
const vsix = join(ROOT, 'dist/postgres-lifecycle.vsix');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function frameOf(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

interface Drawn { renders: number; renderMs: number; buildMs: number; elements: number }

async function drawn(frame: FrameLocator): Promise<Drawn> {
  return frame.locator('body').evaluate((b) => ({
    renders: Number(b.dataset.renders ?? 0),
    renderMs: Number(b.dataset.renderMs ?? NaN),
    buildMs: Number(b.dataset.buildMs ?? NaN),
    elements: Number(b.dataset.elements ?? 0),
  }));
}

async function waitForRender(frame: FrameLocator, after: number): Promise<Drawn> {
  const deadline = Date.now() + TIMEOUT;
  await frame.locator('body[data-renders]').waitFor({ state: 'attached', timeout: TIMEOUT });
  for (;;) {
    const d = await drawn(frame);
    if (d.renders > after) return d;
    if (Date.now() > deadline) throw new Error(`no new drawing within ${TIMEOUT / 1000} s`);
    await frame.locator(`body[data-renders="${after + 1}"]`).waitFor({ state: 'attached', timeout: TIMEOUT });
  }
}

/** Runs `action` in the webview and returns the ms until the next painted frame. */
async function timedInteraction(frame: FrameLocator, action: 'zoom-in' | 'pan'): Promise<{ ms: number; scale: number; columnsShown: boolean }> {
  return frame.locator('body').evaluate(async (_b, what) => {
    const svg = document.getElementById('erd-svg')!;
    const t0 = performance.now();
    if (what === 'zoom-in') (document.getElementById('erd-zoom-in') as HTMLElement).click();
    else {
      const r = svg.getBoundingClientRect();
      const at = { clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, pointerId: 1, bubbles: true };
      svg.dispatchEvent(new PointerEvent('pointerdown', at));
      svg.dispatchEvent(new PointerEvent('pointermove', { ...at, clientX: at.clientX - 200, clientY: at.clientY - 120 }));
      svg.dispatchEvent(new PointerEvent('pointerup', at));
    }
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const ms = performance.now() - t0;
    const m = /scale\(([\d.]+)\)/.exec(document.getElementById('erd-viewport')!.getAttribute('transform') ?? '');
    return { ms, scale: m ? Number(m[1]) : NaN, columnsShown: !svg.classList.contains('low-detail') };
  }, action);
}

function pglcDiagram(workspace: string, env: NodeJS.ProcessEnv): { ms: number; layoutMs: number; tables: number; relations: number } {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/pglc.js'), 'schema', 'diagram', '--env', 'bench', '--format', 'json', '--json'], { cwd: workspace, env, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`pglc schema diagram failed: ${r.stdout}${r.stderr}`);
  const d = (JSON.parse(r.stdout) as { result: { diagram: { tables: unknown[]; relations: unknown[]; layout: { durationMs: number } } } }).result.diagram;
  return { ms, layoutMs: d.layout.durationMs, tables: d.tables.length, relations: d.relations.length };
}

async function main(): Promise<number> {
  exitOnSignals();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing — run \`npm run package\` first (the npm script does)`);
  const run = createRunDir('bench-erd');
  const dbs = await createRunDatabases(['bench_erd']);
  try {
    const db = dbs.databases[0]!;
    await db.query(largeSchemaSql(TABLES));
    const workspace = join(run.root, 'workspace');
    mkdirSync(workspace, { recursive: true });
    writeFileSync(join(workspace, 'pglc.toml'), '[project]\nname = "erd bench"\ndefault_env = "bench"\n\n[environments.bench]\nurl = "${PGLC_BENCH_URL}"\n');
    const env = { ...run.env, PGLC_BENCH_URL: db.url };

    // The pglc side, in this run: what the host waits for before it posts the diagram.
    const cli = [pglcDiagram(workspace, env), pglcDiagram(workspace, env), pglcDiagram(workspace, env)];
    const { tables, relations } = cli[0]!;

    const extensionsDir = join(run.root, 'extensions');
    installVsix(run, vsix, extensionsDir);
    const server = await startVsCodeServer({ kind: 'code-server', run: { ...run, env }, extensionsDir });
    const browser = await launchChromium(join(run.root, 'chromium'), run.env);
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.statusbar-item[id$="pglc.environment"]', { hasText: 'bench' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: TIMEOUT });
      await input.fill('>Postgres Lifecycle: Show ER Diagram');
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Show ER Diagram' }).first().waitFor({ state: 'visible', timeout: TIMEOUT });
      await page.keyboard.press('Enter');
      const frame = frameOf(page);
      let last = await waitForRender(frame, 0);
      const fitted = await frame.locator('#erd-viewport').evaluate((g) => Number(/scale\(([\d.]+)\)/.exec(g.getAttribute('transform') ?? '')?.[1]));
      await page.screenshot({ path: join(run.root, 'er-diagram-300-fitted.png') });
      const draws: Drawn[] = [last];
      for (let i = 1; i < RUNS; i++) {
        await frame.locator('#erd-refresh').click();
        last = await waitForRender(frame, last.renders);
        draws.push(last);
      }
      const zooms: { ms: number; scale: number; columnsShown: boolean }[] = [];
      for (let i = 0; i < 20; i++) {
        const z = await timedInteraction(frame, 'zoom-in');
        zooms.push(z);
        if (z.columnsShown) break;
      }
      const pans = [await timedInteraction(frame, 'pan'), await timedInteraction(frame, 'pan'), await timedInteraction(frame, 'pan')];
      // Drawn again at that zoom (the view is kept once the user zoomed): columns in view.
      const detailed: Drawn[] = [];
      for (let i = 0; i < RUNS; i++) {
        await frame.locator('#erd-refresh').click();
        last = await waitForRender(frame, last.renders);
        detailed.push(last);
      }
      await page.screenshot({ path: join(run.root, 'er-diagram-300.png') });

      const render = median(draws.map((d) => d.renderMs));
      const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;
      const crossing = zooms.find((z) => z.columnsShown);
      process.stdout.write([
        `bench/schema webview: ER diagram of ${tables} tables, ${relations} foreign keys, in the installed VSIX (code-server + headless Chromium), medians of ${RUNS}`,
        `  webview: diagram message → first painted frame   ${fmt(render)}  (fitted at scale ${fitted.toFixed(2)}; goal < ${GOAL_MS} ms) ${render < GOAL_MS ? 'OK' : 'OVER GOAL'}   [${draws.map((d) => d.renderMs.toFixed(0)).join(', ')}]`,
        `    of which building the SVG (DOM)                 ${fmt(median(draws.map((d) => d.buildMs)))}  (${draws[0]!.elements} SVG elements)`,
        `  pglc schema diagram --json (host waits for it)   ${fmt(median(cli.map((c) => c.ms)))}  (process: introspection + layout)`,
        `    of which the elkjs layout                       ${fmt(median(cli.map((c) => c.layoutMs)))}`,
        `  the same, drawn at that reading zoom (columns)   ${fmt(median(detailed.map((d) => d.renderMs)))}  [${detailed.map((d) => d.renderMs.toFixed(0)).join(', ')}] (${detailed[0]!.elements} SVG elements)`,
        `  zoom in across the level of detail (columns)     ${crossing ? fmt(crossing.ms) : '   n/a'}  (to scale ${crossing?.scale.toFixed(2) ?? '?'} after ${zooms.length} steps; steps before it: ${zooms.slice(0, -1).map((z) => z.ms.toFixed(0)).join(', ')} ms)`,
        `  pan at that zoom (one frame)                     ${fmt(median(pans.map((p) => p.ms)))}`,
        `  ratio webview drawing / pglc diagram: ${(render / median(cli.map((c) => c.ms))).toFixed(2)}×; screenshot ${join(run.root, 'er-diagram-300.png')}`,
        '',
      ].join('\n'));
      return render < GOAL_MS ? 0 : 1;
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await dbs.dispose();
    run.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`bench:schema-webview failed — ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  },
);
