// Every command of the extension, in one table registered in one loop.
// Invariant: this list and package.json `contributes.commands` hold the same ids
// (test/extension checks it).

import type { CommandDefinition } from './command-definition';
import { initCommand } from './init';
import { openReadmeCommand } from './open-readme';
import { refreshCommand } from './refresh';
import { showOutputCommand } from './show-output';

export const commandTable: readonly CommandDefinition[] = [initCommand, refreshCommand, showOutputCommand, openReadmeCommand];
