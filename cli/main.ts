// `pglc`: the command line. Wiring only — commands live in cli/commands/, behaviour in core/.
// Invariant: every command is registered from the one table in commands/index.ts and runs
// through runCommand (one error wrapper, one output contract).

import { Command, CommanderError } from 'commander';
import { ExitCode } from '../protocol/index';
import { commands, groups } from './commands/index';
import { addCommonOptions } from './common-options';
import { runCommand } from './run-command';
import { jsonReporter, humanReporter } from './output/reporter';
import { toolVersion as version } from './tool-version';

function buildProgram(onRun: (p: Promise<number>) => void): Command {
  const program = new Command('pglc')
    .description('Postgres Lifecycle — migrations, backups, restores and more for PostgreSQL')
    .version(version, '-v, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const parents = new Map<string, Command>();
  for (const def of commands) {
    let parent = program;
    for (const word of def.path.slice(0, -1)) {
      let child = parents.get(word);
      if (!child) {
        child = parent.command(word).description(groups[word] ?? '').exitOverride();
        parents.set(word, child);
      }
      parent = child;
    }
    const cmd = parent.command(def.path[def.path.length - 1]!).description(def.summary).exitOverride();
    def.configure?.(cmd);
    addCommonOptions(cmd, def.usesEnvironment !== false);
    if (def.help) cmd.addHelpText('after', `\n${def.help}`);
    cmd.action((...received: unknown[]) => {
      const c = received[received.length - 1] as Command;
      // a variadic last argument (`[paths...]`) takes every remaining word
      const variadic = c.registeredArguments[c.registeredArguments.length - 1]?.variadic === true;
      const args = variadic ? c.args : c.args.slice(0, c.registeredArguments.length);
      onRun(runCommand(def, { args, opts: c.opts() }));
    });
  }
  return program;
}

async function main(argv: string[]): Promise<number> {
  let running: Promise<number> | undefined;
  const program = buildProgram((p) => (running = p));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return ExitCode.ok;
      if (argv.includes('--json')) {
        jsonReporter().failure(argv.slice(2).join(' '), { code: 'usage', what: 'Invalid command line', why: e.message, fix: 'Run pglc --help.' });
      }
      return ExitCode.usage;
    }
    humanReporter().failure('pglc', { code: 'internal', what: 'pglc hit an internal error', why: String(e), fix: 'Report it.' });
    return ExitCode.failed;
  }
  return running ? running : ExitCode.ok;
}

// The AWS SDK prints a Node-version notice on stderr when its first client is made; with --json,
// stderr must carry only JSON events (and the notice is no use to a pglc user).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

main(process.argv).then((code) => {
  process.exitCode = code;
});
