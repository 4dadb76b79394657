// Options every command shares, added in one place so they cannot drift.
import type { Command } from 'commander';

export function addCommonOptions(cmd: Command, usesEnvironment: boolean): void {
  if (usesEnvironment) cmd.option('-e, --env <name>', 'environment from pglc.toml (default: local)');
  cmd.option('--json', 'machine-readable output: JSON events on stderr, one result on stdout');
}
