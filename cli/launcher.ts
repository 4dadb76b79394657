// `pglc` as installed (dist/pglc.js): starts the CLI bundle (dist/pglc-cli.js) with a V8 code
// cache, because compiling the 7 MB bundle was most of pglc's start (measured 112 of 248 ms) and
// the editor runs `pglc … --json` for every operation. Node 20 has no module.enableCompileCache.
// The cache is one per command (`db-lint`, `migrate`…), written when that command first ends: it
// then holds the compiled code of everything the command ran, not only of the start (functions
// V8 compiles lazily while `pglc db lint` runs were compiled again by every run).
// Invariants: the cache is only an optimisation — any failure to read, use or write it runs the
// bundle the plain way; a cache is used only for the exact bundle (size and mtime), Node version
// and architecture it was made from (V8 rejects anything else itself, and we then rewrite it);
// nothing but the cache folder (~/.cache/pglc/v8/<bundle> or under $XDG_CACHE_HOME) is written;
// it holds compiled code only — never anything a command read or computed.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

// PostgreSQL's parser (libpg-query) is a 1 MB WebAssembly module. V8 runs it on its baseline
// compiler (Liftoff) and compiles hot functions again with TurboFan; in a process as short as
// pglc's that second compile costs more than it gains — parsing the 10,000 statements of the
// 1,000-migration lint bench took 160–430 ms with tiering and 80–130 ms with Liftoff only, and
// five parses of a 590 KB script 560–640 ms against 370 ms. Set before the module is compiled.
setFlagsFromString('--liftoff-only');
// TurboFan inlines less for a lint: that process is over before large inlined compilations pay
// off, and they run on the same two cores. pglc db lint on the 1,000-migration bench project (3 ×
// 9–13 alternating runs): CPU of all threads 1.38–1.65 -> 1.22–1.50 s, wall 0.93–1.11 -> 0.86–1.02 s,
// the main thread no slower (V8's defaults: 460 and 920 bytes of bytecode). Long commands keep
// V8's defaults: a restore's data router handles every row of the backup in one hot loop.
if (process.argv.includes('lint')) {
  setFlagsFromString('--max-inlined-bytecode-size=200');
  setFlagsFromString('--max-inlined-bytecode-size-cumulative=400');
}

const bundle = join(__dirname, 'pglc-cli.js');

interface Prepared {
  script: vm.Script;
  cachePath: string;
  /** The start of this build's cache file names (one per command). */
  prefix: string;
  hadCache: boolean;
}

/** The command's words (`db-lint`), which decide what code a run compiles. */
function commandKey(): string {
  const words: string[] = [];
  for (const a of process.argv.slice(2)) {
    if (a.startsWith('-') || words.length === 2) break;
    words.push(a.replace(/[^a-z0-9:]/gi, '').slice(0, 32));
  }
  return words.join('-').replace(/:/g, '_') || 'none';
}

function prepare(): Prepared | undefined {
  try {
    const loader = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
    if (!loader || process.env.PGLC_NO_CODE_CACHE) return undefined;
    const st = statSync(bundle);
    // One folder per installed bundle, so two installations do not evict each other's cache.
    const dir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'pglc', 'v8', createHash('sha256').update(bundle).digest('hex').slice(0, 16));
    const prefix = `${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}-`;
    const cachePath = join(dir, `${prefix}${commandKey()}.bin`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cachePath);
    } catch {
      cachedData = undefined;
    }
    // The shebang line is kept as a blank line so that line numbers (and the source map) match.
    const source = readFileSync(bundle, 'utf8').replace(/^#!.*/, '');
    const wrapped = (Module as unknown as { wrap(s: string): string }).wrap(source);
    const script = new vm.Script(wrapped, { filename: bundle, cachedData, importModuleDynamically: loader });
    return { script, cachePath, prefix, hadCache: Boolean(cachedData) && !script.cachedDataRejected };
  } catch {
    return undefined;
  }
}

function saveCache(p: Prepared): void {
  if (p.hadCache) return;
  try {
    const dir = join(p.cachePath, '..');
    mkdirSync(dir, { recursive: true });
    // Caches of other builds or Node versions are of no use any more (other commands' are kept).
    for (const f of readdirSync(dir)) if (f.endsWith('.bin') && !f.startsWith(p.prefix)) unlinkSync(join(dir, f));
    const tmp = `${p.cachePath}.${process.pid}.tmp`;
    writeFileSync(tmp, p.script.createCachedData());
    renameSync(tmp, p.cachePath);
  } catch {
    // A cache that cannot be written is simply not used.
  }
}

const prepared = prepare();
if (!prepared) {
  require(bundle);
} else {
  const m = new Module(bundle, module) as Module & { filename: string; paths: string[]; loaded: boolean };
  m.filename = bundle;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
  const fn = prepared.script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  fn.call(m.exports, m.exports, createRequire(bundle), m, bundle, __dirname);
  m.loaded = true;
  // at the end, so that the cache holds what the command compiled while it ran
  process.once('exit', () => saveCache(prepared));
}
