// `npm start`: the extension in a real VS Code on the example project. Builds, makes sure the
// tools are in .tools/ (code-server, Node 24, vsce), starts the embedded local PostgreSQL of
// examples/blog and migrates it, packs and installs the VSIX into .tools/start/, and runs
// code-server on 127.0.0.1 (a free port, or PGLC_PORT) with examples/blog open, in the foreground
// until Ctrl-C. When the tools cannot be installed (e.g. libkrb5-dev missing) it falls back to a
// walk through the pglc command line on the same project.
// Invariants: code-server stops with this process (its whole process group); the local database
// keeps running afterwards (the message says how to stop it); nothing is written to the user's
// home: code-server's config, user data and extensions live in .tools/start/.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples/blog');
const pglc = join(root, 'dist/pglc.js');
const tools = join(root, '.tools');
const toolNode = join(tools, 'node/node_modules/node/bin/node');
const codeServer = join(tools, 'node_modules/code-server/out/node/entry.js');
const vsix = join(root, 'dist/postgres-lifecycle.vsix');
const startDir = join(tools, 'start');

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const say = (s) => process.stdout.write(`${s}\n`);

function step(title, cmd, args, opts = {}) {
  say(`\n${bold(`> ${title}`)}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status === 0;
}

function must(ok, what) {
  if (!ok) {
    say(`\n${what} failed; see the messages above.`);
    process.exit(1);
  }
}

function pglcRun(title, args, { allowFailure = false } = {}) {
  say(`\n${bold(`$ pglc ${args.join(' ')}`)}   ${dim(`# ${title}`)}`);
  const r = spawnSync(process.execPath, [pglc, ...args], { cwd: example, stdio: 'inherit' });
  if (r.status !== 0 && !allowFailure) {
    say(`\npglc ${args.join(' ')} failed (exit ${r.status}); see the message above.`);
    process.exit(r.status ?? 1);
  }
}

/** The command-line walk through (the fallback when code-server cannot be installed). */
function walkthrough() {
  say(`Postgres Lifecycle — walking through pglc on the example project in ${example}`);
  pglcRun('start the embedded local database (initialized on first use, under examples/blog/.pglc/)', ['db', 'start']);
  pglcRun('what is applied and what is pending', ['db', 'migrate:status']);
  pglcRun('apply every pending migration, each in its own transaction', ['db', 'migrate']);
  pglcRun('roll back the last migration with its Down section', ['db', 'migrate:rollback']);
  pglcRun('the rolled-back migration is pending again', ['db', 'migrate:status']);
  pglcRun('apply it again', ['db', 'migrate']);
  pglcRun('the server, its version, size and uptime', ['db', 'status']);
  pglcRun('the environments of pglc.toml (prod is protected)', ['env', 'list']);
  say(`
The local database keeps running. Try, from examples/blog:
  node ../../dist/pglc.js db migrate:create add_likes   # a new migration with -- Up / -- Down
  node ../../dist/pglc.js db migrate:fresh              # drop everything and re-apply (blocked on prod)
  node ../../dist/pglc.js db stop                       # stop the local database
`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function answers(url) {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function waitForHttp(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await answers(url))) {
    if (child.exitCode !== null) throw new Error(`code-server exited early (code ${child.exitCode}); see ${join(startDir, 'code-server.log')}`);
    if (Date.now() > deadline) throw new Error(`code-server did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200)); // poll interval, bounded by the deadline
  }
}

must(step('build', process.execPath, [join(root, 'scripts/build.mjs')]), 'The build');

if (!step('tools for a real VS Code (.tools/: Node 24, code-server; minutes the first time)', process.execPath, [join(root, 'scripts/install-vscode-tools.mjs')]) ||
    !existsSync(toolNode) || !existsSync(codeServer)) {
  say(`
${bold('code-server could not be installed')}, so the editor cannot open here. The usual cause is a
missing system package for its native modules: install libkrb5-dev (apt-get install -y libkrb5-dev)
and run \`npm start\` again. Meanwhile, here is the same project on the command line.
`);
  walkthrough();
  process.exit(0);
}

say(`\n${bold('> the example project\'s local database')}`);
pglcRun('start the embedded local PostgreSQL of examples/blog (initialized on first use, under examples/blog/.pglc/)', ['db', 'start']);
pglcRun('apply its migrations', ['db', 'migrate']);

must(step('package the extension (dist/postgres-lifecycle.vsix)', process.execPath, [join(root, 'scripts/package-vsix.mjs')]), 'Packaging');

const userData = join(startDir, 'user-data');
const extensions = join(startDir, 'extensions');
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(extensions, { recursive: true });
// A quiet workbench: our defaults, merged under whatever the user changed since (a file with
// comments is left as it is).
const settingsFile = join(userData, 'User/settings.json');
const defaults = {
  'workbench.startupEditor': 'none',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};
let current = {};
try {
  current = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
} catch {
  current = undefined;
}
if (current) writeFileSync(settingsFile, JSON.stringify({ ...defaults, ...current }, null, 2));
const configFile = join(startDir, 'config.yaml');
writeFileSync(configFile, 'auth: none\ncert: false\n');
// Offline machines: no marketplace; the project's own extension comes from the VSIX.
const env = { ...process.env, EXTENSIONS_GALLERY: '{}' };
for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
must(
  step('install the VSIX into .tools/start/extensions', toolNode, [codeServer, '--config', configFile, '--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix, '--force'], { env }),
  'Installing the VSIX',
);

const port = process.env.PGLC_PORT ? Number(process.env.PGLC_PORT) : await freePort();
const logFile = join(startDir, 'code-server.log');
const log = openSync(logFile, 'a');
const child = spawn(
  toolNode,
  [
    codeServer, '--config', configFile, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--user-data-dir', userData, '--extensions-dir', extensions, example,
  ],
  { cwd: root, env, detached: true, stdio: ['ignore', log, log] },
);
closeSync(log);
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
};
process.on('exit', stop);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    say('\nStopping code-server…');
    stop();
    say(`The local database of examples/blog keeps running. Stop it with:\n  (cd examples/blog && node ../../dist/pglc.js db stop)`);
    process.exit(0);
  });
}

const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(example)}`;
try {
  await waitForHttp(`http://127.0.0.1:${port}/healthz`, child, 60_000);
} catch (e) {
  say(`\n${e.message}`);
  process.exit(1);
}
say(`
${bold('Postgres Lifecycle is running in code-server:')}
  ${bold(url)}

Open it in a browser: the Postgres Lifecycle icon in the activity bar shows the migrations of
examples/blog on its local database (already migrated), CodeLens in each migration file apply and
roll back, and the status bar switches environment. Log: ${logFile}
Press Ctrl-C to stop code-server (the local database keeps running).`);
child.on('exit', (code) => {
  say(`code-server exited (code ${code}); see ${logFile}`);
  process.exit(code ?? 1);
});
