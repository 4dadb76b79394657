// Bundles every entry point with esbuild into dist/. Type-checking is `tsc -b` (separate,
// because esbuild strips types without checking them).
// Invariant: one build definition; later entries (client, server, webviews) are added here.
import { build } from 'esbuild';
import { chmodSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

const entries = [
  {
    entryPoints: [join(root, 'cli/main.ts')],
    outfile: join(root, 'dist/pglc.js'),
    banner: { js: '#!/usr/bin/env node' },
    // Dependencies stay in node_modules for the npm-installed CLI (libpg-query loads its .wasm
    // from its own folder).
    packages: 'external',
  },
];

for (const e of entries) {
  if (!existsSync(e.entryPoints[0])) continue;
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: watch ? 'info' : 'warning',
    ...e,
  });
}
if (existsSync(join(root, 'dist/pglc.js'))) chmodSync(join(root, 'dist/pglc.js'), 0o755);
