// `npm run package` (after the build): packs the extension into dist/postgres-lifecycle.vsix with
// @vscode/vsce from `.tools/` (vsce needs Node >= 22, so it runs with the tools' Node 24).
// Invariants: no node_modules in the VSIX (`--no-dependencies`; the bundles carry what they
// need); what goes in is decided by the allow-list in .vscodeignore; offline (no marketplace call).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node = join(root, '.tools/node/node_modules/node/bin/node');
const vsce = join(root, '.tools/node_modules/@vscode/vsce/vsce');
const out = join(root, 'dist/postgres-lifecycle.vsix');

if (!existsSync(node) || !existsSync(vsce)) {
  console.error('package: @vscode/vsce is not installed in .tools/ — run `npm run tools` first (a few minutes, once)');
  process.exit(1);
}
for (const f of ['dist/client.js', 'dist/server.js']) {
  if (!existsSync(join(root, f))) {
    console.error(`package: ${f} is missing — run \`npm run build\` first`);
    process.exit(1);
  }
}
// Relative links in README.md point into the repository (vsce detects only GitHub/GitLab hosts).
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const repo = String(pkg.repository?.url ?? pkg.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, '');
const links = repo ? ['--baseContentUrl', `${repo}/blob/HEAD/`, '--baseImagesUrl', `${repo}/raw/HEAD/`] : [];
const r = spawnSync(node, [vsce, 'package', '--no-dependencies', ...links, '--out', out], { cwd: root, stdio: 'inherit' });
if (r.status !== 0) {
  console.error(`package: vsce failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
