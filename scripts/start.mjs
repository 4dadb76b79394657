// `npm start`: the main job. Builds pglc, starts the embedded local PostgreSQL for the example
// project (examples/blog) and walks through the migration commands on it.
// (When the editor lands, this opens the extension in a real VS Code instead.)
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const example = join(root, 'examples/blog');
const pglc = join(root, 'dist/pglc.js');

function run(title, args, { allowFailure = false } = {}) {
  process.stdout.write(`\n\x1b[1m$ pglc ${args.join(' ')}\x1b[0m   \x1b[2m# ${title}\x1b[0m\n`);
  const r = spawnSync(process.execPath, [pglc, ...args], { cwd: example, stdio: 'inherit' });
  if (r.status !== 0 && !allowFailure) {
    process.stdout.write(`\npglc ${args.join(' ')} failed (exit ${r.status}); see the message above.\n`);
    process.exit(r.status ?? 1);
  }
}

const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
if (b.status !== 0) process.exit(b.status ?? 1);

process.stdout.write(`Postgres Lifecycle — walking through pglc on the example project in ${example}\n`);
run('start the embedded local database (initialized on first use, under examples/blog/.pglc/)', ['db', 'start']);
run('what is applied and what is pending', ['db', 'migrate:status']);
run('apply every pending migration, each in its own transaction', ['db', 'migrate']);
run('roll back the last migration with its Down section', ['db', 'migrate:rollback']);
run('the rolled-back migration is pending again', ['db', 'migrate:status']);
run('apply it again', ['db', 'migrate']);
run('the server, its version, size and uptime', ['db', 'status']);
run('the environments of pglc.toml (prod is protected)', ['env', 'list']);

process.stdout.write(`
The local database keeps running. Try, from examples/blog:
  node ../../dist/pglc.js db migrate:create add_likes   # a new migration with -- Up / -- Down
  node ../../dist/pglc.js db migrate:fresh              # drop everything and re-apply (blocked on prod)
  node ../../dist/pglc.js db stop                       # stop the local database
`);
